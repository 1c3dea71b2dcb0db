// IoC Enrich across providers: deadline with a never-answering provider, enforced rate limits
// over 100 IoCs, quotas, never sending internal values, output shapes, and key hygiene.
import type { IDataObject } from 'n8n-workflow';

import type { ProviderId } from '../fakes/providers.ts';
import { FakeProviders, KEYS, PROVIDER_IDS, SAMPLES } from '../fakes/providers.ts';
import { enrich, enrichment, fastLimits, leakedKeys, providerResult, useFakeProviders } from './enrich.helpers.ts';

let fake: FakeProviders;
useFakeProviders((started) => (fake = started));

const statuses = (item: IDataObject) =>
	Object.fromEntries((enrichment(item).providers as IDataObject[]).map((p) => [p.provider, p.status]));

describe('overall deadline', () => {
	test('one provider never answers: the item comes out by the deadline with the others and that provider timeout', async () => {
		fake.setMode('virustotal', 'hang');
		const started = Date.now();
		const { items, error } = await enrich(fake, {
			providers: ['virustotal', 'abuseipdb', 'greynoise', 'threatfox', 'otx'],
			input: [{ value: SAMPLES.badIp }],
			// The per-request timeout is long; only the deadline can end the wait.
			options: { timeout: 60, deadline: 1.5 },
		});
		expect(error).toBeUndefined();
		expect(Date.now() - started).toBeLessThan(10_000);
		expect(statuses(items[0])).toEqual({ virustotal: 'timeout', abuseipdb: 'ok', greynoise: 'ok', threatfox: 'ok', otx: 'ok' });
		// The request's own timeout is cut to the deadline too, so either may fire first.
		expect(['deadline', 'timeout']).toContain((providerResult(items[0], 'virustotal').error as IDataObject).code);
		expect(enrichment(items[0]).verdict).toBe('malicious');
		expect(enrichment(items[0]).summary).toMatchObject({ queried: 5, ok: 4, timeout: 1, failed: 1 });
	});

	test('a slow provider does not hold up the fast ones', async () => {
		fake.setMode('otx', 'slow', { delayMs: 800 });
		const { items } = await enrich(fake, {
			providers: ['otx', 'threatfox', 'urlhaus'],
			input: [{ value: SAMPLES.badDomain }],
		});
		expect(statuses(items[0])).toEqual({ otx: 'ok', threatfox: 'ok', urlhaus: 'ok' });
		expect(providerResult(items[0], 'threatfox').latency_ms as number).toBeLessThan(providerResult(items[0], 'otx').latency_ms as number);
	});

	test('a provider whose pace leaves no slot before the deadline is rate_limited at once, not waited for', async () => {
		const { items } = await enrich(fake, {
			providers: ['virustotal', 'threatfox'],
			input: [{ value: SAMPLES.badIp }, { value: SAMPLES.badDomain }, { value: SAMPLES.badUrl }],
			// VirusTotal's public pace: one request per 15 s, the deadline is 2 s.
			options: { deadline: 2, rateLimits: fastLimits(['threatfox']), virusTotalRequestsPerMinute: 4, parallel: 3 },
		});
		const vt = items.map((item) => providerResult(item, 'virustotal'));
		expect(vt.filter((r) => r.status === 'ok')).toHaveLength(1);
		for (const r of vt.filter((r) => r.status !== 'ok')) {
			expect(r).toMatchObject({ status: 'rate_limited', error: { code: 'rate_limit' } });
			expect((r.error as IDataObject).message).toMatch(/4 requests per minute/);
		}
		expect(fake.requestsTo('virustotal')).toHaveLength(1);
		expect(items.every((item) => providerResult(item, 'threatfox').status === 'ok')).toBe(true);
	});
});

