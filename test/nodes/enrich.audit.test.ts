// IoC Enrich against fakes that answer as each provider really does (issue 22): which signals make
// an IoC benign, how compromised hosts and urlscan hits count, how keys and quotas are refused.
import { execFileSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { IocEnrichUrlscanApi } from '../../credentials/IocEnrichUrlscanApi.credentials';
import type { Send } from '../../nodes/IocEnrich/engine';
import { EnrichmentEngine } from '../../nodes/IocEnrich/engine';
import { greynoise } from '../../nodes/IocEnrich/providers/greynoise';
import { virustotal } from '../../nodes/IocEnrich/providers/virustotal';
import type { Provider, ProviderHttpResponse } from '../../nodes/IocEnrich/types';
import type { AbuseChAuthAnswer, AbuseChProvider, ProviderId } from '../fakes/providers.ts';
import { FakeProviders, KEYS, SAMPLES } from '../fakes/providers.ts';
import { enrich, enrichment, providerResult, useFakeProviders } from './enrich.helpers.ts';

let fake: FakeProviders;
useFakeProviders((started) => (fake = started));

const reasons = (item: IDataObject) => (enrichment(item).reasons as string[]).join('\n');

describe('verdict table: conflicting signals through the aggregate', () => {
	test.each<[string, ProviderId[], string, string, RegExp]>([
		['AbuseIPDB whitelisted, ThreatFox malicious', ['abuseipdb', 'threatfox'], SAMPLES.whitelistedC2Ip, 'malicious', /ThreatFox: botnet_cc/],
		['GreyNoise RIOT, VirusTotal 10 detections', ['greynoise', 'virustotal'], SAMPLES.riotC2Ip, 'malicious', /VirusTotal: 10 of 90 engines/],
		['GreyNoise RIOT alone', ['greynoise'], SAMPLES.riotC2Ip, 'benign', /GreyNoise: RIOT/],
		['URLhaus abused_legit_malware', ['urlhaus'], SAMPLES.abusedDomain, 'suspicious', /URLhaus: .*abused_legit_malware/],
	])('%s → %s', async (_row, providers, value, verdict, reason) => {
		const { items } = await enrich(fake, { providers, input: [{ value }] });
		expect(enrichment(items[0]).verdict).toBe(verdict);
		expect(reasons(items[0])).toMatch(reason);
	});
});

describe('1. AbuseIPDB whitelist is context, never an override', () => {
	test('a whitelisted IP with no abuse score is unknown, with the whitelist kept as evidence', async () => {
		const { items } = await enrich(fake, { providers: ['abuseipdb'], input: [{ value: SAMPLES.whitelistedC2Ip }] });
		const result = providerResult(items[0], 'abuseipdb');
		expect(result).toMatchObject({ status: 'ok', verdict: 'unknown', evidence: { is_whitelisted: true, abuse_confidence_score: 0 } });
		expect(enrichment(items[0])).toMatchObject({ verdict: 'unknown', score: 0 });
	});

	test('with ThreatFox malicious the IoC is malicious, with a score in the malicious band', async () => {
		const { items } = await enrich(fake, { providers: ['abuseipdb', 'threatfox'], input: [{ value: SAMPLES.whitelistedC2Ip }] });
		expect(enrichment(items[0]).score as number).toBeGreaterThanOrEqual(70);
		expect(reasons(items[0])).not.toMatch(/Outweighed/);
	});
});

describe('2. GreyNoise RIOT is context: benign only when no other provider flags the IoC', () => {
	test('RIOT alone: GreyNoise says benign as context', async () => {
		const { items } = await enrich(fake, { providers: ['greynoise'], input: [{ value: SAMPLES.riotC2Ip }] });
		expect(providerResult(items[0], 'greynoise')).toMatchObject({ status: 'ok', verdict: 'benign', benign_signal: 'context' });
	});

	test('RIOT with VirusTotal detections: malicious even with Known-Benign Signals Win on', async () => {
		const { items } = await enrich(fake, { providers: ['greynoise', 'virustotal'], input: [{ value: SAMPLES.riotC2Ip }], options: { knownBenignWins: true } });
		expect(enrichment(items[0]).verdict).toBe('malicious');
		expect(reasons(items[0])).toMatch(/Benign context outweighed: GreyNoise: RIOT/);
	});

	test('a GreyNoise-benign scanner and an OTX allowlist stay known-benign signals', async () => {
		const { items } = await enrich(fake, { providers: ['otx'], input: [{ value: SAMPLES.benignIp }] });
		expect(providerResult(items[0], 'otx')).toMatchObject({ verdict: 'benign', benign_signal: 'known_benign' });
	});
});

describe('3. URLhaus: compromised legitimate hosts are suspicious, offline URLs suspicious', () => {
	test.each([
		[SAMPLES.abusedDomain, 'suspicious', /abused_legit_malware \(a compromised legitimate site\)/],
		[SAMPLES.offlineUrl, 'suspicious', /malware_download URL, offline/],
		[SAMPLES.badUrl, 'malicious', /malware_download URL, online/],
		[SAMPLES.badDomain, 'malicious', /listed on surbl/],
	])('%s → %s', async (value, verdict, reason) => {
		const { items } = await enrich(fake, { providers: ['urlhaus'], input: [{ value }] });
		expect(providerResult(items[0], 'urlhaus')).toMatchObject({ status: 'ok', verdict });
		expect(reasons(items[0])).toMatch(reason);
	});

	test('the blocklist meaning is in the output', async () => {
		const { items } = await enrich(fake, { providers: ['urlhaus'], input: [{ value: SAMPLES.abusedDomain }] });
		expect(providerResult(items[0], 'urlhaus').evidence).toMatchObject({ blocklisted: 'compromised', blacklists: { spamhaus_dbl: 'abused_legit_malware' } });
	});
});

describe('4. urlscan: only scans of the IoC itself count, verdicts come from the result API', () => {
	test('a domain the phishing page only loaded is not found (page.domain, not domain)', async () => {
		const { items } = await enrich(fake, { providers: ['urlscan'], input: [{ value: SAMPLES.touchedDomain }] });
		expect(new URL(`http://x${fake.requestsTo('urlscan')[0].url}`).searchParams.get('q')).toBe(`page.domain:"${SAMPLES.touchedDomain}"`);
		expect(providerResult(items[0], 'urlscan')).toMatchObject({ status: 'not_found', verdict: 'unknown' });
	});

	test('a scanned domain: the newest scan\'s result gives the verdict', async () => {
		const { items } = await enrich(fake, { providers: ['urlscan'], input: [{ value: SAMPLES.badDomain }] });
		const [search, result] = fake.requestsTo('urlscan');
		expect(new URL(`http://x${search.url}`).searchParams.get('q')).toBe(`page.domain:"${SAMPLES.badDomain}"`);
		expect(result.url).toBe('/api/v1/result/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/');
		expect(providerResult(items[0], 'urlscan')).toMatchObject({ status: 'ok', verdict: 'suspicious', evidence: { scans: 2, verdicts: { malicious: true, score: 100 } } });
	});

	test('an IP is looked up as page.ip', async () => {
		await enrich(fake, { providers: ['urlscan'], input: [{ value: SAMPLES.badIp }] });
		expect(new URL(`http://x${fake.requestsTo('urlscan')[0].url}`).searchParams.get('q')).toBe(`page.ip:"${SAMPLES.badIp}"`);
	});

	test('a plan without result access: the hits stay context (unknown), and the output says why', async () => {
		fake.urlscanResults = false;
		const { items } = await enrich(fake, { providers: ['urlscan'], input: [{ value: SAMPLES.badUrl }] });
		const result = providerResult(items[0], 'urlscan');
		expect(result).toMatchObject({ status: 'ok', verdict: 'unknown', evidence: { scans: 2 } });
		expect(String((result.evidence as IDataObject).verdicts)).toMatch(/not available: .*HTTP 403/);
		expect(fake.requestsTo('urlscan').map((r) => r.status)).toEqual([200, 403]);
	});

	test('a hash only says which pages loaded it: context, no result fetched', async () => {
		const { items } = await enrich(fake, { providers: ['urlscan'], input: [{ value: SAMPLES.badSha256 }] });
		expect(providerResult(items[0], 'urlscan')).toMatchObject({ status: 'ok', verdict: 'unknown', evidence: { loaded_by: 2 } });
		expect(fake.requestsTo('urlscan')).toHaveLength(1);
	});
});

describe('5. VirusTotal per-minute quota: pause, retry once, off only when it repeats', () => {
	/** The engine on its own, over real HTTP to the fake, with VirusTotal's pause shortened. */
	function engine(): { run: (value: string, deadlineMs: number) => Promise<IDataObject>; provider: Provider } {
		const provider: Provider = { ...virustotal, windowQuota: { ...(virustotal.windowQuota as NonNullable<Provider['windowQuota']>), pauseMs: 400 } };
		// node:http without keep-alive: the fake's reset() closes pooled sockets between tests.
		const send: Send = async (_provider, options, timeoutMs) =>
			await new Promise((resolve, reject) => {
				const url = new URL(`${fake.baseUrl('virustotal')}${String(options.url)}`);
				const headers = { ...(options.headers as Record<string, string>), 'x-apikey': KEYS.virustotal };
				const req = httpRequest(url, { headers, agent: false, timeout: timeoutMs }, (res) => {
					const chunks: Buffer[] = [];
					res.on('data', (chunk: Buffer) => chunks.push(chunk));
					res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
					res.on('error', reject);
				});
				req.on('timeout', () => req.destroy(new Error('ETIMEDOUT')));
				req.on('error', reject);
				req.end();
			});
		const e = new EnrichmentEngine({ send, scrub: (t) => t, limits: { virustotal: { concurrency: 1, minIntervalMs: 0 } }, timeoutMs: 2000, maxRetries: 2, maxRetryWaitMs: 1000, includeRaw: false });
		return {
			provider,
			run: async (value, deadlineMs) => (await e.enrich({ type: 'ipv4', value }, [provider], Date.now() + deadlineMs))[0] as unknown as IDataObject,
		};
	}

	test('the real provider pauses about a minute; daily and monthly quotas are final at once', () => {
		expect(virustotal.windowQuota?.pauseMs).toBe(60_000);
		const answer = (message: string): ProviderHttpResponse => ({ statusCode: 429, headers: {}, json: { error: { code: 'QuotaExceededError', message } }, text: '', endpoint: 'GET /files/x' });
		expect(virustotal.windowQuota?.matches(answer('Quota exceeded'))).toBe(true);
		expect(virustotal.quotaExhausted?.(answer('Quota exceeded'))).toBe(false);
		expect(virustotal.quotaExhausted?.(answer('Daily quota exceeded'))).toBe(true);
		expect(virustotal.quotaExhausted?.(answer('Monthly quota exceeded'))).toBe(true);
	});

	test('one QuotaExceededError: paused, retried once, ok; VirusTotal stays on', async () => {
		fake.setMode('virustotal', 'quota_once');
		const { run } = engine();
		expect(await run(SAMPLES.badIp, 5000)).toMatchObject({ status: 'ok', verdict: 'malicious', attempts: 2 });
		const [first, second] = fake.requestsTo('virustotal');
		expect(first.status).toBe(429);
		expect(second.at - first.at).toBeGreaterThanOrEqual(390);
		expect(await run(SAMPLES.unknownIp, 5000)).toMatchObject({ status: 'not_found' });
	});

	test('QuotaExceededError again after the pause: off for the rest of the run', async () => {
		fake.setMode('virustotal', 'quota');
		const { run } = engine();
		expect(await run(SAMPLES.badIp, 5000)).toMatchObject({ status: 'rate_limited', error: { code: 'quota' } });
		expect(await run(SAMPLES.unknownIp, 5000)).toMatchObject({ status: 'rate_limited', error: { code: 'quota' } });
		expect(fake.requestsTo('virustotal')).toHaveLength(2);
	});

	test('a pause that does not fit the deadline: rate_limited for this IoC only', async () => {
		fake.setMode('virustotal', 'quota_once');
		const { run } = engine();
		const first = await run(SAMPLES.badIp, 300);
		expect(first).toMatchObject({ status: 'rate_limited', error: { code: 'rate_limit' } });
		expect((first.error as IDataObject).message).toMatch(/per-minute, daily or monthly quota/);
		// Still on: the next IoC waits out the pause and is asked.
		expect(await run(SAMPLES.unknownIp, 5000)).toMatchObject({ status: 'not_found' });
		const [one, two] = fake.requestsTo('virustotal');
		expect(two.at - one.at).toBeGreaterThanOrEqual(390);
	});
});

describe('6-8. keys refused the provider\'s own way; OTX hostnames', () => {
	test.each<[AbuseChProvider, AbuseChAuthAnswer, string]>([
		['threatfox', '401', SAMPLES.badIp],
		['threatfox', '403', SAMPLES.badIp],
		['threatfox', '200', SAMPLES.badIp],
		['urlhaus', '401', SAMPLES.badUrl],
		['urlhaus', '403', SAMPLES.badUrl],
		['urlhaus', '200', SAMPLES.badUrl],
		['malwarebazaar', '401', SAMPLES.badMd5],
		['malwarebazaar', '403', SAMPLES.badMd5],
		['malwarebazaar', '200', SAMPLES.badMd5],
	])('%s answering a wrong key with HTTP %s: auth, and the key is not sent again', async (provider, answer, value) => {
		fake.abuseChAuth[provider] = answer;
		const { items } = await enrich(fake, {
			providers: [provider],
			input: [{ value }, { value: SAMPLES.unknownSha256 }, { value: SAMPLES.unknownUrl }],
			credentials: fake.credentials({ abusech: 'WRONG-abusech-key' }),
			options: { parallel: 1 },
		});
		expect(providerResult(items[0], provider)).toMatchObject({ status: 'error', error: { code: 'auth', http_status: Number(answer) } });
		expect(fake.requestsTo(provider)).toHaveLength(1);
	});

	test('OTX: a 403 is a refused key, and nothing more is sent', async () => {
		const { items } = await enrich(fake, {
			providers: ['otx'],
			input: [{ value: SAMPLES.badIp }, { value: SAMPLES.badDomain }, { value: SAMPLES.badUrl }],
			credentials: fake.credentials({ otx: 'WRONG-otx-key' }),
			options: { parallel: 1 },
		});
		for (const item of items) expect(providerResult(item, 'otx')).toMatchObject({ status: 'error', error: { code: 'auth', http_status: 403 } });
		expect(fake.requestsTo('otx')).toHaveLength(1);
	});

	test('OTX: a name longer than its registrable domain is looked up as a hostname', async () => {
		const { items } = await enrich(fake, { providers: ['otx'], input: [{ value: SAMPLES.badHostname }, { value: SAMPLES.badDomain }] });
		expect(fake.requestsTo('otx').map((r) => r.url).sort()).toEqual([
			`/api/v1/indicators/domain/${SAMPLES.badDomain}/general`,
			`/api/v1/indicators/hostname/${SAMPLES.badHostname}/general`,
		]);
		expect(providerResult(items[0], 'otx')).toMatchObject({ status: 'ok', verdict: 'suspicious', link: `https://otx.alienvault.com/indicator/hostname/${SAMPLES.badHostname}` });
	});
});

const TIMES: Array<[string, string]> = [
	['2021-07-05 09:11:24', '2021-07-05T09:11:24.000Z'], // MalwareBazaar first_seen
	['2021-01-21T12:25:37.046447', '2021-01-21T12:25:37.046Z'], // Shodan last_update
	['2024-01-02 03:04:05 UTC', '2024-01-02T03:04:05.000Z'], // ThreatFox, URLhaus
	['2025-12-30', '2025-12-30T00:00:00.000Z'], // GreyNoise last_seen
	['2025-12-30T10:00:00+02:00', '2025-12-30T08:00:00.000Z'],
];

describe('9-12. cosmetic', () => {
	test('9. GreyNoise\'s 429 names its allowance in "rate-limit": a used-up quota', () => {
		const body = { plan: 'unauthenticated', 'rate-limit': '100-lookups/day', plan_url: 'https://greynoise.io/pricing', message: 'Please create a free account.' };
		expect(greynoise.quotaExhausted?.({ statusCode: 429, headers: {}, json: body, text: JSON.stringify(body), endpoint: 'GET /v3/community/x' })).toBe(true);
	});

	test('9. the fake\'s GreyNoise 429 ends GreyNoise for the run with its message', async () => {
		fake.setMode('greynoise', 'quota');
		const { items } = await enrich(fake, { providers: ['greynoise'], input: [{ value: SAMPLES.badIp }] });
		expect(providerResult(items[0], 'greynoise')).toMatchObject({ status: 'rate_limited', error: { code: 'quota', message: expect.stringMatching(/100 requests per day/) } });
	});

	test('11. a time without an offset is UTC, whatever the server\'s time zone (MalwareBazaar, Shodan)', () => {
		// Jest's process.env is a copy, so the other time zone needs a process of its own.
		const util = path.resolve(__dirname, '../../dist/nodes/IocEnrich/providers/util.js');
		const script = `const { isoDate } = require(${JSON.stringify(util)}); process.stdout.write(JSON.stringify([new Date(2026, 0, 1).getTimezoneOffset(), ...${JSON.stringify(TIMES.map(([text]) => text))}.map(isoDate)]))`;
		const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { env: { ...process.env, TZ: 'Asia/Kolkata' } }).toString()) as unknown[];
		expect(out).toEqual([-330, ...TIMES.map(([, iso]) => iso)]);
	});

	test('11. the fake\'s MalwareBazaar first_seen and Shodan last_update come out in UTC', async () => {
		const { items } = await enrich(fake, { providers: ['malwarebazaar', 'shodan'], input: [{ value: SAMPLES.badSha256 }, { value: SAMPLES.badIp }] });
		expect(providerResult(items[0], 'malwarebazaar')).toMatchObject({ first_seen: '2025-12-22T00:00:00.000Z', last_seen: '2025-12-31T00:00:00.000Z' });
		expect(providerResult(items[1], 'shodan')).toMatchObject({ last_seen: '2025-12-31T00:00:00.000Z' });
	});

	test('12. the urlscan credential test asks the documented /api/v1/quotas, and the fake accepts the key there', async () => {
		const request = new IocEnrichUrlscanApi().test.request;
		expect(request.url).toBe('/api/v1/quotas');
		const response = await fetch(`${fake.baseUrl('urlscan')}${request.url}`, { headers: { 'API-Key': KEYS.urlscan } });
		expect(response.status).toBe(200);
	});
});
