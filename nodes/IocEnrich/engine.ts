/**
 * The fan-out: every picked provider for one IoC at once, every IoC at once, each provider
 * behind its own pacer. Created per execution, so pacer, quota and cache state never
 * outlive the run. A slow or failing provider only ever costs its own result.
 */
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { classifyNetworkError, looksLikeHtml, nextRetry, retryAfterMs } from '../shared/http';
import type { PaceLimit } from '../shared/pacing';
import { DEADLINE, Pacer, untilDeadline } from '../shared/pacing';
import { providerMessage } from './providers/util';
import type {
	FollowUp,
	Ioc,
	Poll,
	Provider,
	ProviderError,
	ProviderHttpResponse,
	ProviderReading,
	ProviderResult,
} from './types';

/** Sends one request (relative URL) with the provider's credential; throws on network failure. */
export type Send = (
	provider: Provider,
	options: IHttpRequestOptions,
	timeoutMs: number,
) => Promise<{
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: string;
	/** The body as it came, for a request that asked for bytes (`encoding: 'arraybuffer'`). */
	bytes?: Buffer;
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
	/** The node's Provider Options, handed to `Provider.request`. */
	settings?: IDataObject;
	/** Whether the execution was stopped (no more polls). */
	cancelled?: () => boolean;
}

/** An IoC that must not or cannot be looked up: every provider reports `status` with the reason. */
export interface NotSent {
	status: 'skipped' | 'unsupported';
	reason: string;
	reason_text: string;
}

/** A Retry-After this long names a daily or monthly quota, not a short window. */
const QUOTA_WAIT_MS = 3_600_000;
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

/** An answer that is an error of the provider's, not a reading. */
function failedAttempt(code: string, httpStatus: number, message: string, raw: unknown): Attempt {
	return { status: 'error', raw, error: { code, http_status: httpStatus, message } };
}

/** What one lookup sends and how it reads the answer (one IoC, or a batch of them). */
interface Query {
	request(): IHttpRequestOptions;
	read(response: ProviderHttpResponse): ProviderReading;
}

function cacheKey(provider: Provider, ioc: Ioc): string {
	return `${provider.id}|${provider.askedAs?.(ioc) ?? `${ioc.type}|${ioc.value}`}`;
}

type Exchanged = { response: ProviderHttpResponse } | { failed: Attempt };

export class EnrichmentEngine {
	private readonly pacers = new Map<string, Pacer>();

	/** Providers switched off for the rest of the run (quota used up, key refused): not asked again. */
	private readonly switchedOff = new Map<
		string,
		{ status: 'rate_limited' | 'error'; error: ProviderError }
	>();

	/** The same IoC in several items is asked once per provider. */
	private readonly cache = new Map<string, Promise<ProviderResult>>();

	/** Cache entries prefetched for a batch provider and not read by an item yet. */
	private readonly prefetched = new Set<string>();

	constructor(private readonly options: EngineOptions) {}

	/** One result per provider, in the order given; resolves by `deadlineAt` at the latest. */
	async enrich(
		target: Ioc | NotSent,
		providers: readonly Provider[],
		deadlineAt: number,
	): Promise<ProviderResult[]> {
		return await Promise.all(
			providers.map(async (provider) => await this.forProvider(provider, target, deadlineAt)),
		);
	}

	private async forProvider(
		provider: Provider,
		target: Ioc | NotSent,
		deadlineAt: number,
	): Promise<ProviderResult> {
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
		const key = cacheKey(provider, target);
		let lookup = this.cache.get(key);
		// A prefetched answer is this item's own the first time it is read.
		const cached = lookup !== undefined && !this.prefetched.delete(key);
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
		return cached ? { ...outcome, cached: true, latency_ms: Date.now() - started } : outcome;
	}

	private pacer(provider: Provider): Pacer {
		let pacer = this.pacers.get(provider.id);
		if (!pacer) {
			pacer = new Pacer(this.options.limits[provider.id] ?? provider.limits);
			this.pacers.set(provider.id, pacer);
		}
		return pacer;
	}

