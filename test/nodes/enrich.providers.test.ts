// Per provider, through the node on n8n's engine against the fake: found, not found (404 or
// HTTP 200 with a status field), unsupported type, 401, 429-then-success and timeout, each
// mapped to the right status and verdict, and no key in any output.
import type { IDataObject } from 'n8n-workflow';

import type { ProviderId } from '../fakes/providers.ts';
import { FakeProviders, KEYS, SAMPLES } from '../fakes/providers.ts';
import { enrich, enrichment, leakedKeys, providerResult, useFakeProviders } from './enrich.helpers.ts';

interface Case {
	provider: ProviderId;
	found: { value: string; verdict: string; reason: RegExp };
	notFound: string;
	/** A value of a type the provider does not look up, with its declared type. */
	unsupported: { value: string; type?: string };
	/** Which credential key to spoil for the wrong-key case (InternetDB has none). */
	key?: keyof typeof KEYS;
	/** The HTTP status the provider answers a wrong key with (401 unless said). */
	refused?: number;
	/** Every 429 is a used-up daily allowance: not retried, the provider is off for the run. */
	quotaOnly?: boolean;
	/** Requests one found lookup takes (urlscan: the search, then the newest scan's result). */
	requests?: number;
	/** Its short-window 429 names no wait (Google's RESOURCE_EXHAUSTED): the retry follows the backoff. */
	noRetryAfter?: boolean;
	/** Requests a not-found lookup takes (Intelligence X: the search and one poll). */
	notFoundRequests?: number;
	/** Its used-up quota is recognised: rate_limited for the rest of the run. */
	quota?: boolean;
	/** Its answer has no page to look the IoC up on (ScreenshotAPI). */
	noLink?: boolean;
}

