// The sqlite3 binding n8n needs, built once per (sqlite3 version, Node version, platform) and reused by
// later n8n installs: building it from source (the registry's prebuilt binaries cannot be fetched here)
// compiles SQLite's amalgamation, 2-6 minutes of a first `npm start` on 2 cores. A binding built against
// one Node does not load in another (one built for Node 24 crashes Node 20), hence the Node version in
// the key, and a load check before a cached one is used.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const BINDING = 'node_sqlite3.node';

function cachedPath(cacheRoot: string, installDir: string, nodeVersion: string): string | undefined {
	try {
		const { version } = JSON.parse(fs.readFileSync(path.join(installDir, 'node_modules', 'sqlite3', 'package.json'), 'utf8'));
		return path.join(cacheRoot, 'sqlite3-bindings', `${version}-node${nodeVersion}-${process.platform}-${process.arch}`, BINDING);
	} catch {
		return undefined;
	}
}

/** Puts a cached binding into the install when there is one that loads in `node`; true when it did. */
export function restoreSqlite3(cacheRoot: string, installDir: string, nodeVersion: string, node: string): boolean {
	const cached = cachedPath(cacheRoot, installDir, nodeVersion);
	if (!cached || !fs.existsSync(cached)) return false;
	const target = path.join(installDir, 'node_modules', 'sqlite3', 'build', 'Release', BINDING);
	fs.mkdirSync(path.dirname(target), { recursive: true });
	fs.copyFileSync(cached, target);
	const check = spawnSync(node, ['-e', "require('sqlite3')"], { cwd: installDir, encoding: 'utf8' });
	if (check.status === 0) return true;
	fs.rmSync(target, { force: true });
	return false;
}

/** Keeps a freshly built binding for the next install. */
export function saveSqlite3(cacheRoot: string, installDir: string, nodeVersion: string, binding: string): void {
	const cached = cachedPath(cacheRoot, installDir, nodeVersion);
	if (!cached) return;
	fs.mkdirSync(path.dirname(cached), { recursive: true });
	fs.copyFileSync(binding, `${cached}.tmp-${process.pid}`);
	fs.renameSync(`${cached}.tmp-${process.pid}`, cached);
}
