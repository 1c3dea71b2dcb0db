// `npm run scan`: n8n's community-package scanner (@n8n/scan-community-package) on this repo, the way
// n8n runs it on a published version, minus the provenance check (that needs a published package):
//   - the source, with the scanner's own SOURCE_FILE_PATTERNS (nodes/, credentials/, package.json);
//   - the tarball `npm pack` makes, unpacked, with ['**/*.js', 'package.json'] (the scanner's
//     analyzePackageByName lints the published tarball with exactly these; .d.ts files are out of scope).
// Run after the build (the tarball ships dist/). Exits 1 with the scanner's own message on a violation.
// Plain .mjs: the scanner ships no type declarations.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { analyzePackage, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';

const repoDir = path.resolve(import.meta.dirname, '..');
const TARBALL_PATTERNS = ['**/*.js', 'package.json'];

function run(cmd, args, cwd) {
	const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
	if (r.status !== 0) {
		throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
	}
	return r.stdout;
}

function report(label, result) {
	if (result.passed) {
		process.stdout.write(`✅ ${label}: passed${result.message ? ` (${result.message})` : ''}\n`);
		return true;
	}
	process.stdout.write(`❌ ${label}: failed\nReason: ${result.message}\n`);
	if (result.details) process.stdout.write(`\nDetails:\n${result.details}\n`);
	return false;
}

const pkg = JSON.parse(fs.readFileSync(path.join(repoDir, 'package.json'), 'utf8'));
for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
	if (!fs.existsSync(path.join(repoDir, file))) {
		process.stderr.write(`scan: ${file} is missing; run \`npm run build\` first.\n`);
		process.exit(1);
	}
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-scan-'));
let ok = true;
try {
	const t0 = Date.now();
	process.stdout.write(`Scanning the source of ${pkg.name}@${pkg.version} (${SOURCE_FILE_PATTERNS.join(', ')})\n`);
	ok = report('source', await analyzePackage(repoDir, SOURCE_FILE_PATTERNS)) && ok;

	const packed = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], repoDir));
	const tarball = path.join(tmp, packed[0].filename);
	const unpacked = path.join(tmp, 'package');
	run('tar', ['-xzf', tarball, '-C', tmp], repoDir);
	const jsFiles = packed[0].files.filter((f) => f.path.endsWith('.js')).length;
	process.stdout.write(`Scanning the tarball ${packed[0].filename} (${jsFiles} .js files of ${packed[0].entryCount}; ${TARBALL_PATTERNS.join(', ')})\n`);
	ok = report('tarball', await analyzePackage(unpacked, TARBALL_PATTERNS)) && ok;
	process.stdout.write(`${ok ? '✅' : '❌'} n8n community-package scan ${ok ? 'passed' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
} finally {
	fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
