// Redis and PostgreSQL for `npm run test:queue`: Debian's packages (installed with apt-get when missing),
// started by this script on 127.0.0.1 with their data in a temporary folder, stopped by PID at the end.
// No system service is used or touched. Node built-ins only; runs directly under Node 24.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { freePort, type Log } from '../n8n-host.ts';

export interface Service {
	name: string;
	port: number;
	pid: number;
	child: ChildProcess;
	logFile: string;
	stop(): Promise<void>;
}

function which(cmd: string): string | undefined {
	const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
	return r.status === 0 ? r.stdout.trim() || undefined : undefined;
}

/** The newest /usr/lib/postgresql/<v>/bin (Debian keeps initdb/postgres there, off PATH). */
function postgresBin(): string | undefined {
	const root = '/usr/lib/postgresql';
	try {
		const versions = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'postgres')));
		versions.sort((a, b) => Number(b) - Number(a));
		if (versions[0]) return path.join(root, versions[0], 'bin');
	} catch { /* not installed */ }
	const initdb = which('initdb');
	return initdb ? path.dirname(fs.realpathSync(initdb)) : undefined;
}

function aptInstall(pkgs: string[], log: Log): void {
	if (process.getuid?.() !== 0) {
		throw new Error(`${pkgs.join(' and ')} missing and this is not root: install them (apt-get install -y ${pkgs.join(' ')}) and run again`);
	}
	log(`Installing ${pkgs.join(', ')} with apt-get (non-interactive)…`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	let r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], { encoding: 'utf8', env });
	if (r.status !== 0) {
		// The package lists may be missing on a fresh machine.
		spawnSync('apt-get', ['update'], { encoding: 'utf8', env });
		r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], { encoding: 'utf8', env });
	}
	if (r.status !== 0) throw new Error(`apt-get install ${pkgs.join(' ')} failed:\n${r.stdout.slice(-2000)}${r.stderr.slice(-2000)}`);
}

/** redis-server and postgres binaries, installed from Debian when missing. */
export function ensureServices(log: Log): { redisServer: string; pgBin: string } {
	const missing: string[] = [];
	if (!which('redis-server')) missing.push('redis-server');
	if (!postgresBin()) missing.push('postgresql');
	if (missing.length) aptInstall(missing, log);
	const redisServer = which('redis-server');
	const pgBin = postgresBin();
	if (!redisServer || !pgBin) throw new Error(`after apt-get: redis-server ${redisServer ?? 'missing'}, postgres ${pgBin ?? 'missing'}`);
	return { redisServer, pgBin };
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (child.exitCode !== null || child.signalCode !== null) {
			throw new Error(`${what} exited (${child.signalCode ?? child.exitCode}) before it was ready:\n${tail(logFile)}`);
		}
		if (await check()) return;
		if (Date.now() > deadline) throw new Error(`${what} not ready after ${timeoutMs / 1000} s:\n${tail(logFile)}`);
		await new Promise((r) => setTimeout(r, 250));
	}
}

export function tail(file: string, lines = 30): string {
	try {
		return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
	} catch {
		return '';
	}
}

/** SIGTERM (or `signal`) to the PID, SIGKILL after `graceMs`; resolves when it has exited. */
function stopByPid(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
	return new Promise((resolve) => {
		const timer = setTimeout(() => {
			try {
				process.kill(child.pid!, 'SIGKILL');
			} catch { /* gone */ }
		}, graceMs);
		child.once('exit', () => {
			clearTimeout(timer);
			resolve();
		});
		try {
			process.kill(child.pid!, signal);
		} catch {
			clearTimeout(timer);
			resolve();
		}
	});
}

