/**
 * How a target's requests leave: paced per rate-limit bucket (nodes/shared/pacing.ts), retried on
 * 429 / 5xx / network errors with Retry-After on a bounded budget (nodes/shared/http.ts), through
 * n8n's `httpRequestWithAuthentication` (proxy, SSL settings, cancellation). In a dry run nothing is
 * sent: each request is recorded and answered with what the target file assumes.
 */
import type { IDataObject, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { bodyText, classifyNetworkError, nextRetry, redactor, retryAfterMs } from '../shared/http';
import { Pacer } from '../shared/pacing';
import type { Io, RateLimit, Target, TargetRequest, TargetResponse } from './targets/types';
import { TargetError } from './targets/types';

export interface SendOptions {
	dryRun: boolean;
	/** Retries after the first attempt for 429, 5xx and network errors. */
	retries: number;
	/** The longest Retry-After (ms) the node waits; a longer one fails the request. */
	maxRetryWaitMs: number;
	/** Overrides the documented rate of every bucket (requests per minute); 0 = documented. */
	requestsPerMinute: number;
	timeoutMs: number;
	/** Accept a self-signed certificate (the credential's Allow Unauthorized Certificates). */
	skipSsl: boolean;
	/** Strings that must never appear in a message (the credential's secrets). */
	secrets: string[];
}

/** A request as the dry run shows it (no credential: n8n adds it when sending). */
export interface RecordedRequest {
	method: string;
	url: string;
	qs?: IDataObject;
	body?: unknown;
	entries?: number;
}

/** The smallest gap between two starts that keeps every window of `limit` (0 = no limit). */
export function spacingMs(limit: RateLimit | undefined, requestsPerMinute = 0): number {
	if (requestsPerMinute > 0) return 60_000 / requestsPerMinute;
	const gaps = [
		limit?.perMinute ? 60_000 / limit.perMinute : 0,
		limit?.perHour ? 3_600_000 / limit.perHour : 0,
	];
	return Math.max(...gaps);
}

/** Cuts the credential's secrets out of a text that may reach output or an error. */
export function redact(text: string, secrets: string[]): string {
	// An access token fetched during the run is not among the credential's secrets yet.
	return redactor(secrets)(text).replace(/(Bearer\s+)[\w.~+/=-]+/gi, '$1[redacted]');
}

function decodeForm(form: Record<string, string>): Record<string, string> {
	return Object.fromEntries(
		Object.entries(form).map(([name, value]) => [name, decodeURIComponent(value)]),
	);
}

function parseBody(body: unknown): unknown {
	if (typeof body === 'object' && body !== null && !Buffer.isBuffer(body)) return body;
	const text = bodyText(body).trim();
	if (text.startsWith('{') || text.startsWith('[')) {
		try {
			return JSON.parse(text);
		} catch {
			return body;
		}
	}
	return body;
}

/** The HTTP status of an error n8n threw, when it has one. */
function statusOf(error: unknown): number | undefined {
	const e = error as {
		httpCode?: string;
		cause?: { response?: { status?: number } };
		response?: { status?: number };
	};
	return Number(e?.httpCode) || e?.cause?.response?.status || e?.response?.status || undefined;
}

/** The first message in an error's cause chain that carries `marker`. */
function markedMessage(error: unknown, marker: string): string | undefined {
	let current = error as { message?: unknown; cause?: unknown; description?: unknown } | undefined;
	for (let depth = 0; depth < 5 && current; depth++) {
		for (const text of [current.message, current.description])
			if (typeof text === 'string' && text.includes(marker))
				return text.slice(text.indexOf(marker) + marker.length).trim();
		current = current.cause as typeof current;
	}
	return undefined;
}

/** What the credentials' token step throws, marked so the message survives n8n's wrapping. */
export const TOKEN_ERROR_MARKER = '[token]';

export function createIo(
	context: IExecuteFunctions,
	target: Target,
	options: SendOptions,
	recorded: RecordedRequest[],
): Io {
	const limiters = new Map<string, Pacer>();
	const limiterFor = (bucket: string) => {
		let limiter = limiters.get(bucket);
		if (!limiter) {
			limiter = new Pacer({
				concurrency: target.concurrency ?? 1,
				minIntervalMs: spacingMs(target.buckets[bucket], options.requestsPerMinute),
			});
			limiters.set(bucket, limiter);
		}
		return limiter;
	};

	/** One attempt: the answer, the token step's message (fatal), or the network failure. */
	type Attempt = { response: TargetResponse } | { token: string } | { failure: unknown };
	const once = async (request: TargetRequest, forceRefresh: boolean): Promise<Attempt> => {
		const http: IHttpRequestOptions = {
			method: request.method,
			url: request.url,
			qs: request.qs,
			headers: { ...(request.headers ?? {}) },
			returnFullResponse: true,
			ignoreHttpStatusErrors: !forceRefresh,
			timeout: options.timeoutMs,
			...(options.skipSsl ? { skipSslCertificateValidation: true } : {}),
		};
		if (request.json !== undefined) {
			http.body = request.json as IDataObject;
			http.json = true;
		} else if (request.formEncoded !== undefined) {
			http.body = Object.entries(request.formEncoded)
				.map(([name, value]) => `${encodeURIComponent(name)}=${value}`)
				.join('&');
			http.headers!['content-type'] = 'application/x-www-form-urlencoded';
		}
		try {
			const response = (await context.helpers.httpRequestWithAuthentication.call(
				context,
				target.credentialType,
				http,
			)) as {
				statusCode: number;
				headers: TargetResponse['headers'];
				body: unknown;
			};
			return {
				response: {
					status: response.statusCode,
					headers: response.headers ?? {},
					body: parseBody(response.body),
				},
			};
		} catch (error) {
			const token = markedMessage(error, TOKEN_ERROR_MARKER);
			if (token !== undefined) return { token: redact(token, options.secrets) };
			const status = statusOf(error);
			if (status) {
				const headers = ((
					error as { cause?: { response?: { headers?: TargetResponse['headers'] } } }
				).cause?.response?.headers ?? {}) as TargetResponse['headers'];
				return {
					response: {
						status,
						headers,
						body: parseBody(
							(error as { cause?: { response?: { data?: unknown } } }).cause?.response?.data ?? '',
						),
					},
				};
			}
			return { failure: error };
		}
	};

	return {
		dryRun: options.dryRun,
		cancelled: () => context.getExecutionCancelSignal?.()?.aborted === true,
		async send(request) {
			if (options.dryRun) {
				recorded.push({
					method: request.method,
					url: request.url,
					...(request.qs ? { qs: request.qs } : {}),
					...(request.json !== undefined
						? { body: request.json }
						: request.formEncoded !== undefined
							? { body: decodeForm(request.formEncoded) }
							: {}),
					...(request.entries !== undefined ? { entries: request.entries } : {}),
				});
				return { status: request.assume.status, headers: {}, body: request.assume.body };
			}
			const limiter = limiterFor(request.bucket);
			let refreshed = false;
			for (let attempt = 0; ; attempt++) {
				const release = await limiter.acquire();
				let attempt1: Attempt;
				try {
					attempt1 = await once(request, false);
					// An access token may have run out: n8n fetches a new one when it sees the 401 itself.
					if (
						'response' in attempt1 &&
						attempt1.response.status === 401 &&
						target.tokenAuth &&
						!refreshed
					) {
						refreshed = true;
						attempt1 = await once(request, true);
					}
				} finally {
					release?.();
				}
				if ('token' in attempt1) throw new TargetError(attempt1.token, true, 401);
				const response = 'response' in attempt1 ? attempt1.response : undefined;
				const failure = 'failure' in attempt1 ? attempt1.failure : undefined;
				const retryable =
					response === undefined ||
					response.status === 429 ||
					(response.status >= 500 && !request.answers?.includes(response.status));
				if (!retryable) return response as TargetResponse;
				const problem = response === undefined ? classifyNetworkError(failure) : undefined;
				const wait = response ? retryAfterMs(response.headers) : undefined;
				if (response?.status === 429 && wait !== undefined) limiter.pauseUntil(Date.now() + wait);
				// A wrong host name or certificate does not get better with retries.
				const hopeless = problem !== undefined && (problem.tls || problem.unknownHost);
				const decision = hopeless
					? ({ retry: false } as const)
					: nextRetry(
							{
								attempts: options.retries + 1,
								baseDelayMs: 500,
								maxDelayMs: options.maxRetryWaitMs,
								maxWaitMs: options.maxRetryWaitMs,
							},
							attempt + 1,
							wait,
						);
				if (!decision.retry) {
					const host = (() => {
						try {
							return new URL(request.url).host;
						} catch {
							return request.url;
						}
					})();
					if (response) {
						const why =
							response.status === 429
								? `kept answering 429 Too Many Requests${wait !== undefined ? ` (Retry-After ${Math.ceil(wait / 1000)} s)` : ''}`
								: `answered HTTP ${response.status}`;
						throw new TargetError(
							`${target.name} ${why} after ${attempt + 1} attempt(s). Try again later, or lower Requests per Minute.`,
							false,
							response.status,
						);
					}
					// In words: n8n replaces a message that names ECONNREFUSED & co. with its own, dropping the hint.
					const said = problem?.unknownHost
						? 'host name not found'
						: problem?.timedOut
							? 'timed out'
							: problem?.tls
								? 'TLS certificate not trusted'
								: /ECONNREFUSED/.test(`${problem?.code} ${problem?.message}`)
									? 'connection refused'
									: /ECONNRESET|socket hang up/.test(`${problem?.code} ${problem?.message}`)
										? 'connection reset'
										: 'no answer';
					const hint = problem?.tls
						? 'Its TLS certificate could not be verified: turn on Allow Unauthorized Certificates in the credential for a self-signed one.'
						: 'Check the URL in the credential and that n8n can reach it.';
					throw new TargetError(
						`Could not reach ${target.name} at ${host} (${said}). ${hint}`,
						true,
					);
				}
				const delay = decision.waitMs;
				await sleep(delay);
			}
		},
	};
}