	/**
	 * Looks up, ahead of the items, every IoC of this execution a batch provider supports (Safe
	 * Browsing: up to 500 URLs a request), so the items find their answers in the cache.
	 */
	prefetch(
		targets: ReadonlyArray<Ioc | NotSent>,
		providers: readonly Provider[],
		deadlineAt: number,
	): void {
		for (const provider of providers) {
			const batch = provider.batch;
			if (!batch) continue;
			const fresh = new Map<string, Ioc>();
			for (const target of targets) {
				if ('status' in target || !provider.supports.includes(target.type)) continue;
				const key = cacheKey(provider, target);
				if (!this.cache.has(key) && !fresh.has(key)) fresh.set(key, target);
			}
			const entries = [...fresh];
			for (let start = 0; start < entries.length; start += batch.max) {
				const chunk = entries.slice(start, start + batch.max);
				const results = this.lookupBatch(
					provider,
					chunk.map(([, ioc]) => ioc),
					deadlineAt,
				);
				chunk.forEach(([key], index) => {
					this.cache.set(
						key,
						results.then((list) => list[index]),
					);
					this.prefetched.add(key);
				});
			}
		}
	}

	/** One request for many IoCs; each gets its own reading, or the request's failure. */
	private async lookupBatch(
		provider: Provider,
		iocs: Ioc[],
		deadlineAt: number,
	): Promise<ProviderResult[]> {
		const batch = provider.batch as NonNullable<Provider['batch']>;
		const started = Date.now();
		let readings: ProviderReading[] | undefined;
		let raw: unknown;
		const query: Query = {
			request: () => batch.request(iocs),
			read: (response) => {
				// A refusal or an error answers for the whole batch, in the provider's own words.
				if (response.statusCode !== 200) return provider.read(response, iocs[0]);
				readings = batch.read(response, iocs);
				raw = response.json;
				return { status: 'ok', verdict: 'unknown' };
			},
		};
		const whole = await this.lookup(provider, iocs[0], deadlineAt, query);
		return iocs.map((_ioc, index) => {
			const reading = readings?.[index];
			if (whole.status !== 'ok' || !reading) return { ...whole, latency_ms: Date.now() - started };
			return this.fromAttempt(
				provider,
				started,
				{ reading, raw: this.options.includeRaw ? raw : undefined },
				whole.attempts,
			);
		});
	}

	private async lookup(
		provider: Provider,
		ioc: Ioc,
		deadlineAt: number,
		asked?: Query,
	): Promise<ProviderResult> {
		const query: Query = asked ?? {
			request: () => provider.request(ioc, this.options.settings ?? {}),
			read: (response) => provider.read(response, ioc),
		};
		const started = Date.now();
		const pacer = this.pacer(provider);
		let attempts = 0;
		let windowRetried = false;
		for (;;) {
			const off = this.switchedOff.get(provider.id);
			if (off)
				return this.result(provider, started, { status: off.status, error: off.error, attempts });

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
			const attempt = await this.attempt(provider, query, deadlineAt, release);

			if (attempt.windowQuota) {
				const wait = attempt.retryAfterMs ?? 0;
				pacer.pauseUntil(Date.now() + wait);
				if (windowRetried) {
					const why = `again after a ${formatSeconds(wait)} pause, so not the minute's`;
					return this.quotaUsedUp(provider, started, attempt, attempts, why);
				}
				if (attempts <= this.options.maxRetries && Date.now() + wait < deadlineAt) {
					windowRetried = true;
					await sleep(wait);
					continue;
				}
				if (attempt.error) {
					attempt.error.message +=
						attempts > this.options.maxRetries
							? '; retries are off'
							: `; pausing ${formatSeconds(wait)} does not fit before this IoC's deadline`;
				}
				return this.fromAttempt(provider, started, attempt, attempts);
			}

			if (attempt.retryable && attempts <= this.options.maxRetries) {
				const budget = {
					attempts: this.options.maxRetries + 1,
					baseDelayMs: BACKOFF_BASE_MS,
					maxWaitMs: this.options.maxRetryWaitMs,
					deadlineAt,
				};
				const next = nextRetry(budget, attempts, attempt.retryAfterMs);
				if (next.retry) {
					if (attempt.status === 'rate_limited') pacer.pauseUntil(Date.now() + next.waitMs);
					await sleep(next.waitMs);
					continue;
				}
				// A 429 asking to wait an hour or more is a used-up quota (a day's, a month's), whatever
				// the provider calls it: every later IoC would get the same answer, so it is off for the run.
				if (
					attempt.status === 'rate_limited' &&
					attempt.retryAfterMs !== undefined &&
					attempt.retryAfterMs >= QUOTA_WAIT_MS
				) {
					const why = `it asks to wait ${formatSeconds(attempt.retryAfterMs)}, so its quota is taken as used up`;
					return this.quotaUsedUp(provider, started, attempt, attempts, why);
				}
				if (attempt.error && attempt.retryAfterMs !== undefined) {
					attempt.error.message += ` (asked to wait ${Math.ceil(attempt.retryAfterMs / 1000)} s, beyond the retry limit or the deadline)`;
				}
			} else if (attempt.retryable && attempt.error) {
				attempt.error.message += ` (tried ${attempts} times)`;
			}
			if (attempt.reading?.status === 'ok' && provider.followUp && !asked) {
				const next = provider.followUp(attempt.reading, ioc);
				if (next)
					attempt.reading = await this.follow(provider, next, attempt.reading, pacer, deadlineAt);
			}
			return this.fromAttempt(provider, started, attempt, attempts);
		}
	}

