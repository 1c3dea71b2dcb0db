/**
 * Build: tsc compiles nodes/ and credentials/ to dist/; esbuild then replaces the one file that
 * imports third-party code (nodes/shared/ioc/vendor.ts) with a bundle of it, so the published
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

async function bundleVendor() {
	await esbuild.build({
		entryPoints: ['nodes/shared/ioc/vendor.ts'],
		outfile: 'dist/nodes/shared/ioc/vendor.js',
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
