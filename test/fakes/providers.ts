/**
 * A fake of every threat-intel provider IoC Enrich talks to, on 127.0.0.1 (node:http only).
 *
 * Each provider lives under a path prefix and answers the way the real API does, with the source
 * named beside each handler: found, not found as 404 (VirusTotal, GreyNoise, Shodan, InternetDB)
 * or as HTTP 200 with a status field (AbuseIPDB, ThreatFox, URLhaus, MalwareBazaar, OTX,
 * urlscan), the provider's own answer to a wrong key (401, OTX's 403, abuse.ch's three variants)
 * and the provider's own 429.
 * Faults are set per provider: rate_limit_once, quota, quota_once, server_error_once, slow, hang,
 * malformed, echo (a 400 that repeats the request, keys included, to prove the node scrubs them).
 * It can enforce a request rate per provider (the provider's 429 when exceeded) and records every
 * request so tests can check what left n8n (keys, values).
 *
 * Known differences: the bodies are trimmed to the fields IoC Enrich reads plus a few more; the
 * wording of OTX's 403 body and of urlscan's 403 on results is not documented (the statuses are).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type ProviderId =
	| 'virustotal'
	| 'abuseipdb'
	| 'greynoise'
	| 'threatfox'
	| 'urlhaus'
	| 'malwarebazaar'
	| 'otx'
	| 'urlscan'
	| 'shodan'
	| 'internetdb'
	| 'triage'
	| 'safebrowsing'
	| 'intelx'
	| 'screenshotapi'
	| 'webrisk';

export const PROVIDER_IDS: ProviderId[] = [
	'virustotal',
	'abuseipdb',
	'greynoise',
	'threatfox',
	'urlhaus',
	'malwarebazaar',
	'otx',
	'urlscan',
	'shodan',
	'internetdb',
	'triage',
	'safebrowsing',
	'intelx',
	'screenshotapi',
	'webrisk',
];

export type Mode =
	| 'normal'
	| 'rate_limit_once'
	| 'quota'
	/** VirusTotal: one QuotaExceededError (its per-minute quota), then normal answers. */
	| 'quota_once'
	| 'server_error_once'
	| 'slow'
	| 'hang'
	| 'malformed'
	/** A proxy or SSO login page answering in the API's place: HTTP 200, HTML. */
	| 'html'
	/** A careless server: 400 whose body repeats the request line and headers (keys included). */
	| 'echo'
	/** The normal answer with one field changed by `reshape` (a new API version, a hostile server). */
	| 'reshaped';

/** Test keys: distinctive strings, so a leak is easy to find in any output. */
export const KEYS = {
	virustotal: 'vtKEY-0f3a9c51d2e84b7a',
	abuseipdb: 'abKEY-7d2c41e09b5f3a68',
	greynoise: 'gnKEY-3b8e6f1c0a9d2e47',
	abusech: 'acKEY-9a1f5e3d7c2b0846',
	otx: 'otxKEY-5c0d8b2e4f6a1937',
	urlscan: 'usKEY-2e7f9a4c6b1d3058',
	shodan: 'shKEY-8b4d2f6e0c9a1735',
	triage: 'trKEY-6a3e0d9c2f7b1845',
	safebrowsing: 'gsbKEY-AIzaSyC4e1d7f2b9',
	intelx: 'ixKEY-0b1c2d3e-4f5a-6789',
	screenshotapi: 'ssKEY-7QW3K9D-ZB41XRT',
	webrisk: 'wrKEY-AIzaSyD8c2e6a0f3',
} as const;

/** Values the fake knows. Everything else is unknown to every provider. */
export const SAMPLES = {
	badIp: '45.155.205.233',
	badIpv6: '2a03:b0c0:3:d0::1af1:1',
	benignIp: '8.8.8.8',
	unknownIp: '81.2.69.142',
	badDomain: 'bad-actor.top',
	unknownDomain: 'quiet-bakery.net',
	badUrl: 'http://bad-actor.top/payload.exe',
	unknownUrl: 'https://quiet-bakery.net/menu',
	badMd5: '44d88612fea8a8f36de82e1278abb02f',
	badSha1: '3395856ce81f2b7382dee72602f798b642f14140',
	badSha256: '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f',
	unknownSha256: 'a'.repeat(64),
	/** AbuseIPDB whitelists it (score 0), ThreatFox lists it as a botnet C2. */
	whitelistedC2Ip: '13.107.4.52',
	/** In GreyNoise RIOT (a CDN range), and 10 VirusTotal engines flag it. */
	riotC2Ip: '104.16.132.229',
	/** A compromised legitimate site: URLhaus hosts, Spamhaus DBL `abused_legit_malware` only. */
	abusedDomain: 'old-bakery-shop.com',
	/** A URLhaus URL that is offline, on that compromised site. */
	offlineUrl: 'http://old-bakery-shop.com/wp-content/inv.zip',
	/** A subdomain that OTX knows as a hostname (pulses), not as a domain. */
	badHostname: 'cdn.bad-actor.top',
	/** A domain the phishing page on bad-actor.top loaded (urlscan `domain:` matches it, `page.domain:` does not). */
	touchedDomain: 'static-fonts.net',
	/** A URL whose host does not resolve: ScreenshotAPI cannot load it. */
	deadUrl: 'https://gone-nowhere-7731.com/login',
};

const BAD = new Set<string>([
	SAMPLES.badIp,
	SAMPLES.badIpv6,
	SAMPLES.badDomain,
	SAMPLES.badUrl,
	SAMPLES.badMd5,
	SAMPLES.badSha1,
	SAMPLES.badSha256,
]);

const PREFIX: Record<ProviderId, string> = {
	virustotal: '/virustotal/api/v3',
	abuseipdb: '/abuseipdb/api/v2',
	greynoise: '/greynoise',
	threatfox: '/threatfox/api/v1',
	urlhaus: '/urlhaus/v1',
	malwarebazaar: '/malwarebazaar/api/v1',
	otx: '/otx',
	urlscan: '/urlscan',
	shodan: '/shodan',
	internetdb: '/internetdb',
	triage: '/triage/api/v0',
	safebrowsing: '/safebrowsing/v4',
	intelx: '/intelx',
	screenshotapi: '/screenshotapi/v3',
	webrisk: '/webrisk/v1',
};

export interface RecordedRequest {
	provider: ProviderId;
	method: string;
	/** Path after the provider prefix, with the query string. */
	url: string;
	headers: Record<string, string | string[] | undefined>;
	body: string;
	at: number;
	/** The IoC value the request asked about, as the fake understood it. */
	value?: string;
	status?: number;
}

interface Fault {
	mode: Mode;
	delayMs: number;
	retryAfterSec: number;
	reshape?: (body: any) => void;
}

interface Window {
	max: number;
	windowMs: number;
	starts: number[];
}

type Answer = { status: number; body?: unknown; text?: string; raw?: Buffer; headers?: Record<string, string> };

export type AbuseChProvider = 'threatfox' | 'urlhaus' | 'malwarebazaar';