	/** A 429 that will not clear in this run: the provider is switched off for the rest of it. */
	private quotaUsedUp(
		provider: Provider,
		started: number,
		attempt: Attempt,
		attempts: number,
		why: string,
	): ProviderResult {
		const error: ProviderError = {
			code: 'quota',
			http_status: 429,
			message: `${attempt.error?.message ?? `${provider.displayName} answered 429`}, ${why}; it is not asked again in this run`,
		};
		this.switchedOff.set(provider.id, { status: 'rate_limited', error });
		return this.fromAttempt(
			provider,
			started,
			{ status: 'rate_limited', error, raw: attempt.raw },
			attempts,
		);
	}

	/** The provider's second request; whatever goes wrong there only costs what it would have added. */
	private async follow(
		provider: Provider,
		first: FollowUp,
		firstReading: ProviderReading,
		pacer: Pacer,
		deadlineAt: number,
	): Promise<ProviderReading> {
		let next = first;
		let reading = firstReading;
		for (;;) {
			const release = await pacer.acquire(deadlineAt);
			if (!release)
				return next.unavailable(
					reading,
					`no request slot before the IoC's deadline (${pacer.describe()})`,
				);
			const exchanged = await this.exchange(provider, next.request, deadlineAt, release);
			if ('failed' in exchanged)
				return next.unavailable(reading, exchanged.failed.error?.message ?? 'no answer');
			const { response } = exchanged;
			if (response.statusCode === 429)
				pacer.pauseUntil(Date.now() + (retryAfterMs(response.headers) ?? 0));
			if (response.statusCode !== 200 || response.json === undefined) {
				const quoted = providerMessage(response);
				return next.unavailable(
					reading,
					`${provider.displayName} answered HTTP ${response.statusCode}${quoted ? `: ${quoted}` : ''}`,
				);
			}
			let out: ProviderReading | Poll;
			try {
				out = next.read(response, reading);
			} catch (error) {
				return next.unavailable(
					reading,
					`the answer could not be read: ${this.options.scrub(String((error as Error)?.message ?? error))}`,
				);
			}
			if (!('next' in out)) return out;
			// An asynchronous search: poll again, within the IoC's deadline, unless the run was stopped.
			if (this.options.cancelled?.())
				return out.next.unavailable(out.reading, 'the execution was stopped');
			if (Date.now() + out.waitMs >= deadlineAt)
				return out.next.unavailable(
					out.reading,
					"the search had not finished by the IoC's deadline",
				);
			await sleep(out.waitMs);
			reading = out.reading;
			next = out.next;
		}
	}

	private async attempt(
		provider: Provider,
		query: Query,
		deadlineAt: number,
		release: () => void,
	): Promise<Attempt> {
		let request: IHttpRequestOptions;
		try {
			request = query.request();
		} catch (error) {
			release();
			return this.networkFailure(provider, error, this.options.timeoutMs);
		}
		const exchanged = await this.exchange(provider, request, deadlineAt, release);
		return 'failed' in exchanged
			? exchanged.failed
			: this.classify(provider, query, exchanged.response);
	}

