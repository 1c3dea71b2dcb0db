/**
 * What ships: the tarball holds the build and nothing else, loads with nothing but n8n-workflow
 * from its host, and lists every node and credential it has. (`npm test` builds first: pretest.)
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

const root = path.resolve('.');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

function packedFiles(): string[] {
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
	const out = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
	return (JSON.parse(out)[0].files as { path: string }[]).map((file) => file.path);
}

function jsFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const full = path.join(dir, name);
		if (statSync(full).isDirectory()) return jsFiles(full);
		return full.endsWith('.js') ? [full] : [];
	});
}

describe('the npm package', () => {
	it('holds only dist/, README, LICENSE and package.json', () => {
		const files = packedFiles();
		expect(files.length).toBeGreaterThan(10);
		const outside = files.filter((file) => !file.startsWith('dist/') && !['README.md', 'LICENSE', 'package.json'].includes(file));
		expect(outside).toEqual([]);
		expect(files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json', 'dist/index.js']));
		expect(files.some((file) => /(^|\/)test\/|\.test\.|\.ts$/.test(file) && !file.endsWith('.d.ts'))).toBe(false);
	});

	it('declares no runtime dependencies and only n8n-workflow as a peer', () => {
		expect(Object.keys(pkg.dependencies ?? {})).toEqual([]);
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.license).toBe('MIT');
		expect(pkg.n8n.n8nNodesApiVersion).toBe(1);
	});

	it('requires nothing at run time but n8n-workflow, Node built-ins and its own files', () => {
		const allowed = new Set(['n8n-workflow', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
		const foreign: string[] = [];
		for (const file of jsFiles(path.join(root, 'dist'))) {
			const source = readFileSync(file, 'utf8');
			for (const match of source.matchAll(/require\(["']([^"']+)["']\)/g)) {
				const spec = match[1];
				if (!spec.startsWith('.') && !allowed.has(spec)) foreign.push(`${path.relative(root, file)}: ${spec}`);
			}
		}
		expect(foreign).toEqual([]);
	});

	it('every node and credential it lists loads from dist/ with its declared type name', () => {
		const listed = [...pkg.n8n.nodes, ...pkg.n8n.credentials] as string[];
		expect(listed.length).toBeGreaterThanOrEqual(2);
		for (const file of listed) {
			expect(file.startsWith('dist/')).toBe(true);
			const className = path.basename(file).split('.')[0];
			const exported = require(path.join(root, file))[className];
			expect(typeof exported).toBe('function');
			const instance = new exported();
			if (file.includes('/credentials/')) {
				expect(instance.name.charAt(0).toLowerCase() + className.slice(1)).toBe(instance.name);
				expect(instance.test ?? instance.authenticate).toBeDefined();
			} else {
				expect(instance.description.name).toBe(className.charAt(0).toLowerCase() + className.slice(1));
				const codex = JSON.parse(readFileSync(path.join(root, file.replace(/\.js$/, '.json')), 'utf8'));
				expect(codex.node).toBe(`${pkg.name}.${instance.description.name}`);
			}
		}
	});

	it('index.js exports the IoC library and the classes for use outside n8n', () => {
		const entry = require(path.join(root, pkg.main));
		expect(typeof entry.filterBlockableIocs).toBe('function');
		expect(typeof entry.exportBlocklists).toBe('function');
		expect(typeof entry.AssemblylineSubmissionIocs).toBe('function');
		expect(typeof entry.AssemblylineApi).toBe('function');
		const result = entry.filterBlockableIocs([{ value: 'hxxp://evil-c2[.]com/gate.php', type: 'uri', verdict: 'malicious' }, { value: '10.0.0.1', type: 'ip', verdict: 'malicious' }]);
		expect(result.block.map((ioc: { value: string }) => ioc.value)).toEqual(['http://evil-c2.com/gate.php']);
		expect(result.skipped.map((ioc: { reason: string }) => ioc.reason)).toEqual(['non_global_ip']);
	});
});
