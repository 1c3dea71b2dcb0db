/**
 * Case 7: Block on Firewall / EDR pushes 10,000 IPs to the fake PAN-OS and the fake Microsoft
 * Defender for Endpoint (test/fakes/firewalls/, on 127.0.0.1 in a process of their own, as a
 * firewall is another machine: test/fakes/firewalls/cli.ts), each at its
 * documented limits: PAN-OS 1,000 entries per User-ID message and no documented request rate
 * (docs.paloaltonetworks.com/ngfw/api/pan-os-xml-api-use-cases/apply-user-id-mapping-and-populate-dynamic-address-groups-api);
 * Defender 500 indicators per import and 30 imports a minute, which the fake enforces with 429
 * (MicrosoftDocs/defender-docs, defender-endpoint/api/import-ti-indicators.md).
 *
 * The bound the limits imply: Defender, the 20 imports spaced 2 s apart, so (20 − 1) × 2 s after
 * the first; PAN-OS, which has no documented rate but documents at most five concurrent API calls,
 * the same 10 requests replayed by a raw client (undici) with the node's concurrency (two in
 * flight). Goal: the node within 1.2 × the bound, and no 429.
 *
 * `pushCase` (the parent side, one line in bench/run.ts) runs this file as a child process.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import type { IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';

import type { FakeStats } from '../../test/fakes/firewalls/cli.ts';

import { runChild } from '../lib/child.ts';
import { childMain, type Measurement } from '../lib/measure.ts';
import { DIST, require } from '../lib/paths.ts';
import { median, num, spread } from '../lib/stats.ts';

interface Args {
	ips: number;
	reps: number;
}

const PANOS_BATCH = 1000;
/** Messages in flight at once: the node's PAN-OS `concurrency` (nodes/BlockOnFirewall/targets/panos.ts), within the documented five. */
export const PANOS_CONCURRENCY = 2;
/** The PAN-OS pairs are short and the machine is shared: more of them per rep steady the median. */
const PANOS_PAIRS_PER_REP = 5;
/** Untimed pairs before the timed ones (about 0.2 s each). */
const PANOS_WARM_UP_PAIRS = 10;
const DEFENDER_BATCH = 500;
const DEFENDER_IMPORTS_PER_MINUTE = 30;

/** Distinct global IPv4 addresses in 23.0.0.0/8. */
function ips(count: number, offset: number): string[] {
	return Array.from({ length: count }, (_, i) => {
		const k = i + offset * count;
		return `23.${Math.floor(k / 62_500) % 250}.${Math.floor(k / 250) % 250}.${(k % 250) + 1}`;
	});
}

type FakeName = 'panos' | 'defender';

/** The client's CPU (user + system) in ms: the fakes run in another process, so this is the client's alone. */
const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

/** Sends `requests` in order, `lanes` at a time (what the raw client of the bound does). */
export async function replay<T>(requests: T[], lanes: number, send: (r: T) => Promise<void>): Promise<void> {
	let next = 0;
	await Promise.all(Array.from({ length: lanes }, async () => {
		while (next < requests.length) await send(requests[next++]);
	}));
}

