/**
 * The fan-out: every picked provider for one IoC at once, every IoC at once, each provider
 * behind its own pacer. Created per execution, so pacer, quota and cache state never
 * outlive the run. A slow or failing provider only ever costs its own result.
 */
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { classifyNetworkError, nextRetry, retryAfterMs } from '../shared/http';
import type { PaceLimit } from '../shared/pacing';
import { DEADLINE, Pacer, untilDeadline } from '../shared/pacing';
import type { FollowUp, Ioc, Provider, ProviderError, ProviderHttpResponse, ProviderReading, ProviderResult } from './types';

/** Sends one request (relative URL) with the provider's credential; throws on network failure. */
export type Send = (provider: Provider, options: IHttpRequestOptions, timeoutMs: number) => Promise<{
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: string;
}>;

export interface EngineOptions {
	send: Send;
	/** Removes secrets (API keys) from any text that reaches output. */
	scrub: (text: string) => string;
	/** Effective limits by provider id (defaults merged with the user's overrides). */
	limits: Record<string, PaceLimit>;
	timeoutMs: number;
	maxRetries: number;
	maxRetryWaitMs: number;
	includeRaw: boolean;
	credentialNames?: Record<string, string>;
}

/** An IoC that must not or cannot be looked up: every provider reports `status` with the reason. */
export interface NotSent {
	status: 'skipped' | 'unsupported';
	reason: string;
	reason_text: string;
}

const BACKOFF_BASE_MS = 500;
const MAX_RAW_CHARS = 200_000;

interface Attempt {
	reading?: ProviderReading;
	status?: 'rate_limited' | 'timeout' | 'error';
	error?: ProviderError;
	/** Wait this long and try again (429 not a quota, 5xx, a dropped connection). */
	retryAfterMs?: number;
	retryable?: boolean;
	/** A 429 for a quota window (Provider.windowQuota): one retry after the pause, even past Max Retry Wait. */
	windowQuota?: boolean;
	raw?: unknown;
}

type Exchanged = { response: ProviderHttpResponse } | { failed: Attempt };

export class EnrichmentEngine {
	private readonly pacers = new Map<string, Pacer>();

	/** Providers that cannot answer for the rest of the run (quota used up, key refused). */
	private readonly blocked = new Map<string, { status: 'rate_limited' | 'error'; error: ProviderError }>();

	/** The same IoC in several items is asked once per provider. */
	private readonly cache = new Map<string, Promise<ProviderResult>>();

	constructor(private readonly options: EngineOptions) {}

	/** One result per provider, in the order given; resolves by `deadlineAt` at the latest. */
	async enrich(target: Ioc | NotSent, providers: readonly Provider[], deadlineAt: number): Promise<ProviderResult[]> {
		return await Promise.all(providers.map(async (provider) => await this.forProvider(provider, target, deadlineAt)));
	}

	private async forProvider(provider: Provider, target: Ioc | NotSent, deadlineAt: number): Promise<ProviderResult> {
		const started = Date.now();
		if ('status' in target) {
			return this.result(provider, started, {
				status: target.status,
				reason: target.reason,
				reason_text: target.reason_text,
			});
		}
		if (!provider.supports.includes(target.type)) {
			return this.result(provider, started, {
				status: 'unsupported',
				reason: 'unsupported_type',
				reason_text: `${provider.displayName} does not look up ${typeLabel(target.type)} values.`,
			});
		}
		const key = `${provider.id}|${target.type}|${target.value}`;
		let lookup = this.cache.get(key);
		const cached = lookup !== undefined;
		if (!lookup) {
			lookup = this.lookup(provider, target, deadlineAt);
			this.cache.set(key, lookup);
		}
		const outcome = await untilDeadline(lookup, deadlineAt);
		if (outcome === DEADLINE) {
			return this.result(provider, started, {
				status: 'timeout',
				error: {
					code: 'deadline',
					message: `${provider.displayName} gave no answer before the IoC's deadline`,
				},
			});
		}
		return cached ? { ...outcome, cached: true, latencyMs: Date.now() - started } : outcome;
	}

	private pacer(provider: Provider): Pacer {
		let pacer = this.pacers.get(provider.id);
		if (!pacer) {
			pacer = new Pacer(this.options.limits[provider.id] ?? provider.limits);
			this.pacers.set(provider.id, pacer);
		}
		return pacer;
	}

