/**
 * The one set of HTTP helpers under every outbound call of the package: the Assemblyline
 * transport (transport.ts), the enrichment sender (IocEnrich) and the firewall pushes. Each
 * caller keeps its own words for the user; what an answer's body is, what a network error
 * means, how long to wait before a retry and which text must never show a secret are
 * decided here, once.
 *
 * Pure functions: no timers, no module state (the waiting itself is n8n-workflow's `sleep`, in
 * the callers and in pacing.ts).
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

/** A response body as text: n8n hands over a string, a Buffer or (with `json`) an object. */
export function bodyText(body: unknown): string {
	if (typeof body === 'string') return body;
	if (body === undefined || body === null) return '';
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	return JSON.stringify(body);
}

/** Whether a body is an HTML page (a proxy, login or error page), not the API's answer. */
export function looksLikeHtml(text: string): boolean {
	return /^\s*</.test(text);
}

/** What a thrown request error means, with nothing of the request (headers, query) kept. */
export interface NetworkProblem {
	/** The system or library code (ECONNRESET, ETIMEDOUT…), empty when there is none. */
	code: string;
	/** The error's own message (and its cause's), for the caller to scrub before showing. */
	message: string;
	/** The request (or the connection) ran out of time. */
	timedOut: boolean;
	/** The TLS certificate could not be verified: retrying does not help. */
	tls: boolean;
	/** The name did not resolve: retrying does not help. */
	unknownHost: boolean;
	/** A dropped, refused or reset connection: a retry may succeed. */
	transient: boolean;
}

const TIMEOUT = /ETIMEDOUT|ECONNABORTED|timeout|timed out/i;
const TLS = /certificate|self.signed|SSL|TLS/i;
const TRANSIENT =
	/ECONNRESET|ECONNREFUSED|EPIPE|socket hang up|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|aborted/i;

/**
 * Classifies an error thrown by n8n's request helpers. Only the code and messages are read: the
 * original error carries the request config, whose headers and query hold the API key.
 */
export function classifyNetworkError(error: unknown): NetworkProblem {
	const err = (error ?? {}) as {
		code?: unknown;
		message?: unknown;
		cause?: { code?: unknown; message?: unknown };
	};
	const code = String(err.code ?? err.cause?.code ?? '');
	const message = [err.message, err.cause?.message]
		.filter((part) => typeof part === 'string' && part !== '')
		.join(' ');
	const text = `${code} ${message}`;
	const tls = TLS.test(text);
	const unknownHost = /ENOTFOUND/.test(text);
	const timedOut = TIMEOUT.test(text);
	return {
		code,
		message,
		timedOut,
		tls,
		unknownHost,
		transient: !timedOut && !tls && !unknownHost && TRANSIENT.test(text),
	};
}

/**
 * Capped exponential backoff with jitter: between half and all of `baseMs · 2^(attempt-1)`
 * (at most `maxMs`). The jitter spreads the retries of parallel executions that failed together.
 */
export function backoffMs(
	attempt: number,
	baseMs: number,
	maxMs = Number.POSITIVE_INFINITY,
): number {
	const ceiling = Math.min(maxMs, baseMs * 2 ** (Math.max(1, attempt) - 1));
	return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
	for (const [key, value] of Object.entries(headers ?? {})) {
		if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
	}
	return undefined;
}

/**
 * Retry-After (delay-seconds or an HTTP date, RFC 9110 §10.2.3), or urlscan's
 * X-Rate-Limit-Reset-After, in ms; undefined when the answer names no wait.
 */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
	const value = header(headers, 'retry-after') ?? header(headers, 'x-rate-limit-reset-after');
	if (value === undefined || value.trim() === '') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** How many attempts a call may make and how long it may wait between them. */
export interface RetryBudget {
	/** Attempts in all, the first included. */
	attempts: number;
	baseDelayMs: number;
	maxDelayMs?: number;
	/** The longest wait (a server's Retry-After included) worth making. */
	maxWaitMs?: number;
	/** Epoch ms by which the call must be over. */
	deadlineAt?: number;
}

/** Wait `waitMs`, then try again; or stop, and why. */
export type RetryDecision =
	{ retry: true; waitMs: number } | { retry: false; why: 'attempts' | 'too_long'; waitMs?: number };

/**
 * After failed attempt number `attempt` (1-based): retry after the server's Retry-After if it
 * named one, else after a jittered backoff, as long as the budget has attempts left and the
 * wait fits under `maxWaitMs` and before `deadlineAt`.
 */
export function nextRetry(
	budget: RetryBudget,
	attempt: number,
	serverWaitMs?: number,
	now = Date.now(),
): RetryDecision {
	if (attempt >= budget.attempts) return { retry: false, why: 'attempts' };
	const waitMs = serverWaitMs ?? backoffMs(attempt, budget.baseDelayMs, budget.maxDelayMs);
	const tooLong =
		waitMs > (budget.maxWaitMs ?? Number.POSITIVE_INFINITY) ||
		now + waitMs >= (budget.deadlineAt ?? Number.POSITIVE_INFINITY);
	return tooLong ? { retry: false, why: 'too_long', waitMs } : { retry: true, waitMs };
}

/** A `key=`, `apikey=`, `api_key=`, `auth-key=` or `token=` query parameter, wherever a URL is quoted. */
const KEY_IN_URL = /([?&](?:key|apikey|api_key|auth-key|token)=)[^&\s"'#]+/gi;

/**
 * The secret values of a credential: the named fields, or every text field but the URLs. For a
 * `name:secret` key, the part after the colon is a secret on its own too.
 */
export function credentialSecrets(
	credentials: ICredentialDataDecryptedObject,
	fields?: readonly string[],
): string[] {
	const secrets: string[] = [];
	for (const [field, value] of Object.entries(credentials ?? {})) {
		if (typeof value !== 'string') continue;
		if (fields ? !fields.includes(field) : /url$/i.test(field)) continue;
		secrets.push(value);
		const colon = value.indexOf(':');
		if (colon >= 0) secrets.push(value.slice(colon + 1));
	}
	return secrets;
}

/**
 * Cuts every secret (at least `minLength` characters, longest first) and any key-bearing query
 * parameter from text that may reach output or an error: a proxy or a careless server may echo
 * the request back.
 */
export function redactor(secrets: Iterable<string>, minLength = 4): (text: string) => string {
	const list = [...new Set(secrets)].filter((secret) => secret.length >= minLength);
	list.sort((a, b) => b.length - a.length);
	return (text) => {
		let out = String(text ?? '');
		for (const secret of list) out = out.split(secret).join('[redacted]');
		return out.replace(KEY_IN_URL, '$1[redacted]');
	};
}