/** The fake PAN-OS and Defender in their own process (test/fakes/firewalls/cli.ts), driven over IPC. */
export async function startFirewallFakes() {
	const cli = fileURLToPath(new URL('../../test/fakes/firewalls/cli.ts', import.meta.url));
	const proc = fork(cli, [], { execArgv: ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
	const urls = await new Promise<{ panos: string; defender: string }>((resolve, reject) => {
		proc.once('message', (m) => resolve(m as { panos: string; defender: string }));
		proc.once('exit', (code) => reject(new Error(`firewall fakes exited ${code}`)));
	});
	let next = 0;
	const call = (fake: FakeName, what: 'reset' | 'stats') =>
		new Promise<unknown>((resolve) => {
			const id = ++next;
			const answer = (m: { id?: number; result?: unknown }) => {
				if (m.id !== id) return;
				proc.off('message', answer);
				resolve(m.result);
			};
			proc.on('message', answer);
			proc.send({ id, fake, call: what });
		});
	return {
		urls,
		reset: async (fake: FakeName) => void (await call(fake, 'reset')),
		stats: async (fake: FakeName) => (await call(fake, 'stats')) as FakeStats,
		close: () =>
			new Promise<void>((resolve) => {
				proc.once('exit', () => resolve());
				proc.disconnect();
			}),
	};
}

async function child({ ips: count, reps }: Args): Promise<Measurement> {
	const { request } = await import('undici');
	const { harness, nodeClass } = await import('../lib/n8n.ts');
	const { PANOS_KEY } = await import('../../test/fakes/firewalls/panos.ts');
	const { DEFENDER_CLIENT_ID, DEFENDER_SECRET, DEFENDER_TENANT } = await import('../../test/fakes/firewalls/defender.ts');
	for (const type of ['BlockPanOsApi', 'BlockDefenderApi']) harness.registerCredentialType(new (require(`${DIST}/credentials/${type}.credentials.js`)[type])());
	const BlockOnFirewall = nodeClass('BlockOnFirewall');
	const fakes = await startFirewallFakes();
	const credentials = {
		blockPanOsApi: { url: fakes.urls.panos, apiKey: PANOS_KEY, vsys: '', ignoreSslIssues: false },
		blockDefenderApi: { tenantId: DEFENDER_TENANT, clientId: DEFENDER_CLIENT_ID, clientSecret: DEFENDER_SECRET, apiUrl: fakes.urls.defender, loginUrl: fakes.urls.defender, accessToken: '' },
	};
	const push = async (target: string, values: string[], dryRun = false) => {
		const { outputs, error } = await harness.runNode({
			node: new BlockOnFirewall(),
			parameters: {
				target,
				operation: 'add',
				iocType: 'ip',
				iocValue: '={{ $json.value }}',
				expiresAt: '',
				tag: 'n8n-block',
				options: { expireAfterHours: 24, dryRun },
			},
			input: values.map((value) => ({ value })),
			credentials,
		});
		if (error) throw error;
		return outputs[0].map((item) => item.json as Record<string, unknown>);
	};

	/**
	 * The n8n floor: a node of no work of its own, run the same way (the same 10,000 input items,
	 * one output item each) that sends the same encoded messages through n8n's HTTP helper, as many
	 * at a time as the node. What n8n costs any node that does this job; node ÷ floor is ours.
	 */
	let floorBodies: Array<{ url: string; body: string }> = [];
	class N8nFloor implements INodeType {
		description = { ...new BlockOnFirewall().description, name: 'n8nFloor', credentials: [{ name: 'blockPanOsApi', required: true }], properties: [] };
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const items = this.getInputData();
			await replay(floorBodies, PANOS_CONCURRENCY, async ({ url, body }) => {
				await this.helpers.httpRequestWithAuthentication.call(this, 'blockPanOsApi', {
					method: 'POST',
					url,
					body,
					headers: { 'content-type': 'application/x-www-form-urlencoded' },
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
				});
			});
			return [items.map((item, i) => ({ json: item.json, pairedItem: { item: i } }))];
		}
	}
	const encoded = (body: Record<string, string>) => Object.entries(body).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');

	/** PAN-OS: the node, the same requests (from a dry run) replayed by undici, and the n8n floor, in `order`. */
	const panosPair = async (values: string[], order: number) => {
		const planned = await push('panos', values, true);
		const node = async () => {
			await fakes.reset('panos');
			const t0 = performance.now();
			const c0 = process.cpuUsage();
			const done = await push('panos', values);
			const ms = performance.now() - t0;
			const cpu = cpuMs(process.cpuUsage(c0));
			const { served: requests, count429: http429, active } = await fakes.stats('panos');
			if (active !== count) throw new Error(`PAN-OS holds ${active} IPs, expected ${count}`);
			return { ms, cpu, requests, http429, added: done.filter((r) => r.status === 'added').length };
		};
		const raw = async () => {
			await fakes.reset('panos');
			const t0 = performance.now();
			const c0 = process.cpuUsage();
			await replay(planned, PANOS_CONCURRENCY, async (r) => {
				const response = await request(String(r.url), {
					method: 'POST',
					headers: { 'x-pan-key': PANOS_KEY, 'content-type': 'application/x-www-form-urlencoded' },
					// Encoded when sent, as a script posting a form does.
					body: encoded(r.body as Record<string, string>),
				});
				await response.body.text();
			});
			const ms = performance.now() - t0;
			const cpu = cpuMs(process.cpuUsage(c0));
			if ((await fakes.stats('panos')).active !== count) throw new Error('the raw replay did not register every IP');
			return { ms, cpu };
		};
		const floor = async () => {
			floorBodies = planned.map((r) => ({ url: String(r.url), body: encoded(r.body as Record<string, string>) }));
			await fakes.reset('panos');
			const t0 = performance.now();
			const { error } = await harness.runNode({ node: new N8nFloor(), parameters: {}, input: values.map((value) => ({ value })), credentials });
			const ms = performance.now() - t0;
			if (error) throw error;
			if ((await fakes.stats('panos')).active !== count) throw new Error('the n8n floor did not register every IP');
			return { ms };
		};
		// The three sides in a rotating order, so none is always first after the dry run's garbage.
		const sides = [node, raw, floor] as const;
		const out: Array<Awaited<ReturnType<(typeof sides)[number]>>> = [];
		for (let k = 0; k < 3; k++) {
			const side = (order + k) % 3;
			out[side] = await sides[side]();
		}
		const [n, r, f] = out as [Awaited<ReturnType<typeof node>>, Awaited<ReturnType<typeof raw>>, Awaited<ReturnType<typeof floor>>];
		return { target: 'panos', wallMs: n.ms, boundMs: r.ms, floorMs: f.ms, cpuMs: n.cpu, boundCpuMs: r.cpu, http429: n.http429, added: n.added, requests: n.requests };
	};
	// Untimed pairs first, so neither side is timed while its code is still being compiled (the
	// node's path through n8n is far longer than the raw client's and needs more runs to be
	// optimised: a long-running n8n is warm); then PANOS_PAIRS_PER_REP pairs per rep (each is
	// under a second), in alternating order.
	for (let warm = 0; warm < PANOS_WARM_UP_PAIRS; warm++) await panosPair(ips(count, 2 * reps), warm);

	const runs: Array<{ target: string; wallMs: number; boundMs: number; floorMs?: number; cpuMs?: number; boundCpuMs?: number; http429: number; added: number; requests: number }> = [];
	// All PAN-OS pairs first, then the Defender runs: 40 s of Defender between two PAN-OS pairs
	// leaves the next pairs partly cold again.
	for (let rep = 0; rep < reps; rep++)
		for (let pair = 0; pair < PANOS_PAIRS_PER_REP; pair++) runs.push(await panosPair(ips(count, rep * 2), rep * PANOS_PAIRS_PER_REP + pair));
	for (let rep = 0; rep < reps; rep++) {
		// Defender at its documented rate, which the fake enforces.
		await fakes.reset('defender');
		const dvalues = ips(count, rep * 2 + 1);
		const t0 = performance.now();
		const ddone = await push('defender', dvalues);
		const dMs = performance.now() - t0;
		const dstats = await fakes.stats('defender');
		const boundMs = (Math.ceil(count / DEFENDER_BATCH) - 1) * (60_000 / DEFENDER_IMPORTS_PER_MINUTE);
		runs.push({ target: 'defender', wallMs: dMs, boundMs, http429: dstats.count429, added: ddone.filter((r) => r.status === 'added').length, requests: dstats.served });
		if (dstats.active !== count) throw new Error(`Defender holds ${dstats.active} indicators, expected ${count}`);
	}
	await fakes.close();
	return { wallMs: 0, cpuMs: 0, peakRss: process.resourceUsage().maxRSS * 1024, baseRss: 0, bytes: 0, connections: 0, items: runs.length, extra: { runs } };
}

/** The table rows of case 7. */
export async function pushCase(options: { quick: boolean; reps: number; log: (line: string) => void }) {
	const count = 10_000;
	const reps = options.quick ? 1 : Math.max(1, Math.min(3, options.reps));
	options.log(`push: ${count} IPs to PAN-OS and to Defender, ${reps} run(s) each`);
	const m = await runChild('push.ts', { ips: count, reps } satisfies Args);
	const runs = (m.extra as { runs: Array<{ target: string; wallMs: number; boundMs: number; floorMs?: number; cpuMs?: number; boundCpuMs?: number; http429: number; added: number; requests: number }> }).runs;
	const row = (target: string, label: string, base: (r: (typeof runs)[number]) => string) => {
		const mine = runs.filter((r) => r.target === target);
		const ratios = mine.map((r) => r.wallMs / r.boundMs);
		const http429 = mine.reduce((n, r) => n + r.http429, 0);
		const complete = mine.every((r) => r.added === count);
		return {
			case: target === 'panos' ? '7 Push blocks' : '',
			measure: `${label}: wall s; 429s`,
			ours: `${spread(mine.map((r) => r.wallMs / 1000), 2)}; ${http429} × 429; ${mine[0]?.requests} requests; ${mine.length} runs`,
			base: base(mine[0]),
			ratio: spread(ratios, 2),
			goal: '≤ 1.20, no 429',
			met: median(ratios) <= 1.2 && http429 === 0 && complete ? 'met' : 'MISSED',
		};
	};
	// Both targets, as the example workflow pushes them (one after the other).
	// Each Defender run with the mean of its rep's PAN-OS pairs.
	const panos = runs.filter((r) => r.target === 'panos');
	const both = runs.filter((r) => r.target === 'defender').map((d, i) => {
		const p = panos.slice(i * PANOS_PAIRS_PER_REP, (i + 1) * PANOS_PAIRS_PER_REP);
		const mean = (pick: (r: (typeof runs)[number]) => number) => p.reduce((n, r) => n + pick(r), 0) / p.length;
		return { wallMs: mean((r) => r.wallMs) + d.wallMs, boundMs: mean((r) => r.boundMs) + d.boundMs, http429: p.reduce((n, r) => n + r.http429, 0) + d.http429 };
	});
	const bothRatios = both.map((r) => r.wallMs / r.boundMs);
	return [
		row('panos', `${count} IPs → PAN-OS (${PANOS_BATCH} per message, ${PANOS_CONCURRENCY} at a time, no documented rate)`, () => `raw replay ${num(median(panos.map((r) => r.boundMs)) / 1000, 2)} s (median); client CPU: node ${num(median(panos.map((r) => r.cpuMs ?? 0)) / 1000, 2)} s, raw ${num(median(panos.map((r) => r.boundCpuMs ?? 0)) / 1000, 2)} s`),
		{
			case: '',
			measure: `… the n8n floor: a node of no work of its own, the same ${count} items in and out and the same messages sent through n8n's HTTP helper: wall s`,
			ours: spread(panos.map((r) => (r.floorMs ?? 0) / 1000), 2),
			base: 'raw replay, as above',
			ratio: spread(panos.map((r) => (r.floorMs ?? 0) / r.boundMs), 2),
			goal: '(info: what n8n costs)',
			met: '',
		},
		{
			case: '',
			measure: '… the node ÷ the n8n floor (what the node adds: checks, messages, one result per IoC)',
			ours: '',
			base: '',
			ratio: spread(panos.map((r) => r.wallMs / (r.floorMs ?? r.wallMs)), 2),
			goal: '(info)',
			met: '',
		},
		row('defender', `${count} IPs → Defender (${DEFENDER_BATCH} per import, ${DEFENDER_IMPORTS_PER_MINUTE} imports/min)`, (r) => `bound ${num(r.boundMs / 1000, 2)} s`),
		{
			case: '',
			measure: `${count} IPs → PAN-OS, then → Defender: wall s; 429s`,
			ours: `${spread(both.map((r) => r.wallMs / 1000), 2)}; ${both.reduce((n, r) => n + r.http429, 0)} × 429`,
			base: `bound ${num(median(both.map((r) => r.boundMs)) / 1000, 2)} s`,
			ratio: spread(bothRatios, 2),
			goal: '≤ 1.20, no 429',
			met: median(bothRatios) <= 1.2 && both.every((r) => r.http429 === 0) ? 'met' : 'MISSED',
		},
	];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await childMain<Args>(child);