describe('rate limits', () => {
	test('100 IoCs against providers that enforce their rate: not one 429', async () => {
		const providers: ProviderId[] = ['virustotal', 'abuseipdb', 'greynoise', 'threatfox', 'otx', 'shodan', 'internetdb'];
		for (const provider of providers) fake.enforce(provider, 20, 1000);
		const input = Array.from({ length: 100 }, (_, i) => ({ value: `81.2.${69 + Math.floor(i / 200)}.${(i % 200) + 10}` }));
		const { items, error } = await enrich(fake, {
			providers,
			input,
			// 15 a second against the fake's 20: a margin for what happens between the limiter and
			// the wire (n8n decrypts the credential and applies it after the slot is granted).
			options: { rateLimits: fastLimits(providers, 900, 4), deadline: 60, parallel: 20 },
		});
		expect(error).toBeUndefined();
		expect(items).toHaveLength(100);
		expect(fake.overLimit).toEqual({});
		expect(fake.requests.filter((r) => r.status === 429)).toHaveLength(0);
		for (const provider of providers) expect(fake.requestsTo(provider)).toHaveLength(100);
		for (const item of items) {
			for (const status of Object.values(statuses(item))) expect(status).toBe('not_found');
		}
	}, 60_000);

	test('the fake does enforce: without spacing the same run meets 429s, which are retried', async () => {
		fake.enforce('threatfox', 5, 1000);
		const input = Array.from({ length: 12 }, (_, i) => ({ value: `81.2.70.${i + 10}` }));
		const { items } = await enrich(fake, {
			providers: ['threatfox'],
			input,
			options: { rateLimits: fastLimits(['threatfox'], 0, 12), parallel: 12, retries: 3, deadline: 20 },
		});
		expect(fake.overLimit.threatfox).toBeGreaterThan(0);
		expect(items.every((item) => providerResult(item, 'threatfox').status === 'not_found')).toBe(true);
	}, 30_000);

	test('an exhausted daily quota marks the provider rate_limited for the rest of the run; VirusTotal\'s may be the minute\'s', async () => {
		fake.setMode('virustotal', 'quota');
		fake.setMode('abuseipdb', 'quota');
		const { items } = await enrich(fake, {
			providers: ['virustotal', 'abuseipdb', 'threatfox'],
			input: [{ value: SAMPLES.badIp }, { value: SAMPLES.unknownIp }, { value: '81.2.69.200' }],
			options: { parallel: 1 },
		});
		for (const item of items) {
			// QuotaExceededError may be the per-minute quota: VirusTotal pauses a minute, which no
			// IoC's 10 s deadline leaves room for, so each is rate_limited without a second request.
			expect(providerResult(item, 'virustotal')).toMatchObject({ status: 'rate_limited', verdict: 'unknown', error: { code: 'rate_limit' } });
			expect(providerResult(item, 'abuseipdb')).toMatchObject({ status: 'rate_limited', error: { code: 'quota' } });
		}
		expect(fake.requestsTo('virustotal')).toHaveLength(1);
		expect(fake.requestsTo('abuseipdb')).toHaveLength(1);
		expect(providerResult(items[0], 'threatfox').status).toBe('ok');
		expect(enrichment(items[0]).verdict).toBe('malicious');
	});

	test('a Retry-After beyond the allowed wait is rate_limited, not waited out', async () => {
		fake.setMode('shodan', 'rate_limit_once', { retryAfterSec: 120 });
		const { items } = await enrich(fake, { providers: ['shodan'], input: [{ value: SAMPLES.badIp }], options: { maxRetryWait: 5 } });
		const result = providerResult(items[0], 'shodan');
		expect(result).toMatchObject({ status: 'rate_limited', error: { code: 'rate_limit', retry_after_sec: 120 } });
		expect(fake.requestsTo('shodan')).toHaveLength(1);
	});

	test('an HTML page with HTTP 200 (a proxy or login page) is an error naming the endpoint, never a verdict', async () => {
		fake.setMode('virustotal', 'html');
		const { items } = await enrich(fake, { providers: ['virustotal', 'threatfox'], input: [{ value: SAMPLES.badSha256 }] });
		const result = providerResult(items[0], 'virustotal');
		expect(result).toMatchObject({ status: 'error', verdict: 'unknown', error: { code: 'malformed', http_status: 200 } });
		expect((result.error as { message: string }).message).toContain(`GET /files/${SAMPLES.badSha256}`);
		expect((result.error as { message: string }).message).toMatch(/HTML page/);
		expect(fake.requestsTo('virustotal')).toHaveLength(1);
		// ThreatFox's own finding still counts; VirusTotal's page adds nothing to it.
		expect(enrichment(items[0]).summary).toMatchObject({ error: 1, malicious: 1 });
	});

	test('an HTML page alone leaves the IoC unknown, so nothing reaches a Block branch', async () => {
		fake.setMode('threatfox', 'html');
		const { items } = await enrich(fake, { providers: ['threatfox'], input: [{ value: SAMPLES.badIp }] });
		expect(enrichment(items[0])).toMatchObject({ verdict: 'unknown', score: 0 });
		expect((providerResult(items[0], 'threatfox').error as { message: string }).message).toMatch(/ThreatFox answered HTTP 200 to POST \/ with an HTML page/);
	});

	test('5xx is retried; a malformed 200 is an error, not a result', async () => {
		fake.setMode('urlhaus', 'server_error_once');
		fake.setMode('malwarebazaar', 'malformed');
		const { items } = await enrich(fake, { providers: ['urlhaus', 'malwarebazaar'], input: [{ value: SAMPLES.badSha256 }] });
		expect(providerResult(items[0], 'urlhaus')).toMatchObject({ status: 'ok', verdict: 'malicious', attempts: 2 });
		expect(providerResult(items[0], 'malwarebazaar')).toMatchObject({ status: 'error', verdict: 'unknown', error: { code: 'malformed' } });
	});
});

