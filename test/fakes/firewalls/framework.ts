/**
 * One small framework for the fake firewalls and EDRs (test/fakes/firewalls/*.ts): a real HTTP
 * server on 127.0.0.1 (port 0) that records every request, answers through routes the fake declares,
 * and gives every fake the same tools:
 * - a settable clock (`clock.now()`, `clock.advance(ms)`) for expiry, separate from the real time
 *   that rate windows use;
 * - rate limits per bucket (sliding windows; over the limit → 429 with `Retry-After` in seconds);
 * - queued faults (`failNext(n, status, retryAfter?)`) for "429 then success" and 5xx tests;
 * - a log of requests with their status, and counters (`count429`).
 * Node built-ins only; runs under jest and directly under Node 24 (the e2e and bench load it).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
	method: string;
	/** Path without the query. */
	path: string;
	query: URLSearchParams;
	headers: http.IncomingHttpHeaders;
	rawBody: string;
	/** The body parsed as JSON when it is JSON, else undefined. */
	json: unknown;
	/** The body parsed as a form when it is one, else empty. */
	form: URLSearchParams;
}

export interface FakeReply {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
}

export type Handler = (req: FakeRequest, match: RegExpExecArray) => FakeReply | Promise<FakeReply>;

/** `limit` requests per `windowMs` (several windows may apply to one bucket). */
export interface RateWindow {
	limit: number;
	windowMs: number;
}

export interface LoggedRequest {
	method: string;
	path: string;
	status: number;
	bucket?: string;
	at: number;
	/** Entries the request carried (set by the fake's handler through `note`). */
	entries?: number;
}

interface Route {
	method: string;
	pattern: RegExp;
	bucket?: string;
	handler: Handler;
}

interface Fault {
	/** Only requests to this bucket (any when absent). */
	bucket?: string;
	status: number;
	retryAfter?: number;
	body?: unknown;
}

export class Clock {
	private offset = 0;

	now(): number {
		return Date.now() + this.offset;
	}

	advance(ms: number): void {
		this.offset += ms;
	}

	reset(): void {
		this.offset = 0;
	}
}

export class FakeServer {
	readonly clock = new Clock();

	readonly log: LoggedRequest[] = [];

	private readonly routes: Route[] = [];

	private readonly windows = new Map<string, RateWindow[]>();

	private readonly hits = new Map<string, number[]>();

	private readonly faults: Fault[] = [];

	private server?: http.Server;

	url = '';

	/** How many 429s the rate limits (not the queued faults) produced. */
	count429 = 0;

	/** Requests received and not yet answered, and the most at once since the last reset. */
	private inFlight = 0;

	maxInFlight = 0;

	/** How long each answer waits (ms): a target that takes time to apply a request. */
	answerDelayMs = 0;

	readonly name: string;

	// No parameter properties: Node runs this file natively (type stripping) in bench/.
	constructor(name: string) {
		this.name = name;
	}

	route(method: string, pattern: RegExp, handler: Handler, bucket?: string): this {
		this.routes.push({ method, pattern, handler, bucket });
		return this;
	}

	/** Sets the rate windows of a bucket (replacing earlier ones); an empty list lifts the limit. */
	limit(bucket: string, windows: RateWindow[]): this {
		this.windows.set(bucket, windows);
		return this;
	}

	/** The next `count` requests (to `bucket`, or any) get `status`, with `Retry-After` when given. */
	failNext(count: number, status: number, retryAfter?: number, body?: unknown, bucket?: string): void {
		for (let i = 0; i < count; i++) this.faults.push({ status, retryAfter, body, bucket });
	}

	/** Requests that reached a route (not faults, not 429s) of `bucket`, or all. */
	served(bucket?: string): LoggedRequest[] {
		return this.log.filter((r) => r.status !== 429 && (bucket === undefined || r.bucket === bucket));
	}

	resetLog(): void {
		this.log.length = 0;
		this.hits.clear();
		this.faults.length = 0;
		this.count429 = 0;
		this.maxInFlight = 0;
	}

