/**
 * Build: tsc compiles nodes/ and credentials/ to dist/; esbuild then replaces the files that import
 * third-party code (VENDOR_DOORS: ipaddr.js and tldts, zod) with a bundle each, so the published
 * package needs nothing but n8n-workflow from its host; icons and codex files are copied.
 */
const { src, dest, series } = require('gulp');
const { execFileSync } = require('node:child_process');
const { rmSync } = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

function clean(done) {
	rmSync(path.join(__dirname, 'dist'), { recursive: true, force: true });
	done();
}

function compile(done) {
	execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], {
		stdio: 'inherit',
	});
	done();
}

/** The only files that import third-party code; each becomes a self-contained bundle in dist/. */
const VENDOR_DOORS = ['nodes/shared/ioc/vendor.ts', 'nodes/shared/zod.ts'];

async function bundleVendor() {
	await Promise.all(VENDOR_DOORS.map((door) => bundleDoor(door)));
}

async function bundleDoor(door) {
	await esbuild.build({
		entryPoints: [door],
		outfile: path.join('dist', door.replace(/\.ts$/, '.js')),
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		legalComments: 'inline',
		logLevel: 'warning',
	});
}

function copyAssets() {
	return src(['index.js', 'icons/*.{png,svg}', 'nodes/**/*.{png,svg,json}', 'credentials/**/*.{png,svg}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

exports.build = series(clean, compile, bundleVendor, copyAssets);
exports.default = exports.build;