const CASES: Case[] = [
	{
		provider: 'virustotal',
		found: { value: SAMPLES.badSha256, verdict: 'malicious', reason: /VirusTotal: 14 of 92 engines flag it malicious, 2 suspicious \(trojan\.cobaltstrike\/beacon\)/ },
		notFound: SAMPLES.unknownIp,
		unsupported: { value: 'phish@bad-actor.top', type: 'email' },
		key: 'virustotal',
	},
	{
		provider: 'abuseipdb',
		found: { value: SAMPLES.badIp, verdict: 'malicious', reason: /AbuseIPDB: abuse confidence 100% \(523 reports\)/ },
		notFound: SAMPLES.unknownIp,
		unsupported: { value: SAMPLES.badDomain },
		key: 'abuseipdb',
		quotaOnly: true,
	},
	{
		provider: 'greynoise',
		found: { value: SAMPLES.badIp, verdict: 'malicious', reason: /GreyNoise: classified malicious/ },
		notFound: SAMPLES.unknownIp,
		unsupported: { value: SAMPLES.badIpv6 },
		key: 'greynoise',
		quotaOnly: true,
	},
	{
		provider: 'threatfox',
		found: { value: SAMPLES.badIp, verdict: 'malicious', reason: /ThreatFox: botnet_cc for Cobalt Strike \(confidence 75\)/ },
		notFound: SAMPLES.unknownDomain,
		unsupported: { value: SAMPLES.badSha1 },
		key: 'abusech',
		refused: 401,
	},
	{
		provider: 'urlhaus',
		found: { value: SAMPLES.badUrl, verdict: 'malicious', reason: /URLhaus: malware_download URL, online/ },
		notFound: SAMPLES.unknownUrl,
		unsupported: { value: SAMPLES.badSha1 },
		key: 'abusech',
		refused: 403,
	},
	{
		provider: 'malwarebazaar',
		found: { value: SAMPLES.badMd5, verdict: 'malicious', reason: /MalwareBazaar: known malware sample of CobaltStrike \(exe\)/ },
		notFound: SAMPLES.unknownSha256,
		unsupported: { value: SAMPLES.badIp },
		key: 'abusech',
		refused: 200,
	},
	{
		provider: 'otx',
		found: { value: SAMPLES.badDomain, verdict: 'suspicious', reason: /AlienVault OTX: in 3 pulses \(Cobalt Strike\)/ },
		notFound: SAMPLES.unknownDomain,
		unsupported: { value: 'phish@bad-actor.top', type: 'email' },
		key: 'otx',
		refused: 403,
	},
	{
		provider: 'urlscan',
		found: { value: SAMPLES.badUrl, verdict: 'suspicious', reason: /urlscan\.io: its latest scan \(2025-12-31\) was classified malicious \(phishing; Microsoft\)/ },
		notFound: SAMPLES.unknownDomain,
		unsupported: { value: SAMPLES.badMd5 },
		key: 'urlscan',
		requests: 2,
	},
	{
		provider: 'shodan',
		found: { value: SAMPLES.badIp, verdict: 'suspicious', reason: /Shodan: tagged c2/ },
		notFound: SAMPLES.unknownIp,
		unsupported: { value: SAMPLES.badDomain },
		key: 'shodan',
	},
	{
		provider: 'internetdb',
		found: { value: SAMPLES.badIpv6, verdict: 'suspicious', reason: /Shodan InternetDB: tagged c2/ },
		notFound: SAMPLES.unknownIp,
		unsupported: { value: SAMPLES.badUrl },
	},
	{
		provider: 'triage',
		found: { value: SAMPLES.badSha256, verdict: 'malicious', reason: /Triage: sample 251230-c0ba1tstr1 scored 10\/10 \(cobaltstrike\)/ },
		notFound: SAMPLES.unknownSha256,
		// Triage searches every type IoC Enrich knows; an e-mail address is none of them.
		unsupported: { value: 'billing@bad-actor.top', type: 'email' },
		key: 'triage',
		requests: 2,
		// Triage documents no quota answer: a 429 asking to wait past Max Retry Wait is taken as one.
		quota: true,
	},
	{
		provider: 'safebrowsing',
		found: { value: SAMPLES.badUrl, verdict: 'malicious', reason: /Google Safe Browsing: listed as MALWARE/ },
		notFound: SAMPLES.unknownUrl,
		unsupported: { value: SAMPLES.badIp },
		key: 'safebrowsing',
		refused: 400,
		noRetryAfter: true,
		quota: true,
	},
	{
		provider: 'intelx',
		// Exposure, not maliciousness: hits are ok with verdict unknown.
		found: { value: SAMPLES.badDomain, verdict: 'unknown', reason: /1 answered without a verdict/ },
		notFound: SAMPLES.unknownDomain,
		unsupported: { value: SAMPLES.badSha256 },
		key: 'intelx',
		// The search, then three polls: not ready, 2 records, done.
		requests: 4,
		notFoundRequests: 2,
		quota: true,
	},
	{
		provider: 'webrisk',
		found: { value: SAMPLES.badUrl, verdict: 'malicious', reason: /Google Web Risk: listed as MALWARE/ },
		notFound: SAMPLES.unknownUrl,
		unsupported: { value: SAMPLES.badIp },
		key: 'webrisk',
		refused: 400,
		noRetryAfter: true,
		quota: true,
	},
	{
		provider: 'screenshotapi',
		// A picture, not a verdict: ok with verdict unknown.
		found: { value: SAMPLES.badUrl, verdict: 'unknown', reason: /1 answered without a verdict/ },
		// A host that does not resolve: nothing to capture.
		notFound: SAMPLES.deadUrl,
		// The API takes a website URL; an IP names no scheme, port or path.
		unsupported: { value: SAMPLES.badIp },
		key: 'screenshotapi',
		quota: true,
		noLink: true,
	},
];

let fake: FakeProviders;
useFakeProviders((started) => (fake = started));

