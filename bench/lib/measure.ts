/**
 * What a case child reports about one timed run: wall time, CPU time of this process, the
 * process's peak RSS (so a case's heap never pollutes another's: every run is its own process),
 * and the response body bytes this process received over HTTP.
 */
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

export interface Measurement {
	wallMs: number;
	cpuMs: number;
	/** Peak resident set size of the whole process, bytes. */
	peakRss: number;
	/** RSS just before the timed run (modules loaded, warm-up done). */
	baseRss: number;
	/** Response body bytes received during the timed run (Content-Length). */
	bytes: number;
	/** TCP connections this process opened during the timed run. */
	connections: number;
	/** Items the run produced (alerts, IoCs…), to check both sides did the same work. */
	items: number;
	extra?: Record<string, unknown>;
}

let received = 0;
let connections = 0;
subscribe('net.client.socket', () => connections++);
// node:http (n8n's axios stack) and undici both publish their responses on diagnostics channels.
subscribe('http.client.response.finish', (message) => {
	const { response } = message as { response: { headers: Record<string, string | undefined> } };
	received += Number(response.headers['content-length'] ?? 0);
});
subscribe('undici:request:headers', (message) => {
	const { response } = message as { response: { headers: Buffer[] } };
	const headers = response.headers;
	for (let i = 0; i < headers.length; i += 2) {
		if (headers[i].toString('latin1').toLowerCase() === 'content-length') received += Number(headers[i + 1].toString('latin1'));
	}
});

export async function measure(
	run: () => Promise<{ items: number; extra?: Record<string, unknown> }>,
): Promise<Measurement> {
	(globalThis as { gc?: () => void }).gc?.();
	const profiler = await startProfile();
	const baseRss = process.memoryUsage().rss;
	received = 0;
	connections = 0;
	const cpu0 = process.cpuUsage();
	const t0 = performance.now();
	const { items, extra } = await run();
	const wallMs = performance.now() - t0;
	const cpu = process.cpuUsage(cpu0);
	await profiler?.();
	return {
		wallMs,
		cpuMs: (cpu.user + cpu.system) / 1000,
		peakRss: process.resourceUsage().maxRSS * 1024,
		baseRss,
		bytes: received,
		connections,
		items,
		...(extra ? { extra } : {}),
	};
}

/** BENCH_PROFILE=<dir>: a CPU profile of the timed run only (open it in Chrome DevTools). */
async function startProfile(): Promise<(() => Promise<void>) | undefined> {
	const dir = process.env.BENCH_PROFILE;
	if (!dir) return undefined;
	const session = new Session();
	session.connect();
	await session.post('Profiler.enable');
	await session.post('Profiler.setSamplingInterval', { interval: 250 });
	await session.post('Profiler.start');
	return async () => {
		const { profile } = await session.post('Profiler.stop');
		const name = `${dir}/${process.argv[1].split('/').pop()}-${process.pid}.cpuprofile`;
		writeFileSync(name, JSON.stringify(profile));
		process.stderr.write(`profile: ${name}\n`);
	};
}

/** Child entry: parse the JSON argument, run, print one JSON line on stdout. */
export async function childMain<A>(body: (args: A) => Promise<Measurement>): Promise<void> {
	try {
		const result = await body(JSON.parse(process.argv[2] ?? '{}') as A);
		process.stdout.write(`${JSON.stringify(result)}\n`);
		process.exit(0);
	} catch (error) {
		process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
		process.exit(1);
	}
}