	private async lookup(provider: Provider, ioc: Ioc, deadlineAt: number): Promise<ProviderResult> {
		const started = Date.now();
		const pacer = this.pacer(provider);
		let attempts = 0;
		let windowRetried = false;
		for (;;) {
			const blocked = this.blocked.get(provider.id);
			if (blocked) return this.result(provider, started, { status: blocked.status, error: blocked.error, attempts });

			const release = await pacer.acquire(deadlineAt);
			if (!release) {
				return this.result(provider, started, {
					status: 'rate_limited',
					attempts,
					error: {
						code: 'rate_limit',
						message: `${provider.displayName}'s request rate (${pacer.describe()}) left no free slot before the IoC's deadline; raise the deadline or the rate for a paid plan`,
					},
				});
			}
			attempts++;
			const attempt = await this.attempt(provider, ioc, deadlineAt, release);

			if (attempt.windowQuota) {
				const wait = attempt.retryAfterMs ?? 0;
				pacer.pauseUntil(Date.now() + wait);
				if (windowRetried) {
					const error: ProviderError = {
						code: 'quota',
						httpStatus: 429,
						message: `${attempt.error?.message ?? `${provider.displayName} answered 429`}, again after a ${formatSeconds(wait)} pause, so not the minute's; it is not asked again in this run`,
					};
					this.blocked.set(provider.id, { status: 'rate_limited', error });
					return this.fromAttempt(provider, started, { status: 'rate_limited', error, raw: attempt.raw }, attempts);
				}
				if (attempts <= this.options.maxRetries && Date.now() + wait < deadlineAt) {
					windowRetried = true;
					await sleep(wait);
					continue;
				}
				if (attempt.error) {
					attempt.error.message += attempts > this.options.maxRetries ? '; retries are off' : `; pausing ${formatSeconds(wait)} does not fit before this IoC's deadline`;
				}
				return this.fromAttempt(provider, started, attempt, attempts);
			}

			if (attempt.retryable && attempts <= this.options.maxRetries) {
				const budget = { attempts: this.options.maxRetries + 1, baseDelayMs: BACKOFF_BASE_MS, maxWaitMs: this.options.maxRetryWaitMs, deadlineAt };
				const next = nextRetry(budget, attempts, attempt.retryAfterMs);
				if (next.retry) {
					if (attempt.status === 'rate_limited') pacer.pauseUntil(Date.now() + next.waitMs);
					await sleep(next.waitMs);
					continue;
				}
				if (attempt.error && attempt.retryAfterMs !== undefined) {
					attempt.error.message += ` (asked to wait ${Math.ceil(attempt.retryAfterMs / 1000)} s, beyond the retry limit or the deadline)`;
				}
			} else if (attempt.retryable && attempt.error) {
				attempt.error.message += ` (tried ${attempts} times)`;
			}
			if (attempt.reading?.status === 'ok' && provider.followUp) {
				const next = provider.followUp(attempt.reading, ioc);
				if (next) attempt.reading = await this.follow(provider, next, attempt.reading, pacer, deadlineAt);
			}
			return this.fromAttempt(provider, started, attempt, attempts);
		}
	}

	/** The provider's second request; whatever goes wrong there only costs what it would have added. */
	private async follow(provider: Provider, next: FollowUp, first: ProviderReading, pacer: Pacer, deadlineAt: number): Promise<ProviderReading> {
		const release = await pacer.acquire(deadlineAt);
		if (!release) return next.unavailable(first, `no request slot before the IoC's deadline (${pacer.describe()})`);
		const exchanged = await this.exchange(provider, next.request, deadlineAt, release);
		if ('failed' in exchanged) return next.unavailable(first, exchanged.failed.error?.message ?? 'no answer');
		const { response } = exchanged;
		if (response.statusCode === 429) pacer.pauseUntil(Date.now() + (retryAfterMs(response.headers) ?? 0));
		if (response.statusCode !== 200 || response.json === undefined) {
			const said = shortSaid(response);
			return next.unavailable(first, `${provider.displayName} answered HTTP ${response.statusCode}${said ? `: ${said}` : ''}`);
		}
		try {
			return next.read(response, first);
		} catch (error) {
			return next.unavailable(first, `the answer could not be read: ${this.options.scrub(String((error as Error)?.message ?? error))}`);
		}
	}

	private async attempt(provider: Provider, ioc: Ioc, deadlineAt: number, release: () => void): Promise<Attempt> {
		let request: IHttpRequestOptions;
		try {
			request = provider.request(ioc);
		} catch (error) {
			release();
			return this.networkFailure(provider, error, this.options.timeoutMs);
		}
		const exchanged = await this.exchange(provider, request, deadlineAt, release);
		return 'failed' in exchanged ? exchanged.failed : this.classify(provider, ioc, exchanged.response);
	}

