/** Runs one measurement in its own process (Node, or Python for the seed's baseline) and returns its JSON line. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import type { Measurement } from './measure.ts';

const NODE_FLAGS = ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', '--disable-warning=ExperimentalWarning', '--expose-gc'];

/** `prefix` wraps the command (e.g. `taskset -c 0` to pin the child to one core). */
export function runChild(caseFile: string, args: unknown, extraFlags: string[] = [], prefix: string[] = []): Promise<Measurement> {
	const script = fileURLToPath(new URL(`../cases/${caseFile}`, import.meta.url));
	return runMeasurement(caseFile, [...prefix, process.execPath, ...NODE_FLAGS, ...extraFlags, script, JSON.stringify(args)], args);
}

/** Spawns `command` and reads the Measurement it prints as its last stdout line. */
export function runMeasurement(label: string, command: string[], args: unknown): Promise<Measurement> {
	return new Promise((resolve, reject) => {
		const child = spawn(command[0], command.slice(1), {
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let out = '';
		let err = '';
		child.stdout.on('data', (chunk) => (out += chunk));
		child.stderr.on('data', (chunk) => (err += chunk));
		child.on('error', reject);
		child.on('close', (code) => {
			const line = out.trim().split('\n').pop() ?? '';
			if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as Measurement);
			else reject(new Error(`${label} ${JSON.stringify(args)} exited ${code}:\n${err.slice(-3000)}`));
		});
	});
}