export async function startRedis(opts: { redisServer: string; dir: string; log: Log }): Promise<Service> {
	const port = await freePort();
	const logFile = path.join(opts.dir, 'redis.log');
	const out = fs.openSync(logFile, 'a');
	const child = spawn(opts.redisServer, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', opts.dir], {
		stdio: ['ignore', out, out],
	});
	fs.closeSync(out);
	await waitFor('redis-server', () => tail(logFile, 200).includes('Ready to accept connections'), child, logFile, 20000);
	opts.log(`Redis on 127.0.0.1:${port} (pid ${child.pid})`);
	return {
		name: 'redis', port, pid: child.pid!, child, logFile,
		stop: async () => {
			await stopByPid(child, 'SIGTERM', 5000);
			opts.log(`Stopped Redis (pid ${child.pid})`);
		},
	};
}

export interface Postgres extends Service {
	user: string;
	database: string;
	psql(sql: string): string;
}

/**
 * initdb into `<dir>/pg` and `postgres -D` on 127.0.0.1 (trust auth, loopback only). Postgres refuses to
 * run as root, so as root the data folder belongs to the `postgres` user (Debian's package creates it)
 * and the server runs under that uid.
 */
export async function startPostgres(opts: { pgBin: string; dir: string; log: Log; database?: string }): Promise<Postgres> {
	const port = await freePort();
	const data = path.join(opts.dir, 'pg');
	const sock = path.join(opts.dir, 'pg-sock');
	fs.mkdirSync(data, { recursive: true, mode: 0o700 });
	fs.mkdirSync(sock, { recursive: true });
	let ids: { uid: number; gid: number } | undefined;
	if (process.getuid?.() === 0) {
		const u = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
		const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
		if (u.status !== 0) throw new Error('running as root but there is no "postgres" user to run PostgreSQL as (apt-get install postgresql creates it)');
		ids = { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
		fs.chmodSync(opts.dir, 0o755);
		for (const d of [data, sock]) fs.chownSync(d, ids.uid, ids.gid);
	}
	const user = 'n8n';
	const database = opts.database ?? 'n8n';
	const logFile = path.join(opts.dir, 'postgres.log');
	fs.writeFileSync(logFile, '');
	if (ids) fs.chownSync(logFile, ids.uid, ids.gid);
	const init = spawnSync(path.join(opts.pgBin, 'initdb'), ['-D', data, '-U', user, '--auth=trust', '--encoding=UTF8', '--no-instructions'], {
		encoding: 'utf8', cwd: opts.dir, ...(ids ?? {}), env: { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' },
	});
	if (init.status !== 0) throw new Error(`initdb failed:\n${init.stdout}${init.stderr}`);
	const out = fs.openSync(logFile, 'a');
	const child = spawn(path.join(opts.pgBin, 'postgres'), ['-D', data, '-k', sock, '-h', '127.0.0.1', '-p', String(port), '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=100'], {
		stdio: ['ignore', out, out], cwd: opts.dir, ...(ids ?? {}), env: { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' },
	});
	fs.closeSync(out);
	const psqlBin = fs.existsSync(path.join(opts.pgBin, 'psql')) ? path.join(opts.pgBin, 'psql') : 'psql';
	const psql = (sql: string, db = database) => {
		const r = spawnSync(psqlBin, ['-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', db, '-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' });
		if (r.status !== 0) throw new Error(`psql failed: ${sql}\n${r.stderr}`);
		return r.stdout.trim();
	};
	await waitFor('postgres', () => {
		const r = spawnSync(psqlBin, ['-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', 'postgres', '-X', '-A', '-t', '-c', 'select 1'], { encoding: 'utf8' });
		return r.status === 0;
	}, child, logFile, 30000);
	psql(`CREATE DATABASE ${database}`, 'postgres');
	opts.log(`PostgreSQL on 127.0.0.1:${port} (pid ${child.pid}, database ${database}, data ${data})`);
	return {
		name: 'postgres', port, pid: child.pid!, child, logFile, user, database,
		psql: (sql: string) => psql(sql),
		// SIGINT = fast shutdown.
		stop: async () => {
			await stopByPid(child, 'SIGINT', 10000);
			opts.log(`Stopped PostgreSQL (pid ${child.pid})`);
		},
	};
}

export function tempDir(prefix: string): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