	/** One request and its answer (scrubbed, parsed), or why there is none. Releases the slot. */
	private async exchange(provider: Provider, request: IHttpRequestOptions, deadlineAt: number, release: () => void): Promise<Exchanged> {
		const timeoutMs = Math.min(this.options.timeoutMs, deadlineAt - Date.now());
		if (timeoutMs <= 0) {
			release();
			return { failed: { status: 'timeout', error: { code: 'deadline', message: `No time left before the IoC's deadline to ask ${provider.displayName}` } } };
		}
		let sending: ReturnType<Send>;
		try {
			sending = this.options.send(provider, { ...request, headers: { ...(request.headers ?? {}) } }, timeoutMs);
		} catch (error) {
			release();
			return { failed: this.networkFailure(provider, error, timeoutMs) };
		}
		// The slot is held until the request really ends, even when we stop waiting for it.
		sending.then(release, release);
		let raw: Awaited<ReturnType<Send>> | typeof DEADLINE;
		try {
			raw = await untilDeadline(sending, Date.now() + timeoutMs);
		} catch (error) {
			return { failed: this.networkFailure(provider, error, timeoutMs) };
		}
		if (raw === DEADLINE) return { failed: timedOut(provider, timeoutMs) };
		const text = this.options.scrub(raw.body);
		return { response: { statusCode: raw.statusCode, headers: lowerCaseKeys(raw.headers), json: parseJson(text), text } };
	}

	private classify(provider: Provider, ioc: Ioc, response: ProviderHttpResponse): Attempt {
		const text = response.text;
		const rawOut = this.options.includeRaw ? (response.json ?? truncate(text)) : undefined;
		const status = response.statusCode;
		const name = provider.displayName;
		const said = shortSaid(response);

		if (status === 429) {
			if (provider.quotaExhausted?.(response)) {
				const error: ProviderError = {
					code: 'quota',
					httpStatus: 429,
					message: `${name}'s API quota is used up${said ? ` (${said})` : ''}; it is not asked again in this run`,
				};
				this.blocked.set(provider.id, { status: 'rate_limited', error });
				return { status: 'rate_limited', error, raw: rawOut };
			}
			if (provider.windowQuota?.matches(response)) {
				return {
					status: 'rate_limited',
					windowQuota: true,
					retryAfterMs: provider.windowQuota.pauseMs,
					raw: rawOut,
					error: {
						code: 'rate_limit',
						httpStatus: 429,
						message: `${name} answered 429${said ? ` (${said})` : ''}: a per-minute, daily or monthly quota`,
					},
				};
			}
			const serverWaitMs = retryAfterMs(response.headers);
			return {
				status: 'rate_limited',
				retryable: true,
				retryAfterMs: serverWaitMs,
				raw: rawOut,
				error: {
					code: 'rate_limit',
					httpStatus: 429,
					message: `${name} answered 429 Too Many Requests${said ? ` (${said})` : ''}`,
					...(serverWaitMs !== undefined ? { retryAfterSec: Math.ceil(serverWaitMs / 1000) } : {}),
				},
			};
		}
		if (status === 401 || provider.keyRefused?.includes(status)) return this.keyRefused(provider, status, said, rawOut);
		if (status === 403) {
			return {
				status: 'error',
				raw: rawOut,
				error: { code: 'forbidden', httpStatus: 403, message: `${name} denied the lookup (HTTP 403${said ? `: ${said}` : ''}); the plan or key may not include this API` },
			};
		}
		if (status >= 500) {
			return {
				status: 'error',
				retryable: status !== 501,
				retryAfterMs: retryAfterMs(response.headers),
				raw: rawOut,
				error: { code: 'server_error', httpStatus: status, message: `${name} failed with HTTP ${status}${said ? ` (${said})` : ''}` },
			};
		}
		if (status >= 200 && status < 300 && response.json === undefined) {
			return {
				status: 'error',
				raw: rawOut,
				error: { code: 'malformed', httpStatus: status, message: `${name} answered HTTP ${status} with a body that is not JSON (${text.length} bytes)` },
			};
		}
		if (status === 404 && response.json === undefined) {
			// Real not-found answers are JSON; an HTML 404 means the base URL points somewhere else.
			return {
				status: 'error',
				raw: rawOut,
				error: { code: 'provider_status', httpStatus: 404, message: `${name} answered 404 with a non-JSON page; check the base URL in the credential` },
			};
		}
		try {
			const reading = provider.read(response, ioc);
			// abuse.ch may refuse a key in a 200 body (`unknown_auth_key`): refused all the same.
			if (reading.status === 'error' && reading.error?.code === 'auth') return this.keyRefused(provider, status, said, rawOut);
			return { reading, raw: rawOut };
		} catch (error) {
			return {
				status: 'error',
				raw: rawOut,
				error: { code: 'malformed', httpStatus: status, message: `${name}'s answer could not be read: ${this.options.scrub(String((error as Error)?.message ?? error))}` },
			};
		}
	}

