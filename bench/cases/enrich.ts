/**
 * Case 4: IoC Enrich fan-out against 8 fake providers that answer after 200 ms each (the fake
 * providers server from test/fakes/providers.ts, on 127.0.0.1 in this process).
 * A: one IoC, through the node tests' n8n execution context, against the raw client replaying the
 *    same 8 requests at once with undici. B: 200 distinct IoCs with every provider limited to
 *    `perSecond` requests a second; the fake enforces the same limit (429 beyond it).
 * C (issue 18, ioclib's own claim): every registered provider at once, each fake answering after
 *    `latencyMs` (Intelligence X: its search and its result poll, `latencyMs` each), against each
 *    provider alone in the same run; the slowest alone is the chain the fan-out waits for.
 */
import { Agent, request } from 'undici';

import { FakeProviders, PROVIDER_IDS, SAMPLES, type ProviderId } from '../../test/fakes/providers.ts';
import { childMain } from '../lib/measure.ts';
import { DIST, require } from '../lib/paths.ts';

interface Args {
	latencyMs: number;
	oneReps: number;
	runReps: number;
	iocs: number;
	perSecond: number;
	/** The node's configured pace per provider, requests a second (the fake enforces perSecond). */
	clientPerSecond: number[];
	/** Part C repetitions (0: skip). */
	allReps?: number;
}

const PROVIDERS: ProviderId[] = ['virustotal', 'abuseipdb', 'greynoise', 'threatfox', 'otx', 'urlscan', 'shodan', 'internetdb'];
const CREDENTIALS = ['VirusTotal', 'AbuseIpdb', 'GreyNoise', 'AbuseCh', 'Otx', 'Urlscan', 'Shodan', 'Triage', 'SafeBrowsing', 'Intelx', 'Screenshot', 'WebRisk'];
/** Part C: one IoC (a URL, which 10 providers look up; the other 5 answer `unsupported` at once), and one of each kind so every provider does its lookup. */
const ALL_INPUTS: Record<string, string[]> = {
	url: [SAMPLES.unknownUrl],
	'ip+url+sha256': [SAMPLES.unknownIp, SAMPLES.unknownUrl, SAMPLES.unknownSha256],
};

const dispatcher = new Agent({ connections: 16 });

/** Distinct public IPv4 addresses, unknown to every fake provider (documentation ranges would be held back). */
function ips(count: number, offset: number): string[] {
	return Array.from({ length: count }, (_, i) => `185.${(offset >> 8) & 255}.${offset & 255}.${(i % 250) + 1 + Math.floor(i / 250)}`);
}

