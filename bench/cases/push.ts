/**
 * Case 7: Block on Firewall / EDR pushes 10,000 IPs to the fake PAN-OS and the fake Microsoft
 * Defender for Endpoint (test/fakes/firewalls/, in the child process on 127.0.0.1), each at its
 * documented limits: PAN-OS 1,000 entries per User-ID message and no documented request rate
 * (docs.paloaltonetworks.com/ngfw/api/pan-os-xml-api-use-cases/apply-user-id-mapping-and-populate-dynamic-address-groups-api);
 * Defender 500 indicators per import and 30 imports a minute, which the fake enforces with 429
 * (MicrosoftDocs/defender-docs, defender-endpoint/api/import-ti-indicators.md).
 *
 * The bound the limits imply: Defender, the 20 imports spaced 2 s apart, so (20 − 1) × 2 s after
 * the first; PAN-OS, which has no documented rate, the same 10 requests replayed by a raw client
 * (undici) one after the other. Goal: the node within 1.2 × the bound, and no 429.
 *
 * `pushCase` (the parent side, one line in bench/run.ts) runs this file as a child process.
 */
import { fileURLToPath } from 'node:url';

import { runChild } from '../lib/child.ts';
import { childMain, type Measurement } from '../lib/measure.ts';
import { DIST, require } from '../lib/paths.ts';
import { median, num, spread } from '../lib/stats.ts';

interface Args {
	ips: number;
	reps: number;
}

const PANOS_BATCH = 1000;
const DEFENDER_BATCH = 500;
const DEFENDER_IMPORTS_PER_MINUTE = 30;

/** Distinct global IPv4 addresses in 23.0.0.0/8. */
function ips(count: number, offset: number): string[] {
	return Array.from({ length: count }, (_, i) => {
		const k = i + offset * count;
		return `23.${Math.floor(k / 62_500) % 250}.${Math.floor(k / 250) % 250}.${(k % 250) + 1}`;
	});
}

async function child({ ips: count, reps }: Args): Promise<Measurement> {
	const { request } = await import('undici');
	const { harness, nodeClass } = await import('../lib/n8n.ts');
	const { startFakePanos, PANOS_KEY } = await import('../../test/fakes/firewalls/panos.ts');
	const { startFakeDefender, DEFENDER_CLIENT_ID, DEFENDER_SECRET, DEFENDER_TENANT } = await import('../../test/fakes/firewalls/defender.ts');
	for (const type of ['BlockPanOsApi', 'BlockDefenderApi']) harness.registerCredentialType(new (require(`${DIST}/credentials/${type}.credentials.js`)[type])());
	const BlockOnFirewall = nodeClass('BlockOnFirewall');
	const panos = await startFakePanos();
	const defender = await startFakeDefender();
	const credentials = {
		blockPanOsApi: { url: panos.url, apiKey: PANOS_KEY, vsys: '', ignoreSslIssues: false },
		blockDefenderApi: { tenantId: DEFENDER_TENANT, clientId: DEFENDER_CLIENT_ID, clientSecret: DEFENDER_SECRET, apiUrl: defender.url, loginUrl: defender.url, accessToken: '' },
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

	const runs: Array<{ target: string; wallMs: number; boundMs: number; http429: number; added: number; requests: number }> = [];
	for (let rep = 0; rep < reps; rep++) {
		// PAN-OS: the node, then the same requests (from a dry run) replayed by undici.
		panos.reset();
		const values = ips(count, rep * 2);
		let t0 = performance.now();
		const done = await push('panos', values);
		const nodeMs = performance.now() - t0;
		const added = done.filter((r) => r.status === 'added').length;
		const requests = panos.served('api').length;
		const http429 = panos.count429;
		panos.reset();
		const planned = await push('panos', values, true);
		t0 = performance.now();
		for (const r of planned) {
			const response = await request(String(r.url), {
				method: 'POST',
				headers: { 'x-pan-key': PANOS_KEY, 'content-type': 'application/x-www-form-urlencoded' },
				// Encoded as the node does (encodeURIComponent: the fastest way a client has).
				body: Object.entries(r.body as Record<string, string>).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'),
			});
			await response.body.text();
		}
		const rawMs = performance.now() - t0;
		runs.push({ target: 'panos', wallMs: nodeMs, boundMs: rawMs, http429, added, requests });

		// Defender at its documented rate, which the fake enforces.
		defender.reset();
		const dvalues = ips(count, rep * 2 + 1);
		t0 = performance.now();
		const ddone = await push('defender', dvalues);
		const dMs = performance.now() - t0;
		const imports = defender.served('import').length;
		const boundMs = (Math.ceil(count / DEFENDER_BATCH) - 1) * (60_000 / DEFENDER_IMPORTS_PER_MINUTE);
		runs.push({ target: 'defender', wallMs: dMs, boundMs, http429: defender.count429, added: ddone.filter((r) => r.status === 'added').length, requests: imports });
		if (defender.active().length !== count) throw new Error(`Defender holds ${defender.active().length} indicators, expected ${count}`);
	}
	await panos.close();
	await defender.close();
	return { wallMs: 0, cpuMs: 0, peakRss: process.resourceUsage().maxRSS * 1024, baseRss: 0, bytes: 0, connections: 0, items: runs.length, extra: { runs } };
}

/** The table rows of case 7. */
export async function pushCase(options: { quick: boolean; reps: number; log: (line: string) => void }) {
	const count = 10_000;
	const reps = options.quick ? 1 : Math.max(1, Math.min(3, options.reps));
	options.log(`push: ${count} IPs to PAN-OS and to Defender, ${reps} run(s) each`);
	const m = await runChild('push.ts', { ips: count, reps } satisfies Args);
	const runs = (m.extra as { runs: Array<{ target: string; wallMs: number; boundMs: number; http429: number; added: number; requests: number }> }).runs;
	const row = (target: string, label: string, base: (r: (typeof runs)[number]) => string) => {
		const mine = runs.filter((r) => r.target === target);
		const ratios = mine.map((r) => r.wallMs / r.boundMs);
		const http429 = mine.reduce((n, r) => n + r.http429, 0);
		const complete = mine.every((r) => r.added === count);
		return {
			case: target === 'panos' ? '6 Push blocks' : '',
			measure: `${label}: wall s; 429s`,
			ours: `${spread(mine.map((r) => r.wallMs / 1000), 2)}; ${http429} × 429; ${mine[0]?.requests} requests`,
			base: base(mine[0]),
			ratio: spread(ratios, 2),
			goal: '≤ 1.20, no 429',
			met: median(ratios) <= 1.2 && http429 === 0 && complete ? 'met' : 'MISSED',
		};
	};
	// Both targets, as the example workflow pushes them (one after the other).
	const both = runs.filter((r) => r.target === 'panos').map((p, i) => {
		const d = runs.filter((r) => r.target === 'defender')[i];
		return { wallMs: p.wallMs + d.wallMs, boundMs: p.boundMs + d.boundMs, http429: p.http429 + d.http429 };
	});
	const bothRatios = both.map((r) => r.wallMs / r.boundMs);
	return [
		row('panos', `${count} IPs → PAN-OS (${PANOS_BATCH} per message, no documented rate)`, (r) => `raw replay ${num(r.boundMs / 1000, 2)} s`),
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