/**
 * How abuse.ch refuses an Auth-Key; all three are seen from its APIs in public clients:
 * HTTP 401 `{"error":"Unauthorized"}`, HTTP 403 `{"query_status":"unknown_auth_key"}`, and HTTP 200
 * `{"query_status":"unknown_auth_key"}` (the URLhaus API documents `unknown_auth_key` as a
 * query_status, urlhaus-api.abuse.ch).
 */
export type AbuseChAuthAnswer = '401' | '403' | '200';

const DEFAULT_ABUSECH_AUTH: Record<AbuseChProvider, AbuseChAuthAnswer> = { threatfox: '401', urlhaus: '403', malwarebazaar: '200' };

export class FakeProviders {
	server: Server | undefined;

	port = 0;

	readonly requests: RecordedRequest[] = [];

	/** 429s served because an enforced rate was exceeded (not fault-injected ones). */
	readonly overLimit: Record<string, number> = {};

	private readonly faults = new Map<ProviderId, Fault>();

	private readonly windows = new Map<ProviderId, Window>();

	private readonly sockets = new Set<Socket>();

	/** How each abuse.ch service refuses a wrong key. */
	readonly abuseChAuth: Record<AbuseChProvider, AbuseChAuthAnswer> = { ...DEFAULT_ABUSECH_AUTH };

	/** Whether the urlscan key's plan may read `/api/v1/result/{uuid}/` (403 when not). */
	urlscanResults = true;

	/** Whether Triage shares its samples' overview reports (404 when not, as for a sample of another tenant). */
	triageOverviews = true;

	/** Every image ScreenshotAPI served, in order: what was asked and the exact bytes sent. */
	readonly screenshots: Array<{ url: string; fileType: string; fullPage: boolean; fresh: boolean; mimeType: string; bytes: Buffer }> = [];

	/** A hostile ScreenshotAPI: its images carry the request's token (a file cannot be scrubbed like text). */
	screenshotLeaksToken = false;

	/** Intelligence X searches by ID: the term and how many times its results were asked for. */
	readonly intelxSearches = new Map<string, { term: string; polls: number }>();

	async start(): Promise<this> {
		this.server = createServer((req, res) => {
			this.handle(req, res).catch((error: Error) => {
				res.statusCode = 500;
				res.end(String(error?.message ?? error));
			});
		});
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
		this.port = (this.server.address() as AddressInfo).port;
		return this;
	}

	async stop(): Promise<void> {
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
	}

	/** Back to normal answers, no enforced limits, empty records. */
	reset(): void {
		this.faults.clear();
		this.windows.clear();
		this.requests.length = 0;
		for (const key of Object.keys(this.overLimit)) delete this.overLimit[key];
		Object.assign(this.abuseChAuth, DEFAULT_ABUSECH_AUTH);
		this.urlscanResults = true;
		this.triageOverviews = true;
		this.intelxSearches.clear();
		this.screenshots.length = 0;
		this.screenshotLeaksToken = false;
		for (const socket of this.sockets) socket.destroy();
	}

	/** `reshape` (mode `reshaped`) edits the normal JSON answer in place before it is sent. */
	setMode(provider: ProviderId, mode: Mode, options: { delayMs?: number; retryAfterSec?: number; reshape?: (body: any) => void } = {}): void {
		this.faults.set(provider, { mode, delayMs: options.delayMs ?? 500, retryAfterSec: options.retryAfterSec ?? 1, reshape: options.reshape });
	}

	/** Answers the provider's 429 to any request beyond `max` starts within `windowMs` (VirusTotal's is QuotaExceededError, the others' carry Retry-After: 1). */
	enforce(provider: ProviderId, max: number, windowMs = 1000): void {
		this.windows.set(provider, { max, windowMs, starts: [] });
	}

	baseUrl(provider: ProviderId): string {
		return `http://127.0.0.1:${this.port}${PREFIX[provider]}`;
	}

	/** Credentials for every provider, pointing at this fake; `overrides` replaces keys. */
	credentials(overrides: Partial<Record<keyof typeof KEYS, string>> = {}): Record<string, Record<string, string>> {
		const key = (name: keyof typeof KEYS) => overrides[name] ?? KEYS[name];
		return {
			iocEnrichVirusTotalApi: { apiKey: key('virustotal'), baseUrl: this.baseUrl('virustotal') },
			iocEnrichAbuseIpdbApi: { apiKey: key('abuseipdb'), baseUrl: this.baseUrl('abuseipdb') },
			iocEnrichGreyNoiseApi: { apiKey: key('greynoise'), baseUrl: this.baseUrl('greynoise') },
			iocEnrichAbuseChApi: {
				apiKey: key('abusech'),
				threatFoxUrl: this.baseUrl('threatfox'),
				urlhausUrl: this.baseUrl('urlhaus'),
				malwareBazaarUrl: this.baseUrl('malwarebazaar'),
			},
			iocEnrichOtxApi: { apiKey: key('otx'), baseUrl: this.baseUrl('otx') },
			iocEnrichUrlscanApi: { apiKey: key('urlscan'), baseUrl: this.baseUrl('urlscan') },
			iocEnrichShodanApi: { apiKey: key('shodan'), baseUrl: this.baseUrl('shodan') },
			iocEnrichTriageApi: { apiKey: key('triage'), baseUrl: this.baseUrl('triage') },
			iocEnrichSafeBrowsingApi: { apiKey: key('safebrowsing'), baseUrl: this.baseUrl('safebrowsing') },
			iocEnrichIntelxApi: { apiKey: key('intelx'), baseUrl: this.baseUrl('intelx') },
			iocEnrichScreenshotApi: { apiKey: key('screenshotapi'), baseUrl: this.baseUrl('screenshotapi') },
			iocEnrichWebRiskApi: { apiKey: key('webrisk'), baseUrl: this.baseUrl('webrisk') },
		};
	}

	requestsTo(provider: ProviderId): RecordedRequest[] {
		return this.requests.filter((r) => r.provider === provider);
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const provider = (Object.keys(PREFIX) as ProviderId[]).find(
			(id) => url.pathname === PREFIX[id] || url.pathname.startsWith(`${PREFIX[id]}/`),
		);
		const body = await readBody(req);
		if (!provider) return send(res, { status: 404, text: '<html>no such path</html>', headers: { 'Content-Type': 'text/html' } });
		const rest = url.pathname.slice(PREFIX[provider].length) || '/';
		const record: RecordedRequest = {
			provider,
			method: req.method ?? 'GET',
			url: rest + url.search,
			headers: req.headers,
			body,
			at: Date.now(),
		};
		this.requests.push(record);

		const answer = await this.answer(provider, req, url, rest, body, record);
		if (answer === undefined) return; // hang
		record.status = answer.status;
		send(res, answer);
	}