describe('what is sent', () => {
	test('non-global IPs, special-use names and invalid values: no request at all, every provider skipped', async () => {
		const values = ['10.0.0.1', 'hxxp://192.168[.]1.1/admin', '100.64.3.4', 'fe80::1', '::ffff:10.1.2.3', 'localhost', 'printer.local', 'intranet.example.com', '127.1', 'not an ioc'];
		const { items } = await enrich(fake, { providers: PROVIDER_IDS, input: values.map((value) => ({ value })) });
		expect(fake.requests).toHaveLength(0);
		expect(items).toHaveLength(values.length);
		for (const item of items) {
			const e = enrichment(item);
			expect(e.verdict).toBe('unknown');
			expect(Object.values(statuses(item)).every((s) => s === 'skipped')).toBe(true);
			expect((e.ioc as IDataObject).reason).toMatch(/^(non_global_ip|special_use_domain|invalid)$/);
			expect((e.reasons as string[])[0]).toBe((e.ioc as IDataObject).reason_text);
		}
		expect((enrichment(items[0]).ioc as IDataObject).reason).toBe('non_global_ip');
		expect((enrichment(items[5]).ioc as IDataObject).reason).toBe('special_use_domain');
	});

	test('the type comes from the item when it has one; defanged values are refanged', async () => {
		const { items } = await enrich(fake, {
			providers: ['urlhaus', 'virustotal'],
			input: [
				{ value: 'hxxp://bad-actor[.]top/payload.exe', type: 'uri' },
				{ value: SAMPLES.badDomain, type: 'ip' },
				{ value: 'phish@bad-actor.top', type: 'network.email.address' },
				{ value: SAMPLES.badMd5, type: 'sha256' },
			],
		});
		expect(enrichment(items[0]).ioc).toMatchObject({ value: SAMPLES.badUrl, type: 'url', refanged: true });
		expect(enrichment(items[0]).verdict).toBe('malicious');
		expect(enrichment(items[1]).ioc).toMatchObject({ reason: 'invalid', declared_type: 'ip' });
		expect(statuses(items[2])).toEqual({ urlhaus: 'unsupported', virustotal: 'unsupported' });
		expect(enrichment(items[3]).ioc).toMatchObject({ reason: 'invalid' });
		expect(fake.requests.map((r) => r.value).sort()).toEqual([SAMPLES.badUrl, SAMPLES.badUrl]);
	});

	test('VirusTotal URL lookups use the unpadded base64url id, urlscan escapes its query', async () => {
		const url = 'http://bad-actor.top/a"b?x=1';
		await enrich(fake, { providers: ['virustotal', 'urlscan'], input: [{ value: url }] });
		const vt = fake.requestsTo('virustotal')[0];
		expect(vt.url).toBe(`/urls/${Buffer.from('http://bad-actor.top/a%22b?x=1').toString('base64url')}`);
		expect(vt.url).not.toMatch(/=/);
		expect(fake.requestsTo('urlscan')[0].value).toBe('http://bad-actor.top/a%22b?x=1');
	});

	test('the same IoC in several items is asked once per provider', async () => {
		const { items } = await enrich(fake, {
			providers: ['threatfox', 'greynoise'],
			input: [{ value: SAMPLES.badIp }, { value: '45[.]155[.]205[.]233' }, { value: SAMPLES.badIp }],
		});
		expect(fake.requestsTo('threatfox')).toHaveLength(1);
		expect(fake.requestsTo('greynoise')).toHaveLength(1);
		expect(items.map((item) => providerResult(item, 'threatfox').cached).filter(Boolean)).toHaveLength(2);
		expect(items.every((item) => enrichment(item).verdict === 'malicious')).toBe(true);
	});
});

