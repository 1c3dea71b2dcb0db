// n8n in queue mode for `npm run test:queue`: one main instance (`n8n start`, EXECUTIONS_MODE=queue) and
// N workers (`n8n worker`), each with its own user folder and the package's tarball installed in its
// .n8n/nodes, all sharing one PostgreSQL database, one Redis and one encryption key.
// Built on scripts/n8n-host.ts (N8nHost gives the user folder, the base env, the nodes-folder install,
// the CLI and `n8n start`); this file only adds the queue-mode env, the worker processes and a small
// REST client (owner set-up, executions, retry).
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

import { freePort, N8nHost, stopChild, type CredentialImport, type Log, type N8nInstall, type WorkflowJson } from '../n8n-host.ts';
import { tail } from './services.ts';

export interface QueueBackends {
	postgres: { port: number; user: string; database: string };
	redis: { port: number };
}

/** The env every process of the cluster shares (DB, Redis, key, queue settings). */
export function queueEnv(b: QueueBackends, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	return {
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(b.postgres.port),
		DB_POSTGRESDB_DATABASE: b.postgres.database,
		DB_POSTGRESDB_USER: b.postgres.user,
		DB_POSTGRESDB_PASSWORD: '',
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(b.redis.port),
		N8N_ENCRYPTION_KEY: 'queue-mode-test-key-not-a-secret-0001',
		N8N_RUNNERS_ENABLED: 'true',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		...extra,
	};
}

/** An N8nHost whose every n8n call (CLI, start) gets the queue env on top of its own. */
async function queueHost(install: N8nInstall, shared: NodeJS.ProcessEnv, log: Log): Promise<N8nHost> {
	const host = await N8nHost.create({ install, log });
	const base = host.env.bind(host);
	host.env = (extra: NodeJS.ProcessEnv = {}) => base({ ...shared, ...extra });
	return host;
}

export interface Worker {
	name: string;
	host: N8nHost;
	child: ChildProcess;
	pid: number;
	healthPort: number;
	logFile: string;
	/** Execution ids this worker logged as started / finished. */
	started(): string[];
	finished(): string[];
}

export class QueueCluster {
	readonly main: N8nHost;
	readonly workers: Worker[] = [];
	readonly log: Log;
	private readonly install: N8nInstall;
	private workerHosts: N8nHost[];
	private cookie = '';

	private constructor(install: N8nInstall, main: N8nHost, workerHosts: N8nHost[], log: Log) {
		this.install = install;
		this.main = main;
		this.workerHosts = workerHosts;
		this.log = log;
	}

	static async create(opts: { install: N8nInstall; backends: QueueBackends; workers: number; env?: NodeJS.ProcessEnv; log: Log }): Promise<QueueCluster> {
		const shared = queueEnv(opts.backends, opts.env);
		const main = await queueHost(opts.install, shared, opts.log);
		const hosts: N8nHost[] = [];
		for (let i = 0; i < opts.workers; i++) hosts.push(await queueHost(opts.install, shared, opts.log));
		return new QueueCluster(opts.install, main, hosts, opts.log);
	}

	/** The tarball into every instance's own .n8n/nodes (what users must do on every worker). */
	async installPackage(tarball: string): Promise<void> {
		for (const h of [this.main, ...this.workerHosts]) await h.installPackage(tarball);
	}

	async importCredentials(creds: CredentialImport[]): Promise<void> {
		await this.main.importCredentials(creds);
	}

	async importWorkflows(wfs: WorkflowJson[]): Promise<void> {
		await this.main.importWorkflows(wfs);
	}

	async publish(id: string): Promise<void> {
		const r = await this.main.cli(['publish:workflow', `--id=${id}`]);
		if (r.code !== 0) throw new Error(`n8n publish:workflow --id=${id} failed:\n${r.stdout}${r.stderr}`);
		this.log(`Published workflow ${id} (${(r.ms / 1000).toFixed(1)} s)`);
	}

	async startMain(env: NodeJS.ProcessEnv = {}): Promise<void> {
		await this.main.start({ timeoutMs: 180000, env });
	}

	/** `n8n worker --concurrency=<c>` for every worker host; resolves when each answers /healthz/readiness. */
	async startWorkers(concurrency: number, timeoutMs = 180000): Promise<void> {
		await Promise.all(this.workerHosts.map((h, i) => this.startWorker(h, `worker-${String.fromCharCode(65 + i)}`, concurrency, timeoutMs)));
	}

	/** A new worker process on a dead worker's user folder (what a supervisor would do after a crash). */
	async restartWorker(dead: Worker, concurrency: number, timeoutMs = 180000): Promise<Worker> {
		return await this.startWorker(dead.host, `${dead.name}'`, concurrency, timeoutMs);
	}