describe.each(CASES)('$provider', (c) => {
	test('found: ok with its verdict and a reason sentence', async () => {
		const { items, error } = await enrich(fake, { providers: [c.provider], input: [{ value: c.found.value, sid: 'keep-me' }] });
		expect(error).toBeUndefined();
		expect(items[0].sid).toBe('keep-me');
		const result = providerResult(items[0], c.provider);
		expect(result).toMatchObject({ status: 'ok', verdict: c.found.verdict, attempts: 1, cached: false });
		if (!c.noLink) expect(typeof result.link).toBe('string');
		expect(enrichment(items[0]).verdict).toBe(c.found.verdict);
		expect((enrichment(items[0]).reasons as string[]).join('\n')).toMatch(c.found.reason);
		expect(fake.requestsTo(c.provider)).toHaveLength(c.requests ?? 1);
		expect(leakedKeys(items)).toEqual([]);
	});

	test('not found: not_found and unknown, never benign', async () => {
		const { items } = await enrich(fake, { providers: [c.provider], input: [{ value: c.notFound }] });
		const result = providerResult(items[0], c.provider);
		expect(result).toMatchObject({ status: 'not_found', verdict: 'unknown' });
		expect(enrichment(items[0])).toMatchObject({ verdict: 'unknown', score: 0 });
		expect((enrichment(items[0]).reasons as string[])[0]).toMatch(/1 not found.*not a statement of trust/);
		expect(fake.requestsTo(c.provider)).toHaveLength(c.notFoundRequests ?? 1);
	});

	test('unsupported type: unsupported, not an error, nothing sent', async () => {
		const input = c.unsupported.type ? { value: c.unsupported.value, type: c.unsupported.type } : { value: c.unsupported.value };
		const { items } = await enrich(fake, { providers: [c.provider], input: [input] });
		const result = providerResult(items[0], c.provider);
		expect(result).toMatchObject({ status: 'unsupported', verdict: 'unknown', reason: 'unsupported_type' });
		expect(result.error).toBeUndefined();
		expect(fake.requests).toHaveLength(0);
	});

	if (c.key) {
		const key = c.key;
		test(`wrong key (HTTP ${c.refused ?? 401}): error with code auth, no key in output, and the refused key is not sent again`, async () => {
			const wrong = `WRONG-${key}-3e9d1c7b`;
			const { items } = await enrich(fake, {
				providers: [c.provider],
				input: [{ value: c.found.value }, { value: c.notFound }],
				credentials: fake.credentials({ [key]: wrong }),
				options: { parallel: 1 },
			});
			for (const item of items) {
				const result = providerResult(item, c.provider);
				expect(result).toMatchObject({ status: 'error', verdict: 'unknown', error: { code: 'auth' } });
				expect(enrichment(item).verdict).toBe('unknown');
			}
			expect(providerResult(items[0], c.provider).error).toMatchObject({ http_status: c.refused ?? 401 });
			expect((providerResult(items[0], c.provider).error as IDataObject).message).toMatch(/refused the API key/);
			expect(fake.requestsTo(c.provider)).toHaveLength(1);
			expect(leakedKeys(items, [...Object.values(KEYS), wrong])).toEqual([]);
		});
	}

	if (c.quotaOnly) {
		test('429: a used-up daily allowance, not retried, off for the rest of the run', async () => {
			fake.setMode(c.provider, 'rate_limit_once', { retryAfterSec: 1 });
			const { items } = await enrich(fake, { providers: [c.provider], input: [{ value: c.found.value }, { value: c.notFound }], options: { parallel: 1 } });
			for (const item of items) expect(providerResult(item, c.provider)).toMatchObject({ status: 'rate_limited', error: { code: 'quota' } });
			expect(fake.requestsTo(c.provider)).toHaveLength(1);
		});
	} else {
		test('429 then success: retried after Retry-After, ok', async () => {
			fake.setMode(c.provider, 'rate_limit_once', { retryAfterSec: 1 });
			const { items } = await enrich(fake, { providers: [c.provider], input: [{ value: c.found.value }] });
			const result = providerResult(items[0], c.provider);
			expect(result).toMatchObject({ status: 'ok', verdict: c.found.verdict, attempts: 2 });
			const [first, second] = fake.requestsTo(c.provider);
			expect(first.status).toBe(429);
			expect(second.status).toBe(200);
			// Retry-After: 1 was honoured (lower bound only; a little slack for timer granularity).
			if (!c.noRetryAfter) expect(second.at - first.at).toBeGreaterThanOrEqual(950);
		});
	}

	if (c.quota) {
		test('quota used up: rate_limited, and not asked again for the rest of the run', async () => {
			fake.setMode(c.provider, 'quota');
			const { items } = await enrich(fake, { providers: [c.provider], input: [{ value: c.found.value }, { value: c.notFound }], options: { parallel: 1 } });
			for (const item of items) {
				expect(providerResult(item, c.provider)).toMatchObject({ status: 'rate_limited', verdict: 'unknown', error: { code: 'quota' } });
			}
			expect(fake.requestsTo(c.provider)).toHaveLength(1);
		});
	}

	test('timeout: a provider that never answers is timeout, the item still comes out', async () => {
		fake.setMode(c.provider, 'hang');
		const { items, error } = await enrich(fake, {
			providers: [c.provider],
			input: [{ value: c.found.value }],
			options: { timeout: 0.4, retries: 0 },
		});
		expect(error).toBeUndefined();
		const result = providerResult(items[0], c.provider);
		expect(result).toMatchObject({ status: 'timeout', verdict: 'unknown', error: { code: 'timeout' } });
		expect(enrichment(items[0]).verdict).toBe('unknown');
	});
});