	/** One request and its answer (scrubbed, parsed), or why there is none. Releases the slot. */
	private async exchange(
		provider: Provider,
		request: IHttpRequestOptions,
		deadlineAt: number,
		release: () => void,
	): Promise<Exchanged> {
		const timeoutMs = Math.min(this.options.timeoutMs, deadlineAt - Date.now());
		if (timeoutMs <= 0) {
			release();
			return {
				failed: {
					status: 'timeout',
					error: {
						code: 'deadline',
						message: `No time left before the IoC's deadline to ask ${provider.displayName}`,
					},
				},
			};
		}
		let sending: ReturnType<Send>;
		try {
			sending = this.options.send(
				provider,
				{ ...request, headers: { ...(request.headers ?? {}) } },
				timeoutMs,
			);
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
		if (
			raw.bytes &&
			this.options.scrub(raw.bytes.toString('latin1')) !== raw.bytes.toString('latin1')
		) {
			// A file cannot be scrubbed like text: one that repeats a key is not output at all.
			return {
				failed: {
					status: 'error',
					error: {
						code: 'malformed',
						http_status: raw.statusCode,
						message: `${provider.displayName}'s answer repeated a secret of its credential, so it is not output`,
					},
				},
			};
		}
		const text = this.options.scrub(raw.body);
		const endpoint = this.options
			.scrub(`${request.method ?? 'GET'} ${String(request.url ?? '/').split('?')[0]}`)
			.slice(0, 200);
		return {
			response: {
				statusCode: raw.statusCode,
				headers: lowerCaseKeys(raw.headers),
				json: parseJson(text),
				text,
				...(raw.bytes ? { bytes: raw.bytes } : {}),
				endpoint,
			},
		};
	}

	private classify(provider: Provider, query: Query, response: ProviderHttpResponse): Attempt {
		const text = response.text;
		const rawOut =
			this.options.includeRaw && !(response.bytes && response.json === undefined)
				? (response.json ?? truncate(text))
				: undefined;
		const status = response.statusCode;
		const name = provider.displayName;
		const quoted = providerMessage(response);

		if (status === 429) {
			if (provider.quotaExhausted?.(response)) {
				const error: ProviderError = {
					code: 'quota',
					http_status: 429,
					message: `${name}'s API quota is used up${quoted ? ` (${quoted})` : ''}; it is not asked again in this run`,
				};
				this.switchedOff.set(provider.id, { status: 'rate_limited', error });
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
						http_status: 429,
						message: `${name} answered 429${quoted ? ` (${quoted})` : ''}: a per-minute, daily or monthly quota`,
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
					http_status: 429,
					message: `${name} answered 429 Too Many Requests${quoted ? ` (${quoted})` : ''}`,
					...(serverWaitMs !== undefined
						? { retry_after_sec: Math.ceil(serverWaitMs / 1000) }
						: {}),
				},
			};
		}
		if (provider.quotaStatuses?.includes(status)) {
			const error: ProviderError = {
				code: 'quota',
				http_status: status,
				message: `${name}'s credits or quota are used up (HTTP ${status}${quoted ? `: ${quoted}` : ''}); it is not asked again in this run`,
			};
			this.switchedOff.set(provider.id, { status: 'rate_limited', error });
			return { status: 'rate_limited', error, raw: rawOut };
		}
		if (status === 401 || provider.keyRefused?.includes(status))
			return this.keyRefused(provider, status, quoted, rawOut);
		if (status === 403) {
			return failedAttempt(
				'forbidden',
				403,
				`${name} denied the lookup (HTTP 403${quoted ? `: ${quoted}` : ''}); the plan or key may not include this API`,
				rawOut,
			);
		}
		if (status >= 500) {
			return {
				status: 'error',
				retryable: status !== 501,
				retryAfterMs: retryAfterMs(response.headers),
				raw: rawOut,
				error: {
					code: 'server_error',
					http_status: status,
					message: `${name} failed with HTTP ${status}${quoted ? ` (${quoted})` : ''}`,
				},
			};
		}
		if (status >= 200 && status < 300 && response.json === undefined && !response.bytes) {
			return failedAttempt(
				'malformed',
				status,
				`${name} answered HTTP ${status} to ${response.endpoint} with ${looksLikeHtml(text) ? 'an HTML page' : `a body that is not JSON (${text.length} bytes)`} instead of its JSON; check the base URL in the credential (a proxy or login page may be answering)`,
				rawOut,
			);
		}
		if (status === 404 && response.json === undefined) {
			// Real not-found answers are JSON; an HTML 404 means the base URL points somewhere else.
			return failedAttempt(
				'provider_status',
				404,
				`${name} answered 404 with a non-JSON page; check the base URL in the credential`,
				rawOut,
			);
		}
		try {
			const reading = query.read(response);
			// abuse.ch may refuse a key in a 200 body (`unknown_auth_key`): refused all the same.
			if (reading.status === 'error' && reading.error?.code === 'auth')
				return this.keyRefused(provider, status, quoted, rawOut);
			return { reading, raw: rawOut };
		} catch (error) {
			return failedAttempt(
				'malformed',
				status,
				`${name}'s answer could not be read: ${this.options.scrub(String((error as Error)?.message ?? error))}`,
				rawOut,
			);
		}
	}