	async start(): Promise<this> {
		this.server = http.createServer((req, res) => {
			this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
			res.once('close', () => this.inFlight--);
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				void this.handle(req, Buffer.concat(chunks).toString('utf8')).then(
					(reply) => this.send(res, reply),
					(error: unknown) => this.send(res, { status: 500, body: { error: String(error) } }),
				);
			});
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this;
	}

	async close(): Promise<void> {
		const server = this.server;
		if (!server) return;
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}

	private send(res: http.ServerResponse, reply: FakeReply): void {
		const isText = typeof reply.body === 'string';
		const headers: Record<string, string> = {
			'content-type': isText ? 'application/xml; charset=utf-8' : 'application/json; charset=utf-8',
			...(reply.headers ?? {}),
		};
		res.writeHead(reply.status, headers);
		if (reply.body === undefined || reply.status === 204) res.end();
		else res.end(isText ? (reply.body as string) : JSON.stringify(reply.body));
	}

	private async handle(req: http.IncomingMessage, rawBody: string): Promise<FakeReply> {
		const url = new URL(req.url ?? '/', 'http://fake');
		const method = req.method ?? 'GET';
		const entry: LoggedRequest = { method, path: url.pathname, status: 0, at: Date.now() };
		this.log.push(entry);
		const reply = await this.dispatch(req, url, method, rawBody, entry);
		entry.status = reply.status;
		if (this.answerDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.answerDelayMs));
		return reply;
	}

	private async dispatch(req: http.IncomingMessage, url: URL, method: string, rawBody: string, entry: LoggedRequest): Promise<FakeReply> {
		for (const route of this.routes) {
			if (route.method !== method) continue;
			const match = route.pattern.exec(url.pathname);
			if (!match) continue;
			entry.bucket = route.bucket;
			const faultAt = this.faults.findIndex((f) => f.bucket === undefined || f.bucket === route.bucket);
			if (faultAt >= 0) {
				const [fault] = this.faults.splice(faultAt, 1);
				const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
				return { status: fault.status, headers, body: fault.body ?? { error: { code: 'Fault', message: `injected ${fault.status}` } } };
			}
			if (route.bucket) {
				const wait = this.take(route.bucket);
				if (wait > 0) {
					this.count429++;
					return { status: 429, headers: { 'retry-after': String(Math.ceil(wait / 1000)) }, body: { error: { code: 'TooManyRequests', message: `Rate limit of ${this.name} exceeded` } } };
				}
			}
			let json: unknown;
			try {
				json = rawBody ? JSON.parse(rawBody) : undefined;
			} catch {
				json = undefined;
			}
			const isForm = String(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded');
			const request: FakeRequest = { method, path: url.pathname, query: url.searchParams, headers: req.headers, rawBody, json, form: new URLSearchParams(isForm ? rawBody : '') };
			return await route.handler(request, match);
		}
		return { status: 404, body: { error: { code: 'NotFound', message: `${this.name} has no ${method} ${url.pathname}` } } };
	}

	/** Records a hit in `bucket`; 0 when allowed, else the ms until the oldest hit leaves the tightest window. */
	private take(bucket: string): number {
		const windows = this.windows.get(bucket) ?? [];
		if (windows.length === 0) return 0;
		const now = Date.now();
		const longest = Math.max(...windows.map((w) => w.windowMs));
		const hits = (this.hits.get(bucket) ?? []).filter((t) => t > now - longest);
		let wait = 0;
		for (const w of windows) {
			const inWindow = hits.filter((t) => t > now - w.windowMs);
			if (inWindow.length >= w.limit) wait = Math.max(wait, inWindow[inWindow.length - w.limit] + w.windowMs - now);
		}
		if (wait === 0) hits.push(now);
		this.hits.set(bucket, hits);
		return wait;
	}
}

/** `entry.entries = n` for the request being handled (what the batch-size assertions read). */
export function noteEntries(server: FakeServer, count: number): void {
	const last = [...server.log].reverse().find((r) => r.status === 0);
	if (last) last.entries = count;
}