describe('triage: the two-step lookup', () => {
	test('search, then the first reported sample\'s overview: score and family', async () => {
		const { items } = await enrich(fake, { providers: ['triage'], input: [{ value: SAMPLES.badMd5 }] });
		const [search, overview] = fake.requestsTo('triage');
		expect(search.url).toBe(`/search?query=${encodeURIComponent(`md5:${SAMPLES.badMd5}`)}&limit=20`);
		expect(search.headers.authorization).toBe(`Bearer ${KEYS.triage}`);
		expect(overview.url).toBe('/samples/251230-c0ba1tstr1/overview.json');
		expect(providerResult(items[0], 'triage')).toMatchObject({
			status: 'ok',
			verdict: 'malicious',
			score: 100,
			tags: expect.arrayContaining(['cobaltstrike', 'backdoor']),
			evidence: { samples: 1, sample_id: '251230-c0ba1tstr1', triage_score: 10, family: ['cobaltstrike'] },
		});
	});

	test('a network IoC says it matched C2 data from malware configs only', async () => {
		const { items } = await enrich(fake, { providers: ['triage'], input: [{ value: SAMPLES.badDomain }, { value: SAMPLES.unknownDomain }] });
		expect(fake.requestsTo('triage')[0].url).toContain(encodeURIComponent(`domain:${SAMPLES.badDomain}`));
		expect(providerResult(items[0], 'triage')).toMatchObject({ verdict: 'malicious', evidence: { matched_in: 'c2_config' } });
		expect((enrichment(items[0]).reasons as string[]).join()).toMatch(/as a C2 address in its malware config/);
		expect(providerResult(items[1], 'triage')).toMatchObject({ status: 'not_found', evidence: { matched_in: 'c2_config' } });
	});

	test('no overview (404): the search hit stays, unknown, saying why', async () => {
		fake.triageOverviews = false;
		const { items } = await enrich(fake, { providers: ['triage'], input: [{ value: SAMPLES.badSha1 }] });
		expect(fake.requestsTo('triage').map((r) => r.status)).toEqual([200, 404]);
		const result = providerResult(items[0], 'triage');
		expect(result).toMatchObject({ status: 'ok', verdict: 'unknown', evidence: { sample_id: '251230-c0ba1tstr1' } });
		expect(String((result.evidence as IDataObject).overview)).toMatch(/^not available: Triage answered HTTP 404: NOT_FOUND/);
		expect(enrichment(items[0]).verdict).toBe('unknown');
	});
});

describe('safebrowsing: one request per 500 URLs of the execution', () => {
	test('1,200 URLs (and a domain, checked as http://domain/) in 3 requests, each item with its own answer', async () => {
		const urls = Array.from({ length: 1200 }, (_, i) => `https://cdn${i}.quiet-bakery.net/${i % 100 === 7 ? 'phish-' : 'page-'}${i}`);
		const input = [...urls.map((value) => ({ value })), { value: SAMPLES.badDomain }];
		const { items } = await enrich(fake, { providers: ['safebrowsing'], input, options: { parallel: 10, deadline: 30 } });
		const requests = fake.requestsTo('safebrowsing');
		const sizes = requests.map((r) => (JSON.parse(r.body) as { threatInfo: { threatEntries: unknown[] } }).threatInfo.threatEntries.length);
		expect(sizes).toEqual([500, 500, 201]);
		const listed = items.filter((item) => providerResult(item, 'safebrowsing').verdict === 'malicious').map((item) => item.value);
		expect(listed).toEqual([...urls.filter((u) => u.includes('/phish-')), SAMPLES.badDomain]);
		expect(providerResult(items[0], 'safebrowsing')).toMatchObject({ status: 'not_found', verdict: 'unknown', cached: false });
		expect(providerResult(items[7], 'safebrowsing')).toMatchObject({ status: 'ok', tags: ['SOCIAL_ENGINEERING'], cached: false });
		expect(providerResult(items[1200], 'safebrowsing').evidence).toMatchObject({ checked_as: `http://${SAMPLES.badDomain}/` });
	});
});

