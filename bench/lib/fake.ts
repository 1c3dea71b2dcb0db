/** The fake Assemblyline in its own process (its CPU and memory stay out of the measured ones). */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import type { Server } from './n8n.ts';

const CLI = fileURLToPath(new URL('../../test/fakes/assemblyline/cli.ts', import.meta.url));

export interface RunningFake extends Server {
	stop(): Promise<void>;
}

export function startFake(options: { alerts: number; seed?: number }): Promise<RunningFake> {
	const args = ['--preset', 'generated', '--seed', String(options.seed ?? 7), '--alerts', String(options.alerts)];
	const child: ChildProcess = spawn(process.execPath, ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', CLI, ...args], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	return new Promise((resolve, reject) => {
		let out = '';
		let err = '';
		child.stderr?.on('data', (chunk) => (err += chunk));
		child.on('exit', (code) => reject(new Error(`fake Assemblyline exited ${code}: ${err.slice(-2000)}`)));
		child.stdout?.on('data', (chunk) => {
			out += chunk;
			const newline = out.indexOf('\n');
			if (newline === -1) return;
			const info = JSON.parse(out.slice(0, newline)) as { url: string; user: string; apikey: string };
			resolve({
				url: info.url,
				user: info.user,
				apikey: info.apikey,
				stop: () =>
					new Promise<void>((done) => {
						child.removeAllListeners('exit');
						child.once('exit', () => done());
						child.kill('SIGTERM');
					}),
			});
		});
	});
}