describe('output', () => {
	test('full output: ioc, verdict, score, reasons, providers and summary; benign signals with no flag give benign', async () => {
		const { items } = await enrich(fake, { providers: ['greynoise', 'abuseipdb', 'otx', 'virustotal', 'shodan'], input: [{ value: SAMPLES.benignIp, verdict: 'malicious' }] });
		const e = enrichment(items[0]);
		expect(items[0].verdict).toBe('malicious'); // the input's own field is kept untouched
		expect(e).toMatchObject({ ioc: { value: SAMPLES.benignIp, type: 'ipv4', original: SAMPLES.benignIp }, verdict: 'benign', score: 0 });
		expect(e.reasons).toEqual([
			'GreyNoise: RIOT, a common business service (Google Public DNS)',
			'AlienVault OTX: allowlisted (Whitelisted IP)',
		]);
		// No detections on VirusTotal is not a benign verdict of its own, nor is AbuseIPDB's whitelist.
		expect(providerResult(items[0], 'virustotal')).toMatchObject({ status: 'ok', verdict: 'unknown' });
		expect(providerResult(items[0], 'abuseipdb')).toMatchObject({ status: 'ok', verdict: 'unknown', evidence: { is_whitelisted: true } });
		expect(e.summary).toMatchObject({ queried: 5, ok: 5, benign: 2, failed: 0 });
		expect(providerResult(items[0], 'greynoise').raw).toBeUndefined();
	});

	test('Simplify: compact per-provider map; Include Raw adds the parsed answers', async () => {
		const { items } = await enrich(fake, {
			providers: ['threatfox', 'malwarebazaar', 'virustotal'],
			input: [{ value: SAMPLES.badSha256 }],
			simplify: true,
			includeRaw: true,
		});
		const e = enrichment(items[0]);
		expect(Object.keys(e)).toEqual(['value', 'type', 'verdict', 'score', 'reasons', 'providers']);
		expect(e).toMatchObject({ value: SAMPLES.badSha256, type: 'sha256', verdict: 'malicious' });
		expect(e.score as number).toBeGreaterThanOrEqual(70);
		const providers = e.providers as Record<string, IDataObject>;
		expect(Object.keys(providers)).toEqual(['threatfox', 'malwarebazaar', 'virustotal']);
		expect(providers.malwarebazaar).toMatchObject({ status: 'ok', verdict: 'malicious', link: `https://bazaar.abuse.ch/sample/${SAMPLES.badSha256}/` });
		expect((providers.malwarebazaar.raw as IDataObject).query_status).toBe('ok');
		expect(providers.virustotal.raw).toMatchObject({ data: { attributes: { reputation: -27 } } });
	});

	test('Include Raw on the full output', async () => {
		const { items } = await enrich(fake, { providers: ['greynoise'], input: [{ value: SAMPLES.unknownIp }], includeRaw: true });
		expect(providerResult(items[0], 'greynoise').raw).toMatchObject({ message: expect.stringMatching(/not observed/) });
	});
});