describe('intelx: the asynchronous search', () => {
	test('polls to completion within the deadline, about a second apart, counting records and buckets', async () => {
		const { items } = await enrich(fake, { providers: ['intelx'], input: [{ value: SAMPLES.badIp }] });
		const requests = fake.requestsTo('intelx');
		expect(requests.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual(['POST /intelligent/search', 'GET /intelligent/search/result', 'GET /intelligent/search/result', 'GET /intelligent/search/result']);
		expect(requests[1].url).toMatch(/id=00000001-1111-4222-8333-444455556666&limit=100$/);
		for (let i = 2; i < requests.length; i++) expect(requests[i].at - requests[i - 1].at).toBeGreaterThanOrEqual(950);
		expect(providerResult(items[0], 'intelx')).toMatchObject({ status: 'ok', verdict: 'unknown', tags: ['pastes', 'darknet.tor'], evidence: { records: 2 } });
		expect(enrichment(items[0]).verdict).toBe('unknown');
	});

	test('a deadline shorter than the polls: the hits so far, saying the search did not finish, and no more polls', async () => {
		const { items } = await enrich(fake, { providers: ['intelx'], input: [{ value: SAMPLES.badIp }], options: { deadline: 1.5 } });
		const result = providerResult(items[0], 'intelx');
		expect(result).toMatchObject({ status: 'ok', verdict: 'unknown', evidence: { incomplete: "the search had not finished by the IoC's deadline" } });
		const polls = fake.requestsTo('intelx').filter((r) => r.method === 'GET').length;
		expect(polls).toBeLessThanOrEqual(2);
	});
});

describe('answers checked against a schema before any field is read', () => {
	test('VirusTotal: a detection count that is not a number is an error naming the field, never a verdict', async () => {
		fake.setMode('virustotal', 'reshaped', { reshape: (body) => (body.data.attributes.last_analysis_stats.malicious = 'many') });
		const { items } = await enrich(fake, { providers: ['virustotal'], input: [{ value: SAMPLES.badSha256 }] });
		const result = providerResult(items[0], 'virustotal');
		expect(result).toMatchObject({ status: 'error', verdict: 'unknown', error: { code: 'malformed', http_status: 200 } });
		expect((result.error as { message: string }).message).toMatch(/data\.attributes\.last_analysis_stats\.malicious: expected a number, got text "many"/);
		expect(fake.requestsTo('virustotal')).toHaveLength(1);
		expect(enrichment(items[0])).toMatchObject({ verdict: 'unknown' });
	});

	test('AbuseIPDB: an answer without abuseConfidenceScore is an error naming the field', async () => {
		fake.setMode('abuseipdb', 'reshaped', { reshape: (body) => delete body.data.abuseConfidenceScore });
		const { items } = await enrich(fake, { providers: ['abuseipdb'], input: [{ value: SAMPLES.badIp }] });
		const result = providerResult(items[0], 'abuseipdb');
		expect(result).toMatchObject({ status: 'error', verdict: 'unknown', error: { code: 'malformed', http_status: 200 } });
		expect((result.error as { message: string }).message).toMatch(/data\.abuseConfidenceScore: expected a number, got nothing/);
		expect(enrichment(items[0])).toMatchObject({ verdict: 'unknown' });
	});

	test('ThreatFox: an "ok" answer whose matches are not a list is an error naming the field, not "not found"', async () => {
		fake.setMode('threatfox', 'reshaped', { reshape: (body) => (body.data = { '0': body.data[0] }) });
		const { items } = await enrich(fake, { providers: ['threatfox'], input: [{ value: SAMPLES.badIp }] });
		const result = providerResult(items[0], 'threatfox');
		expect(result).toMatchObject({ status: 'error', verdict: 'unknown', error: { code: 'malformed', http_status: 200 } });
		expect((result.error as { message: string }).message).toMatch(/POST \/.*: data: expected a list, got an object/);
		expect(enrichment(items[0])).toMatchObject({ verdict: 'unknown' });
	});

	// One wrong-shaped answer per provider: the error (or, for a follow-up, the evidence) names the
	// endpoint and the field, and the IoC's verdict stays unknown.
	const MISFITS: Array<{ provider: ProviderId; value: string; reshape: (body: any) => void; says: RegExp }> = [
		{ provider: 'greynoise', value: SAMPLES.badIp, reshape: (body) => (body.classification = 42), says: /GET \/v3\/community\/.*: classification: expected text, got number 42/ },
		{ provider: 'urlhaus', value: SAMPLES.badUrl, reshape: (body) => (body.tags = 'malware'), says: /POST \/url\/ .*: tags: expected a list, got text "malware"/ },
		{ provider: 'malwarebazaar', value: SAMPLES.badMd5, reshape: (body) => (body.data = []), says: /POST \/ .*: data: expected at least 1 entries, got a list of 0/ },
		{ provider: 'otx', value: SAMPLES.badDomain, reshape: (body) => (body.pulse_info.pulses = { 0: body.pulse_info.pulses[0] }), says: /GET \/api\/v1\/indicators\/.*: pulse_info\.pulses: expected a list, got an object/ },
		{ provider: 'urlscan', value: SAMPLES.badUrl, reshape: (body) => body.results && (body.results[0].page = 'https://x'), says: /GET \/api\/v1\/search\/.*: results\[0\]\.page: expected an object, got text "https:\/\/x"/ },
		{ provider: 'shodan', value: SAMPLES.badIp, reshape: (body) => (body.ports = '22,80'), says: /GET \/shodan\/host\/.*: ports: expected a list, got text "22,80"/ },
		{ provider: 'internetdb', value: SAMPLES.badIpv6, reshape: (body) => delete body.ports, says: /GET \/.*: ports: expected a list, got nothing/ },
		{ provider: 'triage', value: SAMPLES.badSha256, reshape: (body) => (body.data = body.data?.[0]), says: /GET \/search.*: data: expected a list, got an object/ },
		{ provider: 'safebrowsing', value: SAMPLES.badUrl, reshape: (body) => (body.matches = body.matches?.[0]), says: /POST \/threatMatches:find .*: matches: expected a list, got an object/ },
		{ provider: 'intelx', value: SAMPLES.badDomain, reshape: (body) => body.id !== undefined && (body.status = 'started'), says: /POST \/intelligent\/search .*: status: expected a number, got text "started"/ },
	];

	test.each(MISFITS)('$provider: a wrong-shaped answer is an error naming the endpoint and the field', async ({ provider, value, reshape, says }) => {
		fake.setMode(provider, 'reshaped', { reshape });
		const { items } = await enrich(fake, { providers: [provider], input: [{ value }] });
		const result = providerResult(items[0], provider);
		expect(result).toMatchObject({ status: 'error', verdict: 'unknown', error: { code: 'malformed', http_status: 200 } });
		expect((result.error as { message: string }).message).toMatch(says);
		expect(enrichment(items[0])).toMatchObject({ verdict: 'unknown' });
	});

	test('Triage: an overview whose score is text leaves the search hit, saying which field of which endpoint did not fit', async () => {
		fake.setMode('triage', 'reshaped', { reshape: (body) => body.analysis && (body.analysis.score = '10') });
		const { items } = await enrich(fake, { providers: ['triage'], input: [{ value: SAMPLES.badSha256 }] });
		const result = providerResult(items[0], 'triage');
		expect(result).toMatchObject({ status: 'ok', verdict: 'unknown' });
		expect(String((result.evidence as IDataObject).overview)).toMatch(/^not available: GET \/samples\/.*\/overview\.json: analysis\.score: expected a number, got text "10"/);
	});

	test('urlscan: a result whose verdicts are missing leaves the scan, saying which field of which endpoint did not fit', async () => {
		fake.setMode('urlscan', 'reshaped', { reshape: (body) => body.verdicts && delete body.verdicts.overall });
		const { items } = await enrich(fake, { providers: ['urlscan'], input: [{ value: SAMPLES.badUrl }] });
		const result = providerResult(items[0], 'urlscan');
		expect(result).toMatchObject({ status: 'ok', verdict: 'unknown' });
		expect(String((result.evidence as IDataObject).verdicts)).toMatch(/^not available: GET \/api\/v1\/result\/.*\/: verdicts\.overall: expected an object, got nothing/);
	});
});

describe('screenshotapi: the screenshot as binary data', () => {
	test('the image is the item\'s binary property "screenshotapi", with its mime type and the exact bytes served; the JSON has its URL and time, not the image', async () => {
		const before = Date.now();
		const result = await enrich(fake, {
			providers: ['screenshotapi'],
			input: [{ value: SAMPLES.badUrl }],
			providerOptions: { screenshotFileType: 'jpeg', screenshotFullPage: true, screenshotFresh: true },
		});
		expect(result.error).toBeUndefined();
		expect(fake.screenshots).toHaveLength(1);
		const [served] = fake.screenshots;
		expect(served).toMatchObject({ url: SAMPLES.badUrl, fileType: 'jpeg', fullPage: true, fresh: true });
		const item = result.outputs[0][0];
		const binary = item.binary?.screenshotapi;
		expect(binary).toMatchObject({ mimeType: 'image/jpeg', fileName: 'screenshot.jpg' });
		expect(Buffer.from(String(binary?.data), 'base64').equals(served.bytes)).toBe(true);
		const own = providerResult(item.json, 'screenshotapi');
		expect(own).toMatchObject({ status: 'ok', verdict: 'unknown' });
		const evidence = own.evidence as IDataObject;
		expect(evidence).toMatchObject({ captured_url: SAMPLES.badUrl, mime_type: 'image/jpeg', bytes: served.bytes.length, binary_property: 'screenshotapi' });
		expect(Date.parse(String(evidence.captured_at))).toBeGreaterThanOrEqual(before - 1000);
		// Not base64 in JSON, nor any other copy of the image.
		expect(JSON.stringify(item.json)).not.toContain(String(binary?.data).slice(0, 40));
		expect(own.binary).toBeUndefined();
	});

	test('defaults: PNG, not full page, the cached shot; the same URL in two items is one request, both items get the image', async () => {
		const result = await enrich(fake, { providers: ['screenshotapi'], input: [{ value: SAMPLES.badUrl }, { value: SAMPLES.badUrl }] });
		expect(fake.requestsTo('screenshotapi')).toHaveLength(1);
		expect(fake.screenshots[0]).toMatchObject({ fileType: 'png', fullPage: false, fresh: false });
		for (const item of result.outputs[0]) {
			expect(item.binary?.screenshotapi?.mimeType).toBe('image/png');
			expect(Buffer.from(String(item.binary?.screenshotapi?.data), 'base64').equals(fake.screenshots[0].bytes)).toBe(true);
		}
	});

	test('a page that could not be loaded, or an error: no binary property, never benign', async () => {
		const result = await enrich(fake, { providers: ['screenshotapi'], input: [{ value: SAMPLES.deadUrl }] });
		const item = result.outputs[0][0];
		expect(item.binary).toBeUndefined();
		expect(providerResult(item.json, 'screenshotapi')).toMatchObject({ status: 'not_found', verdict: 'unknown', evidence: { could_not_capture: expect.stringMatching(/ERR_NAME_NOT_RESOLVED/) } });
	});

	test('an image that carries the token is not output: an error, no binary data, the key nowhere', async () => {
		fake.screenshotLeaksToken = true;
		const result = await enrich(fake, { providers: ['screenshotapi'], input: [{ value: SAMPLES.badUrl }] });
		const item = result.outputs[0][0];
		expect(fake.screenshots).toHaveLength(1);
		expect(item.binary).toBeUndefined();
		expect(providerResult(item.json, 'screenshotapi')).toMatchObject({ status: 'error', verdict: 'unknown', error: { code: 'malformed', message: expect.stringMatching(/repeated a secret/) } });
		expect(leakedKeys(result.outputs)).toEqual([]);
	});

	test('not picked by default: a new node never sends URLs to it', async () => {
		const { properties } = await import('../../nodes/IocEnrich/description');
		const providers = properties.find((p) => p.name === 'providers');
		expect(providers?.default).not.toContain('screenshotapi');
	});
});

describe('webrisk: one URI a request', () => {
	test('a domain is checked as http://domain/, every threat type in the query, one request per IoC', async () => {
		const { items } = await enrich(fake, { providers: ['webrisk'], input: [{ value: SAMPLES.badDomain }, { value: SAMPLES.unknownUrl }] });
		expect(providerResult(items[0], 'webrisk')).toMatchObject({ status: 'ok', verdict: 'malicious', evidence: { checked_as: `http://${SAMPLES.badDomain}/`, expire_time: '2026-01-01T00:05:00Z' } });
		expect(providerResult(items[1], 'webrisk')).toMatchObject({ status: 'not_found', verdict: 'unknown' });
		const requests = fake.requestsTo('webrisk');
		expect(requests).toHaveLength(2);
		for (const r of requests) {
			const query = new URLSearchParams(r.url.split('?')[1]);
			expect(query.getAll('threatTypes')).toEqual(['MALWARE', 'SOCIAL_ENGINEERING', 'UNWANTED_SOFTWARE']);
			expect(r.method).toBe('GET');
		}
	});
});