await childMain<Args>(async ({ latencyMs, oneReps, runReps, iocs, perSecond, clientPerSecond, allReps = 0 }) => {
	const { harness, nodeClass } = await import('../lib/n8n.ts');
	for (const name of CREDENTIALS) {
		const type = `IocEnrich${name}Api`;
		const Type = require(`${DIST}/credentials/${type}.credentials.js`)[type];
		harness.registerCredentialType(new Type());
	}
	const IocEnrich = nodeClass('IocEnrich');
	const fake = await new FakeProviders().start();
	const limit = (rpm: number, providers: ProviderId[] = PROVIDERS) => ({
		limit: providers.map((provider) => ({ provider, requestsPerMinute: rpm, concurrency: 8 })),
	});
	const enrich = async (values: string[], rpm: number, providers: ProviderId[] = PROVIDERS) => {
		const { outputs, error } = await harness.runNode({
			node: new IocEnrich(),
			parameters: {
				providers,
				value: '={{ $json.value }}',
				iocType: 'auto',
				simplify: true,
				includeRaw: false,
				providerOptions: {
					internetDbUrl: fake.baseUrl('internetdb'),
					virusTotalRequestsPerMinute: rpm,
				},
				rateLimits: limit(rpm, providers),
			},
			input: values.map((value) => ({ value })),
			credentials: fake.credentials(),
		});
		if (error) throw error;
		return outputs[0].map((item) => item.json as { enrichment: { providers: Record<string, { status: string }> } });
	};
	const slow = () => {
		for (const provider of PROVIDERS) fake.setMode(provider, 'slow', { delayMs: latencyMs });
	};

	// A: one IoC, node and raw replay alternating.
	const one = { node: [] as number[], raw: [] as number[] };
	slow();
	await enrich(['185.1.2.3'], 0); // warm-up
	for (let i = 0; i < oneReps + 1; i++) {
		fake.requests.length = 0;
		let t0 = performance.now();
		const [item] = await enrich([`185.2.${i}.7`], 0);
		const nodeMs = performance.now() - t0;
		const statuses = Object.values(item.enrichment.providers).map((p) => p.status);
		if (statuses.length !== PROVIDERS.length || statuses.some((s) => s !== 'not_found' && s !== 'ok' && s !== 'found')) {
			throw new Error(`unexpected statuses ${JSON.stringify(item.enrichment.providers)}`);
		}
		const sent = [...fake.requests];
		t0 = performance.now();
		await Promise.all(
			sent.map(async (r) => {
				const url = `${fake.baseUrl(r.provider)}${r.url}`;
				const headers = Object.fromEntries(
					Object.entries(r.headers).filter(([k, v]) => typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)),
				) as Record<string, string>;
				const response = await request(url, { method: r.method as 'GET', headers, body: r.body || undefined, dispatcher });
				JSON.parse(await response.body.text());
			}),
		);
		const rawMs = performance.now() - t0;
		if (i > 0) {
			one.node.push(nodeMs);
			one.raw.push(rawMs);
		}
	}

	// B: a run of `iocs` IoCs, every provider limited (client and fake) to perSecond.
	const runs: { clientPerSecond: number; wallMs: number; http429: number; notOk: number }[] = [];
	for (let r = 0; r < runReps * clientPerSecond.length; r++) {
		const pace = clientPerSecond[r % clientPerSecond.length];
		fake.reset();
		slow();
		for (const provider of PROVIDERS) fake.enforce(provider, perSecond, 1000);
		const t0 = performance.now();
		const items = await enrich(ips(iocs, 300 + r), pace * 60);
		const wallMs = performance.now() - t0;
		const notOk = items.reduce(
			(n, item) => n + Object.values(item.enrichment.providers).filter((p) => p.status !== 'not_found').length,
			0,
		);
		const http429 = Object.values(fake.overLimit).reduce((a, b) => a + b, 0);
		runs.push({ clientPerSecond: pace, wallMs, http429, notOk });
		await new Promise((resolve) => setTimeout(resolve, 1100)); // let the fake's windows clear
	}
	// C: all providers at once against each alone, interleaved so both see the same load.
	const all: Record<string, { together: number[]; slowestAlone: number[]; slowest: string[] }> = {};
	fake.reset();
	for (const provider of PROVIDER_IDS) fake.setMode(provider, 'slow', { delayMs: latencyMs });
	for (const [label, values] of Object.entries(ALL_INPUTS)) {
		all[label] = { together: [], slowestAlone: [], slowest: [] };
		await enrich(values, 0, PROVIDER_IDS); // warm-up
		for (let r = 0; r < allReps; r++) {
			let slowest = { provider: '', ms: 0 };
			for (const provider of PROVIDER_IDS) {
				const t0 = performance.now();
				await enrich(values, 0, [provider]);
				const ms = performance.now() - t0;
				if (ms > slowest.ms) slowest = { provider, ms };
			}
			const t0 = performance.now();
			const items = await enrich(values, 0, PROVIDER_IDS);
			const together = performance.now() - t0;
			const failed = items.flatMap((item) =>
				Object.entries(item.enrichment.providers).filter(([, p]) => !['ok', 'not_found', 'unsupported'].includes(p.status)),
			);
			if (failed.length) throw new Error(`part C: ${JSON.stringify(failed)}`);
			all[label].together.push(together);
			all[label].slowestAlone.push(slowest.ms);
			all[label].slowest.push(slowest.provider);
		}
	}
	await fake.stop();
	return {
		wallMs: 0,
		cpuMs: 0,
		peakRss: process.resourceUsage().maxRSS * 1024,
		baseRss: 0,
		bytes: 0,
		connections: 0,
		items: runs.length,
		extra: { one, runs, all },
	};
});