	private keyRefused(provider: Provider, status: number, said: string, raw: unknown): Attempt {
		const error: ProviderError = {
			code: 'auth',
			httpStatus: status,
			message: `${provider.displayName} refused the API key (HTTP ${status}${said ? `: ${said}` : ''}). Check the "${this.options.credentialNames?.[provider.id] ?? provider.displayName}" credential`,
		};
		// A refused key stays refused: do not send it again for every other IoC.
		this.blocked.set(provider.id, { status: 'error', error });
		return { status: 'error', error, raw };
	}

	private networkFailure(provider: Provider, error: unknown, timeoutMs: number): Attempt {
		const problem = classifyNetworkError(error);
		if (problem.timedOut) return timedOut(provider, timeoutMs);
		const detail = this.options.scrub(problem.code || problem.message || 'network error').slice(0, 200);
		return {
			status: 'error',
			retryable: problem.transient,
			error: { code: 'network', message: `Could not reach ${provider.displayName} (${detail})` },
		};
	}

	private fromAttempt(provider: Provider, started: number, attempt: Attempt, attempts: number): ProviderResult {
		if (attempt.reading) {
			const r = attempt.reading;
			const verdict = r.status === 'ok' ? r.verdict : 'unknown';
			return this.result(provider, started, {
				status: r.status,
				verdict,
				benignSignal: verdict === 'benign' ? (r.benignSignal ?? 'context') : undefined,
				score: r.score,
				confidence: r.confidence,
				tags: r.tags,
				firstSeen: r.firstSeen,
				lastSeen: r.lastSeen,
				link: r.link,
				reasons: r.status === 'ok' ? r.reasons : undefined,
				evidence: r.evidence,
				error: r.error,
				attempts,
				raw: attempt.raw,
			});
		}
		return this.result(provider, started, {
			status: attempt.status ?? 'error',
			error: attempt.error,
			attempts,
			raw: attempt.raw,
		});
	}

	private result(provider: Provider, started: number, fields: Partial<ProviderResult>): ProviderResult {
		// Built field by field so every result reads in the same order and has no undefined fields.
		const result = { provider: provider.id, name: provider.displayName } as ProviderResult;
		const out = result as unknown as IDataObject;
		const put = (field: keyof ProviderResult, value: unknown) => {
			if (value !== undefined) out[field] = value as IDataObject[string];
		};
		put('status', fields.status ?? 'error');
		put('verdict', fields.verdict ?? 'unknown');
		put('benignSignal', fields.benignSignal);
		put('score', fields.score);
		put('confidence', fields.confidence);
		put('tags', fields.tags ?? []);
		put('firstSeen', fields.firstSeen);
		put('lastSeen', fields.lastSeen);
		put('link', fields.link);
		put('reasons', fields.reasons ?? []);
		put('evidence', fields.evidence ?? {});
		put('error', fields.error);
		put('reason', fields.reason);
		put('reason_text', fields.reason_text);
		put('cached', false);
		put('latencyMs', Date.now() - started);
		put('fetchedAt', new Date().toISOString());
		put('attempts', fields.attempts ?? 0);
		if (this.options.includeRaw) put('raw', fields.raw);
		return result;
	}
}

function timedOut(provider: Provider, timeoutMs: number): Attempt {
	return {
		status: 'timeout',
		error: { code: 'timeout', message: `${provider.displayName} did not answer within ${formatSeconds(timeoutMs)}` },
	};
}

function formatSeconds(ms: number): string {
	return `${Math.round(ms / 100) / 10} s`;
}

function lowerCaseKeys(headers: Record<string, string | string[] | undefined>): Record<string, string | string[] | undefined> {
	const out: Record<string, string | string[] | undefined> = {};
	for (const [key, value] of Object.entries(headers ?? {})) out[key.toLowerCase()] = value;
	return out;
}

function parseJson(text: string): unknown {
	if (!/^\s*[[{]/.test(text)) return undefined;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

function truncate(text: string): string {
	return text.length > MAX_RAW_CHARS ? `${text.slice(0, MAX_RAW_CHARS)}…` : text;
}

function shortSaid(response: ProviderHttpResponse): string {
	const body = response.json as IDataObject | undefined;
	const candidates: unknown[] = [];
	if (body && typeof body === 'object' && !Array.isArray(body)) {
		const error = body.error as IDataObject | string | undefined;
		candidates.push(typeof error === 'object' && error ? (error.message ?? error.code) : error);
		const errors = body.errors as IDataObject[] | undefined;
		if (Array.isArray(errors)) candidates.push(errors[0]?.detail);
		candidates.push(body.message, body.detail, body.query_status);
	}
	const text = candidates.find((c): c is string => typeof c === 'string' && c.length > 0) ?? '';
	return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

export function typeLabel(type: string): string {
	return ({ ipv4: 'IPv4', ipv6: 'IPv6', domain: 'domain', url: 'URL', md5: 'MD5', sha1: 'SHA1', sha256: 'SHA256' } as Record<string, string>)[type] ?? type;
}