	private async answer(
		provider: ProviderId,
		req: IncomingMessage,
		url: URL,
		rest: string,
		body: string,
		record: RecordedRequest,
	): Promise<Answer | undefined> {
		if (!this.authorised(provider, req, url)) return this.unauthorised(provider);

		const window = this.windows.get(provider);
		if (window) {
			const now = Date.now();
			window.starts = window.starts.filter((t) => t > now - window.windowMs);
			if (window.starts.length >= window.max) {
				this.overLimit[provider] = (this.overLimit[provider] ?? 0) + 1;
				return provider === 'virustotal' ? quotaExceeded(provider) : tooMany(provider, 1);
			}
			window.starts.push(now);
		}

		const fault = this.faults.get(provider);
		if (fault) {
			switch (fault.mode) {
				case 'hang':
					return undefined;
				case 'slow':
					await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
					break;
				case 'rate_limit_once':
					this.faults.delete(provider);
					return tooMany(provider, fault.retryAfterSec);
				case 'server_error_once':
					this.faults.delete(provider);
					return { status: 502, text: '<html><body>502 Bad Gateway</body></html>', headers: { 'Content-Type': 'text/html' } };
				case 'quota':
					return quotaExceeded(provider);
				case 'quota_once':
					this.faults.delete(provider);
					return quotaExceeded(provider);
				case 'echo':
					return json({ error: `Bad request: ${req.method} ${req.url} ${JSON.stringify(req.headers)}` }, 400);
				case 'html':
					return { status: 200, text: '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action="/login"></form></body></html>', headers: { 'Content-Type': 'text/html; charset=utf-8' } };
				case 'malformed':
					return { status: 200, text: '{"data": {"attributes": {"last_analysis_st', headers: { 'Content-Type': 'application/json' } };
				default:
					break;
			}
		}
		if (provider === 'urlscan' && /^\/api\/v1\/result\//.test(rest) && !this.urlscanResults) {
			// A plan without result access: urlscan answers 403 (docs: elastic.co urlscan-io-action-type).
			return json({ message: 'You are not allowed to access this resource with your plan', status: 403 }, 403);
		}
		if (provider === 'triage' && /\/overview\.json$/.test(rest) && !this.triageOverviews) {
			return json({ error: 'NOT_FOUND', message: 'sample not found' }, 404);
		}
		if (provider === 'screenshotapi') return this.screenshot(req.method ?? 'GET', rest, url.searchParams, record);
		const answer =
			provider === 'intelx'
				? this.intelx(req.method ?? 'GET', rest, url.searchParams, body, record)
				: ROUTES[provider](req.method ?? 'GET', rest, url.searchParams, body, record);
		if (fault?.mode === 'reshaped' && fault.reshape && answer.body !== undefined) {
			const copy = JSON.parse(JSON.stringify(answer.body)) as unknown;
			fault.reshape(copy);
			return { ...answer, body: copy };
		}
		return answer;
	}

	/**
	 * Intelligence X (IntelligenceX/SDK "Intelligence X API.pdf", intelxapi.py): POST
	 * /intelligent/search → `{id, status: 0}`; GET /intelligent/search/result?id= → `{records,
	 * status}` with 0 = results (ask again), 1 = no more results, 2 = unknown ID, 3 = not ready yet.
	 * A known value: not ready, then 2 records, then done. Anything else: done at once, no records.
	 */
	private intelx(method: string, rest: string, query: URLSearchParams, body: string, record: RecordedRequest): Answer {
		if (method === 'POST' && rest === '/intelligent/search') {
			const term = String((JSON.parse(body || '{}') as { term?: unknown }).term ?? '');
			record.value = term;
			if (!term) return json({ id: '', status: 1 });
			const id = `${(this.intelxSearches.size + 1).toString(16).padStart(8, '0')}-1111-4222-8333-444455556666`;
			this.intelxSearches.set(id, { term, polls: 0 });
			return json({ id, softselectorwarning: false, status: 0 });
		}
		if (method === 'GET' && rest === '/intelligent/search/result') {
			const search = this.intelxSearches.get(query.get('id') ?? '');
			// The value was recorded with the search; a poll asks nothing new.
			if (!search) return json({ records: [], status: 2 });
			search.polls++;
			if (!BAD.has(search.term) && search.term !== SAMPLES.badHostname) return json({ records: [], status: 1 });
			if (search.polls === 1) return json({ records: [], status: 3 });
			if (search.polls === 2) {
				const hit = (bucket: string, days: number) => ({ systemid: `sys-${bucket}`, storageid: `st-${bucket}`, name: `${bucket} mention of ${search.term}`, bucket, media: 1, added: iso(days), size: 2048 });
				return json({ records: [hit('pastes', 3), hit('darknet.tor', 1)], status: 0 });
			}
			return json({ records: [], status: 1 });
		}
		return { status: 404, text: 'Not Found', headers: { 'Content-Type': 'text/plain' } };
	}