	private async startWorker(host: N8nHost, name: string, concurrency: number, timeoutMs: number): Promise<Worker> {
		const healthPort = await freePort();
		const logFile = path.join(host.userFolder, `n8n-${name.replace(/\W/g, '_')}.log`);
		const out = fs.openSync(logFile, 'a');
		const child = spawn(this.install.node, [this.install.n8nBin, 'worker', `--concurrency=${concurrency}`], {
			cwd: host.userFolder,
			env: host.env({ QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(healthPort), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1' }),
			stdio: ['ignore', out, out],
			detached: true,
		});
		fs.closeSync(out);
		const grep = (re: RegExp) => () => {
			let text = '';
			try {
				text = fs.readFileSync(logFile, 'utf8');
			} catch { /* none yet */ }
			return [...text.matchAll(re)].map((m) => m[1]);
		};
		const worker: Worker = {
			name, host, child, pid: child.pid!, healthPort, logFile,
			started: grep(/Worker started execution (\d+)/g),
			finished: grep(/Worker finished execution (\d+)/g),
		};
		this.workers.push(worker);
		this.log(`Starting ${name} (pid ${child.pid}, concurrency ${concurrency}, user folder ${host.userFolder}, health :${healthPort})…`);
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited (${child.signalCode ?? child.exitCode}) before it was ready:\n${tail(logFile, 40)}`);
			try {
				const res = await fetch(`http://127.0.0.1:${healthPort}/healthz/readiness`, { signal: AbortSignal.timeout(2000) });
				if (res.ok) break;
			} catch { /* not yet */ }
			if (Date.now() > deadline) throw new Error(`${name} not ready after ${timeoutMs / 1000} s:\n${tail(logFile, 40)}`);
			await new Promise((r) => setTimeout(r, 500));
		}
		this.log(`${name} is ready (pid ${child.pid})`);
		return worker;
	}

	/** Which worker logged "started execution <id>". */
	workerOf(executionId: string): Worker | undefined {
		return this.workers.find((w) => w.started().includes(executionId));
	}

	/** SIGKILL to the worker's own PID (the crash), then to what is left of its process group. */
	async killWorker(w: Worker): Promise<void> {
		const exited = new Promise<void>((r) => (w.child.exitCode !== null || w.child.signalCode !== null ? r() : w.child.once('exit', () => r())));
		process.kill(w.pid, 'SIGKILL');
		await exited;
		try {
			process.kill(-w.pid, 'SIGKILL');
		} catch { /* no group members left */ }
		this.log(`Killed ${w.name} (pid ${w.pid}) with SIGKILL`);
	}

	async stop(): Promise<void> {
		for (const w of this.workers) {
			await stopChild(w.child, 10000);
			this.log(`Stopped ${w.name} (pid ${w.pid})`);
		}
		await this.main.stop();
	}

	async dispose(opts: { keepFolders?: boolean } = {}): Promise<void> {
		await this.stop();
		for (const h of [this.main, ...this.workerHosts]) await h.dispose({ keepFolder: opts.keepFolders });
	}

	// --- REST (/rest, cookie of the owner created here) --------------------------------------------
	async rest(method: string, p: string, body?: unknown): Promise<any> {
		const res = await fetch(`${this.main.url}/rest${p}`, {
			method,
			headers: { 'content-type': 'application/json', 'browser-id': 'queue-mode-test', ...(this.cookie ? { cookie: this.cookie } : {}) },
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(p.endsWith('/retry') ? 90000 : 30000),
		});
		const text = await res.text();
		const setCookie = res.headers.get('set-cookie');
		if (setCookie) {
			const m = /n8n-auth=[^;]+/.exec(setCookie);
			if (m) this.cookie = m[0];
		}
		if (!res.ok) throw new Error(`${method} /rest${p}: HTTP ${res.status} ${text.slice(0, 500)}`);
		return text ? (JSON.parse(text).data ?? JSON.parse(text)) : undefined;
	}

	/** Creates the instance owner (fresh DB) and keeps its auth cookie. */
	async setupOwner(): Promise<void> {
		const owner = { email: 'owner@queue-test.invalid', firstName: 'Queue', lastName: 'Test', password: 'QueueTest-Passw0rd' };
		await this.rest('POST', '/owner/setup', owner);
		if (!this.cookie) await this.rest('POST', '/login', { emailOrLdapLoginId: owner.email, password: owner.password });
	}

	/** Executions of a workflow, newest first: {id, status, mode, retryOf, retrySuccessId, startedAt, stoppedAt}. */
	async executions(workflowId: string): Promise<any[]> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const r = await this.rest('GET', `/executions?filter=${filter}&limit=100`);
		return r.results ?? r;
	}

	/** One execution with its run data parsed (the REST API sends it in the `flatted` format). */
	async execution(id: string): Promise<any> {
		const e = await this.rest('GET', `/executions/${id}`);
		if (typeof e.data === 'string') {
			const flatted = createRequire(path.join(this.install.dir, 'node_modules', 'n8n', 'package.json'))('flatted');
			e.data = flatted.parse(e.data);
		}
		return e;
	}

	async retry(id: string, loadWorkflow = false): Promise<any> {
		return await this.rest('POST', `/executions/${id}/retry`, { loadWorkflow });
	}
}

/** Items of a node's runs in an execution's data: one list per run (output 0 unless given). */
export function nodeItems(execData: any, node: string, output = 0): Array<Array<Record<string, any>>> {
	const runs = (execData?.resultData?.runData?.[node] ?? []) as any[];
	return runs.map((r) => ((r.data?.main?.[output] ?? []) as any[]).map((i) => i.json));
}