describe('secrets', () => {
	test('no key in outputs or errors, even from a server that echoes the request and with raw answers on', async () => {
		for (const provider of PROVIDER_IDS) fake.setMode(provider, 'echo');
		const { items, error } = await enrich(fake, {
			providers: PROVIDER_IDS,
			input: [{ value: SAMPLES.badIp }, { value: SAMPLES.badSha256 }],
			includeRaw: true,
		});
		expect(error).toBeUndefined();
		// The fake did echo the keys…
		expect(fake.requestsTo('shodan')[0].url).toContain(KEYS.shodan);
		// …and none reached the output.
		expect(leakedKeys(items)).toEqual([]);
		expect(JSON.stringify(items)).toContain('[redacted]');
		expect(providerResult(items[0], 'shodan')).toMatchObject({ status: 'error', error: { code: 'invalid_input', http_status: 400 } });
	});

	test('no key in a failed run (continueOnFail off) or in its error items (continueOnFail on)', async () => {
		const bad = await enrich(fake, { providers: ['virustotal'], input: [{ value: SAMPLES.badIp }, { other: 1 }] });
		expect(bad.error?.message).toMatch(/has no IoC value/);
		expect(leakedKeys([bad.error, bad.run.data.resultData])).toEqual([]);
		const soft = await enrich(fake, { providers: ['virustotal'], input: [{ value: SAMPLES.badIp }, { other: 1 }], continueOnFail: true });
		expect(soft.items).toHaveLength(2);
		expect(soft.items[1].error).toMatch(/has no IoC value/);
		expect(leakedKeys([soft.items, soft.run.data.resultData])).toEqual([]);
	});

	test('a picked provider without its credential fails the run with a clear message', async () => {
		const credentials = fake.credentials();
		delete credentials.iocEnrichShodanApi;
		const { error } = await enrich(fake, { providers: ['shodan', 'threatfox'], input: [{ value: SAMPLES.badIp }], credentials });
		expect(error?.message).toBe('No credential for Shodan');
		expect(leakedKeys([error])).toEqual([]);
	});
});

describe('the file of an Assemblyline alert', () => {
	const alert = (file: IDataObject | undefined) => ({ alert_id: 'A1b2C3', al: { detailed: { domain: [] } }, ...(file ? { file } : {}) });

	test('its SHA256 is looked up in the hash providers, and the output says where it came from', async () => {
		const { items } = await enrich(fake, {
			providers: ['malwarebazaar', 'virustotal', 'triage'],
			lookUp: 'file',
			input: [alert({ name: 'invoice.exe', md5: SAMPLES.badMd5, sha1: SAMPLES.badSha1, sha256: SAMPLES.badSha256, size: 290816 })],
		});
		expect(items[0].alert_id).toBe('A1b2C3');
		expect(enrichment(items[0]).ioc).toMatchObject({ value: SAMPLES.badSha256, type: 'sha256', from: 'file.sha256' });
		expect(enrichment(items[0]).verdict).toBe('malicious');
		for (const provider of ['malwarebazaar', 'virustotal', 'triage'] as const) {
			expect(fake.requestsTo(provider)[0].value).toBe(SAMPLES.badSha256);
		}
	});

	test('without a SHA256 the SHA1, then the MD5; no hash at all is an error for that item only', async () => {
		const { items } = await enrich(fake, {
			providers: ['virustotal'],
			lookUp: 'file',
			continueOnFail: true,
			input: [alert({ md5: SAMPLES.badMd5, sha1: SAMPLES.badSha1 }), alert({ md5: SAMPLES.badMd5 }), alert(undefined)],
		});
		expect(enrichment(items[0]).ioc).toMatchObject({ value: SAMPLES.badSha1, type: 'sha1', from: 'file.sha1' });
		expect(enrichment(items[1]).ioc).toMatchObject({ value: SAMPLES.badMd5, type: 'md5', from: 'file.md5' });
		expect(items[2].enrichment).toBeUndefined();
		expect(String(items[2].error)).toMatch(/Input item 2 has no file hash/);
		expect(fake.requestsTo('virustotal').map((r) => r.value)).toEqual([SAMPLES.badSha1, SAMPLES.badMd5]);
	});

	test('a hostile file hash is not sent: it must be a hash of the field\'s kind', async () => {
		const { items } = await enrich(fake, { providers: ['virustotal'], lookUp: 'file', input: [alert({ sha256: '../../admin?x=1' })] });
		expect(enrichment(items[0]).ioc).toMatchObject({ reason: 'invalid' });
		expect(fake.requests).toHaveLength(0);
	});
});