	/**
	 * ScreenshotAPI (screenshotapi.net/docs/renderScreenshot, /docs/errors): GET /screenshot?url=
	 * &output=image&file_type=png|jpeg|webp&full_page=&fresh= answers the image itself. 400
	 * `url_required`, `invalid_file_type`, and the browser's navigation error (ERR_NAME_NOT_RESOLVED)
	 * for a host that does not resolve. The image: a PNG/JPEG/WebP signature and bytes that depend on
	 * the URL and options, so a test can check what arrived byte for byte.
	 */
	private screenshot(method: string, rest: string, query: URLSearchParams, record: RecordedRequest): Answer {
		if (method !== 'GET' || rest !== '/screenshot') return json({ error: 'not_found', message: 'Not Found' }, 404);
		const url = query.get('url') ?? '';
		record.value = url;
		if (!url) return json({ error: 'url_required', message: 'A URL is required for taking screenshot. Please provide a valid URL.' }, 400);
		const fileType = (query.get('file_type') ?? 'png').toLowerCase();
		const kinds: Record<string, { mimeType: string; magic: number[] }> = {
			png: { mimeType: 'image/png', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
			jpeg: { mimeType: 'image/jpeg', magic: [0xff, 0xd8, 0xff, 0xe0] },
			webp: { mimeType: 'image/webp', magic: [0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50] },
		};
		const kind = kinds[fileType];
		if (!kind) return json({ error: 'invalid_file_type', message: 'The file type must be PNG, JPEG, WEBP, or PDF.' }, 400);
		if (url === SAMPLES.deadUrl) return json({ error: 'ERR_NAME_NOT_RESOLVED', message: `net::ERR_NAME_NOT_RESOLVED at ${url}` }, 400);
		const fullPage = query.get('full_page') === 'true';
		const fresh = query.get('fresh') === 'true';
		// Every byte value appears, so an encoding slip anywhere (utf8, latin1) shows.
		const tail = Buffer.from(Array.from({ length: 512 }, (_v, i) => (i * 7 + url.length + (fullPage ? 1 : 0)) % 256));
		const leak = this.screenshotLeaksToken ? `|${query.get('token')}` : '';
		const bytes = Buffer.concat([Buffer.from(kind.magic), Buffer.from(`${url}|${fileType}|${fullPage}|${fresh}${leak}`), tail]);
		this.screenshots.push({ url, fileType, fullPage, fresh, mimeType: kind.mimeType, bytes });
		return { status: 200, raw: bytes, headers: { 'Content-Type': kind.mimeType } };
	}

	private unauthorised(provider: ProviderId): Answer {
		if (provider === 'threatfox' || provider === 'urlhaus' || provider === 'malwarebazaar') {
			switch (this.abuseChAuth[provider]) {
				case '401':
					return json({ error: 'Unauthorized' }, 401);
				case '403':
					return json({ query_status: 'unknown_auth_key' }, 403);
				default:
					return json({ query_status: 'unknown_auth_key' });
			}
		}
		return unauthorised(provider);
	}

	private authorised(provider: ProviderId, req: IncomingMessage, url: URL): boolean {
		const h = req.headers;
		switch (provider) {
			case 'virustotal':
				return h['x-apikey'] === KEYS.virustotal;
			case 'abuseipdb':
				return h.key === KEYS.abuseipdb;
			case 'greynoise':
				return h.key === KEYS.greynoise;
			case 'threatfox':
			case 'urlhaus':
			case 'malwarebazaar':
				return h['auth-key'] === KEYS.abusech;
			case 'otx':
				return h['x-otx-api-key'] === KEYS.otx;
			case 'urlscan':
				return h['api-key'] === KEYS.urlscan;
			case 'shodan':
				return url.searchParams.get('key') === KEYS.shodan;
			case 'triage':
				return h.authorization === `Bearer ${KEYS.triage}`;
			case 'safebrowsing':
				return url.searchParams.get('key') === KEYS.safebrowsing;
			case 'intelx':
				return h['x-key'] === KEYS.intelx;
			case 'screenshotapi':
				return url.searchParams.get('token') === KEYS.screenshotapi;
			case 'webrisk':
				return url.searchParams.get('key') === KEYS.webrisk;
			default:
				return true;
		}
	}
}

async function readBody(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, answer: Answer): void {
	res.statusCode = answer.status;
	const headers = { 'Content-Type': 'application/json', ...(answer.headers ?? {}) };
	for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
	res.end(answer.raw ?? answer.text ?? (answer.body === undefined ? '' : JSON.stringify(answer.body)));
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Answer => ({ status, body, headers });

function unauthorised(provider: ProviderId): Answer {
	switch (provider) {
		case 'virustotal':
			return json({ error: { code: 'WrongCredentialsError', message: 'Wrong API key' } }, 401);
		case 'abuseipdb':
			return json(
				{ errors: [{ detail: 'Authentication failed. Your API key is either missing, incorrect, or revoked.', status: 401 }] },
				401,
			);
		case 'greynoise':
			return json({ message: 'Unauthorized' }, 401);
		case 'otx':
			// OTX refuses a key with 403: OTX-Python-SDK OTXv2.py `handle_response_errors` raises
			// InvalidAPIKey on 403 (the body's wording is not documented).
			return json({ detail: 'Invalid API key' }, 403);
		case 'urlscan':
			return json({ message: 'API key supplied but not found in database!', status: 401 }, 401);
		case 'shodan':
			return json({ error: 'Please provide a valid API key.' }, 401);
		case 'intelx':
			// IntelligenceX/SDK intelxapi.py: 401 Unauthorized for a wrong key (no JSON body).
			return { status: 401, text: 'Unauthorized', headers: { 'Content-Type': 'text/plain' } };
		case 'safebrowsing':
			// Google's standard error body (cloud.google.com/apis/design/errors): a wrong key is a 400.
			return json({ error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT', details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }] } }, 400);
		case 'triage':
			// hatching/triage go/client.go decodeAPIError: `{"error": KIND, "message": …}`.
			return json({ error: 'UNAUTHORIZED', message: 'invalid or missing token' }, 401);
		case 'screenshotapi':
			// Not in ScreenshotAPI's errors page: a 401 in the shape of its documented errors.
			return json({ error: 'unauthorized', message: 'Invalid API token' }, 401);
		case 'webrisk':
			return json({ error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT', details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }] } }, 400);
		default:
			return json({}, 401);
	}
}

/** `rate_limit_once`: the provider's short-window 429; providers that only have a daily allowance answer that. */
function tooMany(provider: ProviderId, retryAfterSec: number): Answer {
	const retry = { 'Retry-After': String(retryAfterSec) };
	switch (provider) {
		case 'virustotal':
			// docs.virustotal.com/reference/errors: 429 TooManyRequestsError "Too many requests".
			return json({ error: { code: 'TooManyRequestsError', message: 'Too many requests' } }, 429, retry);
		case 'abuseipdb':
		case 'greynoise':
			// Both document a daily (or weekly) allowance only, no short-burst 429.
			return quotaExceeded(provider);
		case 'urlscan':
			return json(
				{ message: 'Rate limit for search exceeded', status: 429 },
				429,
				{ ...retry, 'X-Rate-Limit-Window': 'minute', 'X-Rate-Limit-Action': 'search', 'X-Rate-Limit-Reset-After': String(retryAfterSec) },
			);
		case 'shodan':
			return json({ error: 'Request rate limit reached (1/second). Please wait a second and try again.' }, 429, retry);
		case 'safebrowsing':
			// Google's per-minute quota, RESOURCE_EXHAUSTED, without a Retry-After header.
			return json({ error: { code: 429, message: "Quota exceeded for quota metric 'Lookup API requests' and limit 'Lookup API requests per minute' of service 'safebrowsing.googleapis.com'.", status: 'RESOURCE_EXHAUSTED' } }, 429);
		case 'webrisk':
			return json({ error: { code: 429, message: "Quota exceeded for quota metric 'Lookup API requests' and limit 'Lookup API requests per minute' of service 'webrisk.googleapis.com'.", status: 'RESOURCE_EXHAUSTED' } }, 429);
		case 'screenshotapi':
			return json({ error: 'too_many_requests', message: 'Too many requests, slow down' }, 429, retry);
		default:
			return json({ message: 'Too many requests' }, 429, retry);
	}
}

/** A used-up allowance, in each provider's words. */
function quotaExceeded(provider: ProviderId): Answer {
	switch (provider) {
		case 'virustotal':
			// docs.virustotal.com/reference/errors: 429 QuotaExceededError, "You have exceeded one of
			// your quotas (minute, daily or monthly)"; the public key's 4 a minute is one of them.
			return json({ error: { code: 'QuotaExceededError', message: 'Quota exceeded' } }, 429);
		case 'abuseipdb':
			// docs.abuseipdb.com "Daily Rate Limits": 429 with X-RateLimit-Remaining: 0 and Retry-After.
			return json(
				{ errors: [{ detail: 'Daily rate limit of 1000 requests exceeded for this endpoint. See headers for additional details.', status: 429 }] },
				429,
				{ 'Retry-After': '29000', 'X-RateLimit-Limit': '1000', 'X-RateLimit-Remaining': '0' },
			);
		case 'greynoise':
			// The Community API's 429 (docs.greynoise.io "Using the GreyNoise Community API"; the same
			// body in public client tests): plan, `rate-limit` with a hyphen, message.
			return json(
				{
					plan: 'unauthenticated',
					'rate-limit': '100-lookups/day',
					plan_url: 'https://greynoise.io/pricing',
					message: 'You have hit your daily rate limit of 100 requests per day. Please create a free account or upgrade your plan at https://greynoise.io/pricing.',
				},
				429,
			);
		case 'urlscan':
			return json({ message: 'Rate limit for search exceeded', status: 429 }, 429, {
				'Retry-After': '40000',
				'X-Rate-Limit-Window': 'day',
				'X-Rate-Limit-Action': 'search',
			});
		case 'intelx':
			// IntelligenceX/SDK "Intelligence X API.pdf": 402 Payment Required, no credits left.
			return { status: 402, text: 'Payment Required', headers: { 'Content-Type': 'text/plain' } };
		case 'safebrowsing':
			return json({ error: { code: 429, message: "Quota exceeded for quota metric 'Lookup API requests' and limit 'Lookup API requests per day' of service 'safebrowsing.googleapis.com'.", status: 'RESOURCE_EXHAUSTED' } }, 429);
		case 'webrisk':
			return json({ error: { code: 429, message: "Quota exceeded for quota metric 'Lookup API requests' and limit 'Lookup API requests per day' of service 'webrisk.googleapis.com'.", status: 'RESOURCE_EXHAUSTED' } }, 429);
		case 'screenshotapi':
			return json({ error: 'limit_reached', message: 'You have used all screenshots of your plan this month' }, 429);
		default:
			return json({ message: 'Quota exceeded' }, 429, { 'Retry-After': '86400' });
	}
}

type Route = (method: string, rest: string, query: URLSearchParams, body: string, record: RecordedRequest) => Answer;

const iso = (days: number) => new Date(Date.UTC(2026, 0, 1) - days * 86_400_000).toISOString();
const abuseDate = (days: number) => iso(days).replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
/** Shodan's form: "2025-12-31T00:00:00.000000", UTC without an offset. */
const shodanDate = (days: number) => iso(days).replace(/Z$/, '000');
/** A UTC time without an offset: "2025-12-22 00:00:00". */
const naiveDate = (days: number) => iso(days).replace('T', ' ').replace(/\.\d+Z$/, '');

function vtStats(malicious: number, suspicious = 0) {
	return { malicious, suspicious, harmless: 62 - malicious, undetected: 28, timeout: 0 };
}

// VirusTotal v3 (docs.virustotal.com/reference/ip-info, domain-info, url-info, file-info): 200 with
// data.attributes, 404 NotFoundError for an unknown resource.
const virustotal: Route = (method, rest, _query, _body, record) => {
	const match = /^\/(ip_addresses|domains|urls|files)\/([^/]+)$/.exec(rest);
	if (method !== 'GET' || !match) return json({ error: { code: 'NotFoundError', message: 'Resource not found' } }, 404);
	const [, kind, rawId] = match;
	let id = decodeURIComponent(rawId);
	if (kind === 'urls') id = Buffer.from(id, 'base64url').toString('utf8');
	record.value = id;
	const type = { ip_addresses: 'ip_address', domains: 'domain', urls: 'url', files: 'file' }[kind];
	if (id === SAMPLES.benignIp) {
		return json({ data: { id, type, attributes: { last_analysis_stats: vtStats(0), reputation: 540, last_analysis_date: 1767139200 } } });
	}
	if (id === SAMPLES.riotC2Ip) {
		return json({ data: { id, type, attributes: { last_analysis_stats: vtStats(10), reputation: -5, last_analysis_date: 1767139200 } } });
	}
	if (!BAD.has(id)) {
		return json({ error: { code: 'NotFoundError', message: `${type} "${rawId}" not found` } }, 404);
	}
	const attributes: Record<string, unknown> = {
		last_analysis_stats: vtStats(14, 2),
		reputation: -27,
		last_analysis_date: 1767139200,
		first_submission_date: 1764547200,
		tags: ['malware'],
	};
	if (kind === 'files') {
		attributes.popular_threat_classification = {
			suggested_threat_label: 'trojan.cobaltstrike/beacon',
			popular_threat_category: [{ value: 'trojan', count: 20 }],
			popular_threat_name: [{ value: 'cobaltstrike', count: 12 }],
		};
	}
	if (kind === 'domains' || kind === 'urls') attributes.categories = { Forcepoint: 'malicious web sites', Webroot: 'Malware Sites' };
	return json({ data: { id: kind === 'urls' ? 'f1e2d3c4b5a6978812345678901234567890abcdefabcdefabcdefabcdef1234' : id, type, attributes } });
};

// AbuseIPDB v2 check (docs.abuseipdb.com "CHECK Endpoint"): always 200; `isWhitelisted` may be
// true with reports and may be null, and whitelisting says nothing about the score.
const abuseipdb: Route = (method, rest, query, _body, record) => {
	if (method !== 'GET' || rest !== '/check') return json({ errors: [{ detail: 'Not found', status: 404 }] }, 404);
	const ip = query.get('ipAddress') ?? '';
	record.value = ip;
	if (!/^[0-9a-f:.]+$/i.test(ip)) {
		return json({ errors: [{ detail: 'The ip address must be a valid IPv4 or IPv6 address (e.g. 8.8.8.8 or 2001:4860:4860::8888).', source: { parameter: 'ipAddress' }, status: 422 }] }, 422);
	}
	const base = { ipAddress: ip, isPublic: true, ipVersion: ip.includes(':') ? 6 : 4, countryCode: 'NL', hostnames: [], isTor: false };
	if (ip === SAMPLES.benignIp) {
		return json({ data: { ...base, isWhitelisted: true, abuseConfidenceScore: 0, usageType: 'Content Delivery Network', isp: 'Google LLC', domain: 'google.com', totalReports: 31, numDistinctUsers: 12, lastReportedAt: iso(3) } });
	}
	if (ip === SAMPLES.whitelistedC2Ip) {
		return json({ data: { ...base, isWhitelisted: true, abuseConfidenceScore: 0, usageType: 'Data Center/Web Hosting/Transit', isp: 'Microsoft Corporation', domain: 'microsoft.com', totalReports: 2, numDistinctUsers: 2, lastReportedAt: iso(40) } });
	}
	if (BAD.has(ip)) {
		return json({ data: { ...base, isWhitelisted: false, abuseConfidenceScore: 100, usageType: 'Data Center/Web Hosting/Transit', isp: 'Bad Hosting Ltd', domain: 'bad-hosting.example', totalReports: 523, numDistinctUsers: 131, lastReportedAt: iso(1) } });
	}
	return json({ data: { ...base, isWhitelisted: null, abuseConfidenceScore: 0, usageType: 'Fixed Line ISP', isp: 'Some ISP', domain: 'isp.example', totalReports: 0, numDistinctUsers: 0, lastReportedAt: null } });
};

// GreyNoise Community v3 (docs.greynoise.io "Using the GreyNoise Community API"): RIOT answers carry
// `riot: true, classification: "benign"` and no trust level; 404 when neither noise nor RIOT.
const greynoise: Route = (method, rest, _query, _body, record) => {
	const match = /^\/v3\/community\/([^/]+)$/.exec(rest);
	if (method !== 'GET' || !match) return json({ message: 'Not found' }, 404);
	const ip = decodeURIComponent(match[1]);
	record.value = ip;
	if (ip === SAMPLES.benignIp) {
		return json({ ip, noise: false, riot: true, classification: 'benign', name: 'Google Public DNS', link: `https://viz.greynoise.io/ip/${ip}`, last_seen: '2025-12-30', message: 'Success' });
	}
	if (ip === SAMPLES.riotC2Ip) {
		return json({ ip, noise: false, riot: true, classification: 'benign', name: 'Cloudflare', link: `https://viz.greynoise.io/riot/${ip}`, last_seen: '2025-12-31', message: 'Success' });
	}
	if (BAD.has(ip)) {
		return json({ ip, noise: true, riot: false, classification: 'malicious', name: 'unknown', link: `https://viz.greynoise.io/ip/${ip}`, last_seen: '2025-12-31', message: 'Success' });
	}
	return json({ ip, noise: false, riot: false, message: 'IP not observed scanning the internet or contained in RIOT data set.' }, 404);
};

// ThreatFox search_ioc (threatfox.abuse.ch/api, abusech/ThreatFox threatfox_search_ioc.py): 200 with
// query_status ok / no_result; IPs listed as ip:port.
const threatfox: Route = (method, _rest, _query, body, record) => {
	if (method !== 'POST') return json({ query_status: 'illegal_query' });
	let request: Record<string, unknown> = {};
	try {
		request = JSON.parse(body) as Record<string, unknown>;
	} catch {
		return json({ query_status: 'illegal_query' });
	}
	if (request.query === 'types') return json({ query_status: 'ok', data: { '1': { ioc_type: 'ip:port', fk_threat_type: 'botnet_cc' } } });
	if (request.query !== 'search_ioc') return json({ query_status: 'unknown_query' });
	const term = String(request.search_term ?? '');
	record.value = term;
	if ((!BAD.has(term) && term !== SAMPLES.whitelistedC2Ip) || term === SAMPLES.badIpv6 || term === SAMPLES.badSha1) {
		return json({ query_status: 'no_result', data: 'Your search did not yield any results' });
	}
	const isIp = /^\d+\.\d+\.\d+\.\d+$/.test(term);
	return json({
		query_status: 'ok',
		data: [
			{
				id: '1532846',
				ioc: isIp ? `${term}:443` : term,
				threat_type: isIp ? 'botnet_cc' : 'payload_delivery',
				threat_type_desc: 'Indicator that identifies a botnet command&control server (C&C)',
				ioc_type: isIp ? 'ip:port' : 'domain',
				malware: 'win.cobalt_strike',
				malware_printable: 'Cobalt Strike',
				confidence_level: 75,
				first_seen: abuseDate(20),
				last_seen: abuseDate(2),
				reporter: 'abuse_ch',
				tags: ['CobaltStrike', 'c2'],
			},
		],
	});
};

function form(body: string): URLSearchParams {
	return new URLSearchParams(body);
}

// URLhaus v1 url/host/payload (urlhaus-api.abuse.ch): 200 with query_status; `blacklists` carries
// Spamhaus DBL values (`*_domain`, `abused_legit_*`, `abused_redirector`, `not listed`) and SURBL
// (`listed`, `not listed`), as the Cortex XSOAR URLhaus integration reads them.
const urlhaus: Route = (method, rest, _query, body, record) => {
	if (method !== 'POST') return json({ query_status: 'http_post_expected' });
	const fields = form(body);
	if (rest === '/url/') {
		const url = fields.get('url') ?? '';
		record.value = url;
		if (!/^(https?|ftp):\/\//.test(url)) return json({ query_status: 'invalid_url' });
		if (url === SAMPLES.offlineUrl) {
			return json({
				query_status: 'ok',
				id: '2870001',
				urlhaus_reference: 'https://urlhaus.abuse.ch/url/2870001/',
				url,
				url_status: 'offline',
				host: SAMPLES.abusedDomain,
				date_added: abuseDate(40),
				last_online: abuseDate(30),
				threat: 'malware_download',
				blacklists: { spamhaus_dbl: 'abused_legit_malware', surbl: 'not listed' },
				tags: ['zip'],
				payloads: [],
			});
		}
		if (url !== SAMPLES.badUrl) return json({ query_status: 'no_results' });
		return json({
			query_status: 'ok',
			id: '2873451',
			urlhaus_reference: 'https://urlhaus.abuse.ch/url/2873451/',
			url,
			url_status: 'online',
			host: SAMPLES.badDomain,
			date_added: abuseDate(5),
			last_online: abuseDate(0),
			threat: 'malware_download',
			blacklists: { spamhaus_dbl: 'abused_legit_malware', surbl: 'not listed' },
			tags: ['exe', 'CobaltStrike'],
			payloads: [{ firstseen: abuseDate(5).slice(0, 10), filename: 'payload.exe', file_type: 'exe', response_sha256: SAMPLES.badSha256 }],
		});
	}
	if (rest === '/host/') {
		const host = fields.get('host') ?? '';
		record.value = host;
		if (host === SAMPLES.abusedDomain) {
			return json({
				query_status: 'ok',
				urlhaus_reference: `https://urlhaus.abuse.ch/host/${host}/`,
				host,
				firstseen: abuseDate(40),
				url_count: '1',
				blacklists: { spamhaus_dbl: 'abused_legit_malware', surbl: 'not listed' },
				urls: [{ id: '2870001', url: SAMPLES.offlineUrl, url_status: 'offline', date_added: abuseDate(40), threat: 'malware_download', tags: ['zip'] }],
			});
		}
		if (!BAD.has(host)) return json({ query_status: 'no_results' });
		return json({
			query_status: 'ok',
			urlhaus_reference: `https://urlhaus.abuse.ch/host/${host}/`,
			host,
			firstseen: abuseDate(30),
			url_count: '3',
			blacklists: { spamhaus_dbl: 'abused_legit_malware', surbl: 'listed' },
			urls: [
				{ id: '2873451', url: SAMPLES.badUrl, url_status: 'online', date_added: abuseDate(5), threat: 'malware_download', tags: ['exe'] },
				{ id: '2873001', url: `http://${host}/old.exe`, url_status: 'offline', date_added: abuseDate(25), threat: 'malware_download', tags: ['exe'] },
			],
		});
	}
	if (rest === '/payload/') {
		const hash = fields.get('md5_hash') ?? fields.get('sha256_hash') ?? '';
		record.value = hash;
		if (fields.has('md5_hash') && !/^[0-9a-f]{32}$/.test(hash)) return json({ query_status: 'invalid_md5' });
		if (fields.has('sha256_hash') && !/^[0-9a-f]{64}$/.test(hash)) return json({ query_status: 'invalid_sha256' });
		if (!BAD.has(hash)) return json({ query_status: 'no_results' });
		return json({
			query_status: 'ok',
			md5_hash: SAMPLES.badMd5,
			sha256_hash: SAMPLES.badSha256,
			file_type: 'exe',
			file_size: '289792',
			signature: 'CobaltStrike',
			firstseen: abuseDate(10),
			lastseen: abuseDate(1),
			url_count: '4',
			urlhaus_download: `https://urlhaus-api.abuse.ch/v1/download/${SAMPLES.badSha256}/`,
		});
	}
	return json({ query_status: 'unknown_endpoint' }, 404);
};

// MalwareBazaar get_info (bazaar.abuse.ch/api): first_seen / last_seen are "YYYY-MM-DD hh:mm:ss"
// in UTC without an offset.
const malwarebazaar: Route = (method, _rest, _query, body, record) => {
	if (method !== 'POST') return json({ query_status: 'http_post_expected' });
	const fields = form(body);
	if (fields.get('query') !== 'get_info') return json({ query_status: 'illegal_query' });
	const hash = fields.get('hash') ?? '';
	record.value = hash;
	if (!hash) return json({ query_status: 'no_hash_provided' });
	if (!/^([0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})$/.test(hash)) return json({ query_status: 'illegal_hash' });
	if (!BAD.has(hash)) return json({ query_status: 'hash_not_found' });
	return json({
		query_status: 'ok',
		data: [
			{
				sha256_hash: SAMPLES.badSha256,
				sha1_hash: SAMPLES.badSha1,
				md5_hash: SAMPLES.badMd5,
				first_seen: naiveDate(10),
				last_seen: naiveDate(1),
				file_name: 'invoice.exe',
				file_size: 289792,
				file_type: 'exe',
				signature: 'CobaltStrike',
				tags: ['CobaltStrike', 'exe'],
				delivery_method: 'web_download',
				intelligence: { clamav: ['Win.Trojan.CobaltStrike'], downloads: '12', uploads: '1' },
			},
		],
	});
};

// OTX indicators API (OTX-Python-SDK IndicatorTypes.py, OTXv2.py): separate `domain` and
// `hostname` types; an unknown indicator is 200 with no pulses; pulses for a hostname are filed
// under `hostname`, not under `domain`.
const otx: Route = (method, rest, _query, _body, record) => {
	const match = /^\/api\/v1\/indicators\/(IPv4|IPv6|domain|hostname|url|file)\/(.+)\/general$/.exec(rest);
	if (method !== 'GET' || !match) return json({ detail: 'Not found.' }, 404);
	const value = decodeURIComponent(match[2]);
	record.value = value;
	const empty = { indicator: value, type: match[1], reputation: 0, pulse_info: { count: 0, pulses: [], references: [], related: {} }, validation: [] as unknown[] };
	if (value === SAMPLES.benignIp) {
		return json({ ...empty, validation: [{ source: 'whitelist', message: 'Whitelisted IP', name: 'Whitelisted IP' }] });
	}
	const known = BAD.has(value) || (value === SAMPLES.badHostname && match[1] === 'hostname');
	if (!known) return json(empty);
	return json({
		...empty,
		pulse_info: {
			count: 3,
			pulses: [
				{ id: '65a1', name: 'Cobalt Strike C2 2025-12', tags: ['cobaltstrike', 'c2'], malware_families: [{ id: 'CobaltStrike', display_name: 'Cobalt Strike' }], created: iso(9), modified: iso(2) },
				{ id: '65a2', name: 'Daily C2 feed', tags: ['c2'], malware_families: [], created: iso(6), modified: iso(4) },
				{ id: '65a3', name: 'Honeypot hits', tags: ['scanner'], malware_families: [], created: iso(8), modified: iso(8) },
			],
			references: [],
			related: {},
		},
	});
};

/** A urlscan query string `field:"value"` or `field:value`, as the fake understands it. */
function urlscanQuery(q: string): { field: string; value: string } {
	const quoted = /^([\w.]+):"((?:[^"\\]|\\.)*)"$/.exec(q);
	if (quoted) return { field: quoted[1], value: quoted[2].replace(/\\(.)/g, '$1') };
	const colon = q.indexOf(':');
	return { field: q.slice(0, colon), value: q.slice(colon + 1) };
}

interface UrlscanScan {
	id: string;
	days: number;
	malicious: boolean;
	page: Record<string, string>;
	/** Everything the page loaded: urlscan's `domain:`, `ip:` and `hash:` match any of these. */
	touched: { domain: string[]; ip: string[]; hash: string[] };
}

const URLSCAN_PAGE = { url: SAMPLES.badUrl, domain: SAMPLES.badDomain, ip: SAMPLES.badIp, country: 'NL', asnname: 'BAD-HOSTING, NL', status: '200' };
const URLSCAN_TOUCHED = { domain: [SAMPLES.badDomain, SAMPLES.touchedDomain], ip: [SAMPLES.badIp, '151.101.1.195'], hash: [SAMPLES.badSha256] };
const URLSCAN_SCANS: UrlscanScan[] = [
	{ id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', days: 1, malicious: true, page: URLSCAN_PAGE, touched: URLSCAN_TOUCHED },
	{ id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c', days: 6, malicious: false, page: URLSCAN_PAGE, touched: URLSCAN_TOUCHED },
];

function urlscanMatches(scan: UrlscanScan, field: string, value: string): boolean {
	if (field.startsWith('page.')) return scan.page[field.slice(5)] === value;
	if (field === 'domain' || field === 'ip' || field === 'hash') return scan.touched[field].includes(value);
	return false;
}

// urlscan.io (docs.urlscan.io search and result APIs; urlscan/urlscan-python client.py):
// - search: hits are task/page/stats, newest first, and carry no verdicts; `page.*` fields match the
//   scanned page, `domain:`/`ip:`/`hash:` match anything the page loaded; a miss is total 0;
// - result `/api/v1/result/{uuid}/`: `verdicts.overall`; 404 while unknown or unfinished; 403 for a
//   plan without access (see `urlscanResults`);
// - `/api/v1/quotas`: the key's limits (trimmed here).
const urlscan: Route = (method, rest, query, _body, record) => {
	if (method === 'GET' && rest === '/api/v1/quotas') {
		return json({ limits: { search: { day: { limit: 1000, used: 0, remaining: 1000 }, minute: { limit: 30, used: 0, remaining: 30 } } } });
	}
	const resultMatch = /^\/api\/v1\/result\/([0-9a-f-]{36})\/$/.exec(rest);
	if (method === 'GET' && resultMatch) {
		record.value = resultMatch[1];
		const scan = URLSCAN_SCANS.find((s) => s.id === resultMatch[1]);
		if (!scan) return json({ message: 'Scan is not finished yet', status: 404 }, 404);
		const verdict = { score: scan.malicious ? 100 : 0, categories: scan.malicious ? ['phishing'] : [], brands: scan.malicious ? ['Microsoft'] : [], tags: [], malicious: scan.malicious, hasVerdicts: scan.malicious };
		return json({
			task: { uuid: scan.id, time: iso(scan.days), url: scan.page.url, visibility: 'public' },
			page: scan.page,
			verdicts: { overall: verdict, urlscan: verdict, engines: { score: 0, malicious: [], benign: [] }, community: { score: 0, votesTotal: 0 } },
		});
	}
	if (method !== 'GET' || rest !== '/api/v1/search/') return json({ message: 'Not Found', status: 404 }, 404);
	const { field, value } = urlscanQuery(query.get('q') ?? '');
	record.value = value;
	const hits = URLSCAN_SCANS.filter((scan) => urlscanMatches(scan, field, value));
	return json({
		results: hits.map((scan) => ({
			_id: scan.id,
			task: { time: iso(scan.days), method: 'api', visibility: 'public', url: scan.page.url, tags: ['phishing'] },
			page: scan.page,
			stats: { uniqIPs: 3, requests: 7 },
			result: `https://urlscan.io/api/v1/result/${scan.id}/`,
			sort: [Date.UTC(2026, 0, 1) - scan.days * 86_400_000, scan.id],
		})),
		total: hits.length,
		took: 11,
		has_more: false,
	});
};

function hostRoute(notFound: () => Answer, prefix: RegExp, keyless: boolean): Route {
	return (method, rest, _query, _body, record) => {
		const match = prefix.exec(rest);
		if (method !== 'GET' || !match) return notFound();
		const ip = decodeURIComponent(match[1]);
		record.value = ip;
		// Shodan's last_update is UTC without an offset, with microseconds (achillean/shodan-python).
		if (ip === SAMPLES.benignIp) {
			return json(
				keyless
					? { ip, ports: [53, 443], hostnames: ['dns.google'], cpes: [], tags: [], vulns: [] }
					: { ip_str: ip, ports: [53, 443], hostnames: ['dns.google'], org: 'Google LLC', asn: 'AS15169', tags: [], last_update: shodanDate(1) },
			);
		}
		if (!BAD.has(ip)) return notFound();
		return json(
			keyless
				? { ip, ports: [22, 443, 50050], hostnames: [], cpes: ['cpe:/a:openbsd:openssh'], tags: ['c2', 'self-signed'], vulns: ['CVE-2023-48795'] }
				: { ip_str: ip, ports: [22, 443, 50050], hostnames: [], org: 'Bad Hosting Ltd', isp: 'Bad Hosting Ltd', asn: 'AS666', os: null, tags: ['c2', 'self-signed'], vulns: ['CVE-2023-48795'], last_update: shodanDate(1) },
		);
	};
}


// Triage (tria.ge/docs "Searching"; hatching/triage go/client.go): GET /search?query=<op>:<value>
// answers `{data: [...], next}` (`{"data": []}` for no hit); a sample's overview report is GET
// /samples/{id}/overview.json with `analysis.score` 0-10 and `analysis.family`. url/domain/ip
// match C2 addresses from malware configs only.
const TRIAGE_SAMPLE = '251230-c0ba1tstr1';

const triage: Route = (method, rest, query, _body, record) => {
	if (method !== 'GET') return json({ error: 'METHOD_NOT_ALLOWED', message: 'method not allowed' }, 405);
	if (rest === '/search') {
		const q = query.get('query') ?? '';
		const match = /^(sha256|sha1|md5|url|domain|ip|family):(.+)$/.exec(q);
		if (!match) return json({ error: 'INVALID_QUERY', message: `invalid query "${q}"` }, 400);
		record.value = match[2];
		if (!BAD.has(match[2]) || match[2] === SAMPLES.badIpv6) return json({ data: [], next: null });
		return json({
			data: [
				{ id: TRIAGE_SAMPLE, status: 'reported', kind: 'file', filename: 'invoice.exe', private: false, submitted: iso(2), completed: iso(1), tasks: [{ id: 'behavioral1', status: 'reported' }] },
			],
			next: null,
		});
	}
	const overview = /^\/samples\/([^/]+)\/overview\.json$/.exec(rest);
	if (overview && overview[1] === TRIAGE_SAMPLE) {
		record.value = overview[1];
		return json({
			sample: { id: TRIAGE_SAMPLE, target: 'invoice.exe', size: 290816, score: 10, created: iso(2), completed: iso(1) },
			analysis: { score: 10, family: ['cobaltstrike'], tags: ['family:cobaltstrike', 'backdoor', 'trojan'] },
			targets: [{ iocs: { domains: [SAMPLES.badDomain], ips: [SAMPLES.badIp] } }],
		});
	}
	return json({ error: 'NOT_FOUND', message: 'sample not found' }, 404);
};

// Google Safe Browsing v4 threatMatches:find (developers.google.com/safe-browsing/v4/lookup-api):
// at most 500 threatEntries a request, `{}` when nothing matches, else `{matches: [...]}` with one
// entry per listed URL. Listed here: the bad URL and domain (as http://domain/), and any URL whose
// path holds "/phish-" (for batches of generated URLs).
const safebrowsing: Route = (method, rest, _query, body, record) => {
	if (method !== 'POST' || rest !== '/threatMatches:find') return json({ error: { code: 404, message: 'Not Found', status: 'NOT_FOUND' } }, 404);
	let entries: unknown[] = [];
	try {
		entries = (JSON.parse(body) as { threatInfo?: { threatEntries?: unknown[] } }).threatInfo?.threatEntries ?? [];
	} catch {
		return json({ error: { code: 400, message: 'Invalid JSON payload received.', status: 'INVALID_ARGUMENT' } }, 400);
	}
	if (entries.length > 500) return json({ error: { code: 400, message: 'Too many threat entries (max 500).', status: 'INVALID_ARGUMENT' } }, 400);
	const urls = entries.map((entry) => String((entry as { url?: unknown }).url ?? ''));
	record.value = urls[0];
	const listed = new Set([SAMPLES.badUrl, `http://${SAMPLES.badDomain}/`]);
	const matches = urls
		.filter((url) => listed.has(url) || url.includes('/phish-'))
		.map((url) => ({ threatType: url.includes('/phish-') ? 'SOCIAL_ENGINEERING' : 'MALWARE', platformType: 'ANY_PLATFORM', threatEntryType: 'URL', threat: { url }, cacheDuration: '300s' }));
	return json(matches.length ? { matches } : {});
};

// Google Web Risk uris.search (docs.cloud.google.com/web-risk/docs/reference/rest/v1/uris/search):
// GET /uris:search?threatTypes=…(repeated)&uri=…; `{}` when the URI is on no requested list, else
// `{threat: {threatTypes, expireTime}}`. Listed: the bad URL and domain (as http://domain/).
const webrisk: Route = (method, rest, query, _body, record) => {
	if (method !== 'GET' || rest !== '/uris:search') return json({ error: { code: 404, message: 'Not Found', status: 'NOT_FOUND' } }, 404);
	const uri = query.get('uri') ?? '';
	record.value = uri;
	const types = query.getAll('threatTypes');
	if (!uri || types.length === 0) return json({ error: { code: 400, message: 'uri and threatTypes are required', status: 'INVALID_ARGUMENT' } }, 400);
	const listed = new Set([SAMPLES.badUrl, `http://${SAMPLES.badDomain}/`]);
	if (!listed.has(uri) || !types.includes('MALWARE')) return json({});
	return json({ threat: { threatTypes: ['MALWARE'], expireTime: '2026-01-01T00:05:00Z' } });
};

const ROUTES: Record<ProviderId, Route> = {
	virustotal,
	abuseipdb,
	greynoise,
	threatfox,
	urlhaus,
	malwarebazaar,
	otx,
	urlscan,
	shodan: hostRoute(() => json({ error: 'No information available for that IP.' }, 404), /^\/shodan\/host\/([^/]+)$/, false),
	triage,
	safebrowsing,
	// Stateful: served by FakeProviders.intelx and FakeProviders.screenshot.
	intelx: () => json({}, 500),
	screenshotapi: () => json({}, 500),
	webrisk,
	internetdb: hostRoute(() => json({ detail: 'No information available' }, 404), /^\/([^/]+)$/, true),
};