	private keyRefused(provider: Provider, status: number, quoted: string, raw: unknown): Attempt {
		const error: ProviderError = {
			code: 'auth',
			http_status: status,
			message: `${provider.displayName} refused the API key (HTTP ${status}${quoted ? `: ${quoted}` : ''}). Check the "${provider.credentialName ?? provider.displayName}" credential`,
		};
		// A refused key stays refused: do not send it again for every other IoC.
		this.switchedOff.set(provider.id, { status: 'error', error });
		return { status: 'error', error, raw };
	}

	private networkFailure(provider: Provider, error: unknown, timeoutMs: number): Attempt {
		const problem = classifyNetworkError(error);
		if (problem.timedOut) return timedOut(provider, timeoutMs);
		const detail = this.options
			.scrub(problem.code || problem.message || 'network error')
			.slice(0, 200);
		return {
			status: 'error',
			retryable: problem.transient,
			error: { code: 'network', message: `Could not reach ${provider.displayName} (${detail})` },
		};
	}

	private fromAttempt(
		provider: Provider,
		started: number,
		attempt: Attempt,
		attempts: number,
	): ProviderResult {
		if (attempt.reading) {
			const r = attempt.reading;
			const verdict = r.status === 'ok' ? r.verdict : 'unknown';
			return this.result(provider, started, {
				status: r.status,
				verdict,
				benign_signal: verdict === 'benign' ? (r.benignSignal ?? 'context') : undefined,
				score: r.score,
				confidence: r.confidence,
				tags: r.tags,
				first_seen: r.firstSeen,
				last_seen: r.lastSeen,
				link: r.link,
				reasons: r.status === 'ok' ? r.reasons : undefined,
				evidence: r.evidence,
				error: r.error,
				attempts,
				raw: attempt.raw,
				binary: r.status === 'ok' ? r.binary : undefined,
			});
		}
		return this.result(provider, started, {
			status: attempt.status ?? 'error',
			error: attempt.error,
			attempts,
			raw: attempt.raw,
		});
	}

	private result(
		provider: Provider,
		started: number,
		fields: Partial<ProviderResult>,
	): ProviderResult {
		// Built field by field so every result reads in the same order and has no undefined fields.
		const result = { provider: provider.id, name: provider.displayName } as ProviderResult;
		const out = result as unknown as IDataObject;
		const put = (field: keyof ProviderResult, value: unknown) => {
			if (value !== undefined) out[field] = value as IDataObject[string];
		};
		put('status', fields.status ?? 'error');
		put('verdict', fields.verdict ?? 'unknown');
		put('benign_signal', fields.benign_signal);
		put('score', fields.score);
		put('confidence', fields.confidence);
		put('tags', fields.tags ?? []);
		put('first_seen', fields.first_seen);
		put('last_seen', fields.last_seen);
		put('link', fields.link);
		put('reasons', fields.reasons ?? []);
		put('evidence', fields.evidence ?? {});
		put('error', fields.error);
		put('reason', fields.reason);
		put('reason_text', fields.reason_text);
		put('cached', false);
		put('latency_ms', Date.now() - started);
		put('fetched_at', new Date().toISOString());
		put('attempts', fields.attempts ?? 0);
		if (this.options.includeRaw) put('raw', fields.raw);
		// Not JSON: the node moves it to the item's binary data.
		if (fields.binary) result.binary = fields.binary;
		return result;
	}
}

function timedOut(provider: Provider, timeoutMs: number): Attempt {
	return {
		status: 'timeout',
		error: {
			code: 'timeout',
			message: `${provider.displayName} did not answer within ${formatSeconds(timeoutMs)}`,
		},
	};
}

function formatSeconds(ms: number): string {
	return `${Math.round(ms / 100) / 10} s`;
}

function lowerCaseKeys(
	headers: Record<string, string | string[] | undefined>,
): Record<string, string | string[] | undefined> {
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

export function typeLabel(type: string): string {
	return (
		(
			{
				ipv4: 'IPv4',
				ipv6: 'IPv6',
				domain: 'domain',
				url: 'URL',
				md5: 'MD5',
				sha1: 'SHA1',
				sha256: 'SHA256',
			} as Record<string, string>
		)[type] ?? type
	);
}
