/**
 * The one place that talks HTTP to Assemblyline.
 *
 * Every call goes through n8n's `httpRequestWithAuthentication` (proxy settings, SSRF policy,
 * per-credential TLS switch, cancellation of a stopped execution). Status codes are read here,
 * not by n8n, so that every failure gets a message that says what to do and never carries
 * request headers (the API key) along.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	IPollFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import {
	bodyText,
	classifyNetworkError,
	credentialSecrets,
	looksLikeHtml,
	nextRetry,
	redactor,
} from './http';

export const CREDENTIAL_TYPE = 'assemblylineApi';

export type AssemblylineContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

export interface AssemblylineRequest {
	method: IHttpRequestMethods;
	/** Path under the server URL; Assemblyline routes all end with `/`. */
	path: string;
	qs?: IDataObject;
	body?: IDataObject | IDataObject[] | string;
	/** Return the body as text instead of unwrapping the JSON envelope (the ontology is NDJSON). */
	raw?: boolean;
	/** Which input item asked, for the error. */
	itemIndex?: number;
	/** What a 404 means for this call, e.g. "Check the submission ID". */
	notFoundHint?: string;
	/** Default: LONG_TIMEOUT_MS for searches and raw downloads (the ontology), DEFAULT_TIMEOUT_MS otherwise. */
	timeoutMs?: number;
	/** Sees the headers of the successful answer (e.g. `date`, the server's clock). */
	onHeaders?: (headers: IDataObject) => void;
	/**
	 * A raw body (a multipart file upload), built anew for every attempt so that a retry sends the
	 * whole body again: a stream can be read once only.
	 */
	upload?: () => Promise<{
		body: NodeJS.ReadableStream | Buffer;
		contentType: string;
		contentLength?: number;
	}>;
	/**
	 * The call creates something (a submission): retried only when Assemblyline refused it before
	 * doing anything (the concurrency quota 503), never after a 502/504 or a cut connection, which
	 * may come after the server acted (a retry would submit twice).
	 */
	createsObject?: boolean;
}

/**
 * Retry policy (docs/architecture.md, Runtime rules): bounded attempts, capped exponential backoff with jitter.
 * `attempts` bounds a 503 concurrency quota, which clears as soon as the user's other calls finish:
 * with many executions in parallel a call can wait several seconds for a free slot (100 executions
 * against a quota of 10 exhausted 6 attempts, test/reliability/load.test.ts). Faults that may not
 * clear (502, 504, other 5xx, network errors, cut answers) stop after `otherAttempts`. The 2 s cap
 * is the official Python client's.
 */
export const RETRY = Object.freeze({
	attempts: 12,
	otherAttempts: 6,
	baseDelayMs: 200,
	maxDelayMs: 2000,
});
export const DEFAULT_TIMEOUT_MS = 60_000;
/**
 * Searches and ontology downloads can take minutes on a large Assemblyline. A read timeout is not
 * retried (see networkFailure), so it must be long enough for the slow but healthy case.
 */
export const LONG_TIMEOUT_MS = 300_000;

/** The timeout a request gets unless the caller sets one. */
export function defaultTimeoutMs(request: Pick<AssemblylineRequest, 'path' | 'raw'>): number {
	return request.raw || request.path.startsWith('/api/v4/search/')
		? LONG_TIMEOUT_MS
		: DEFAULT_TIMEOUT_MS;
}

/** Accepts `al.example.org`, `https://al.example.org/`, `http://127.0.0.1:8443`. */
export function normaliseServerUrl(url: string): string {
	const trimmed = String(url ?? '').trim();
	const withScheme = /^https?:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
	return withScheme.replace(/\/+$/, '');
}

/** What went wrong, in terms of what the caller should do about it. */
interface Failure {
	retryable: boolean;
	/** The concurrency quota: retried up to RETRY.attempts, other retryable faults up to RETRY.otherAttempts. */
	busy?: boolean;
	message: string;
	description: string;
	httpCode?: number;
}

export async function assemblylineRequest<T = unknown>(
	context: AssemblylineContext,
	request: AssemblylineRequest,
): Promise<T> {
	const credentials = await context.getCredentials(CREDENTIAL_TYPE);
	const options = buildOptions(request, credentials);
	// The API key (whole, and its secret after "name:"): a proxy or a careless server may echo the
	// request headers back in its error message.
	const redact = redactor(credentialSecrets(credentials, ['apiKey']), 6);
	const endpoint = `${request.method} ${request.path}`;

	for (let attempt = 1; ; attempt++) {
		let failure: Failure;
		if (request.upload) {
			const upload = await request.upload();
			options.body = upload.body as IHttpRequestOptions['body'];
			options.headers = {
				...options.headers,
				'Content-Type': upload.contentType,
				...(upload.contentLength !== undefined
					? { 'Content-Length': String(upload.contentLength) }
					: {}),
			};
		}
		try {
			const response = (await context.helpers.httpRequestWithAuthentication.call(
				context,
				CREDENTIAL_TYPE,
				options,
			)) as IN8nHttpFullResponse;
			const outcome = readResponse(response, request);
			if (!('failure' in outcome)) {
				request.onHeaders?.((response.headers ?? {}) as IDataObject);
				return outcome.value as T;
			}
			failure = outcome.failure;
		} catch (error) {
			failure = networkFailure(error, options.timeout ?? DEFAULT_TIMEOUT_MS);
		}

		if (request.createsObject && !failure.busy) failure = { ...failure, retryable: false };
		const cancelled = isCancelled(context);
		const budget = {
			attempts: failure.busy ? RETRY.attempts : RETRY.otherAttempts,
			baseDelayMs: RETRY.baseDelayMs,
			maxDelayMs: RETRY.maxDelayMs,
		};
		const next = nextRetry(budget, attempt);
		if (!failure.retryable || !next.retry || cancelled) {
			const tried = failure.retryable && !cancelled ? ` (tried ${attempt} times)` : '';
			throw new NodeApiError(
				context.getNode(),
				{ message: redact(failure.message), httpCode: failure.httpCode ?? null } as JsonObject,
				{
					message: redact(`${failure.message}${tried}`),
					description: redact(`${endpoint}: ${failure.description}`),
					httpCode: failure.httpCode ? String(failure.httpCode) : undefined,
					itemIndex: request.itemIndex,
				},
			);
		}
		await sleep(next.waitMs);
	}
}

function buildOptions(
	request: AssemblylineRequest,
	credentials: ICredentialDataDecryptedObject,
): IHttpRequestOptions {
	const options: IHttpRequestOptions = {
		method: request.method,
		baseURL: normaliseServerUrl(credentials.url as string),
		url: request.path,
		qs: request.qs,
		headers: { Accept: 'application/json' },
		// Statuses are interpreted by readResponse; the body is parsed there so that truncated or
		// HTML bodies become clear errors instead of strings passed off as data.
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		encoding: 'text',
		json: false,
		timeout: request.timeoutMs ?? defaultTimeoutMs(request),
		skipSslCertificateValidation: credentials.ignoreSslIssues === true,
		// Repeated keys (`filters=a&filters=b`, `sha256=..&sha256=..`) as Flask reads them.
		arrayFormat: 'repeat',
	};
	if (request.body !== undefined) {
		options.body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
		options.headers = { ...options.headers, 'Content-Type': 'application/json' };
	}
	return options;
}

type Outcome = { value: unknown } | { failure: Failure };

function readResponse(response: IN8nHttpFullResponse, request: AssemblylineRequest): Outcome {
	const status = response.statusCode;
	const text = bodyText(response.body);
	const envelope = parseEnvelope(text);
	const serverMessage = envelope ? String(envelope.api_error_message ?? '') : '';

	if (status >= 200 && status < 300) {
		// Raw answers (NDJSON) are never HTML; a login or proxy page must not pass for a cut download.
		if (request.raw)
			return looksLikeHtml(text) ? { failure: unreadableBody(status, text) } : { value: text };
		if (!envelope) return { failure: unreadableBody(status, text) };
		// Assemblyline reports some errors (e.g. a wrong content type) as HTTP 200 + message.
		if (serverMessage) return { failure: fromStatus(400, serverMessage, request) };
		return { value: envelope.api_response };
	}
	if (!envelope && (status === 401 || status === 403 || status === 404 || status === 400)) {
		// A proxy or SSO page in front of Assemblyline, not Assemblyline itself.
		return { failure: { ...unreadableBody(status, text), retryable: false } };
	}
	return { failure: fromStatus(status, serverMessage, request) };
}

function parseEnvelope(text: string): IDataObject | undefined {
	if (!text.startsWith('{')) return undefined;
	try {
		const parsed = JSON.parse(text) as unknown;
		return parsed && typeof parsed === 'object' && 'api_response' in parsed
			? (parsed as IDataObject)
			: undefined;
	} catch {
		return undefined;
	}
}

function unreadableBody(status: number, text: string): Failure {
	const looksHtml = looksLikeHtml(text);
	return {
		// A body cut short is a network fault; a retry of these read-only calls is safe.
		retryable: !looksHtml && text.startsWith('{'),
		httpCode: status,
		message: looksHtml
			? `Assemblyline answered with an HTML page (HTTP ${status}) instead of JSON`
			: `Assemblyline's answer could not be read (HTTP ${status}, ${text.length} bytes, not complete JSON)`,
		description: looksHtml
			? 'A proxy, load balancer or login page answered instead of the Assemblyline API. Check the server URL in the credential (it should be the address of the Assemblyline UI, without a path) and that the API is reachable from n8n.'
			: 'The connection was probably cut while the answer was being sent. Try again; if it keeps happening, check proxies between n8n and Assemblyline.',
	};
}

const ROLE_PATTERN = /requires one of the following roles: ([\w, ]+)/;
// assemblyline-ui api/v4/search.py check_role_for_index
const INDEX_ROLE_PATTERN = /requires the role '([^']+)' for request on index '([^']+)'/;
// assemblyline-ui api/base.py api_login: every call but whoami is refused until the user agrees
const TOS_PATTERN = /Terms of Service/i;

function fromStatus(status: number, serverMessage: string, request: AssemblylineRequest): Failure {
	const serverDetail = serverMessage ? `: ${serverMessage}` : '';
	switch (status) {
		case 400:
			return {
				retryable: false,
				httpCode: status,
				message: `Assemblyline rejected the request${serverDetail}`,
				description:
					'Check the parameters. For a search, fix the Lucene query or the field names that Assemblyline quotes.',
			};
		case 401:
			return {
				retryable: false,
				httpCode: status,
				message: `Assemblyline refused the credentials${serverDetail}`,
				description:
					'Check the username and API key in the "Assemblyline API" credential. The key must be the whole "key_name:secret" string, belong to that user, and the user must be allowed to use API keys.',
			};
		case 403: {
			const onIndex = INDEX_ROLE_PATTERN.exec(serverMessage);
			if (onIndex) {
				return {
					retryable: false,
					httpCode: status,
					message: `The Assemblyline API key lacks the role "${onIndex[1]}" needed to search the ${onIndex[2]} index`,
					description: `Assemblyline says: ${serverMessage}. Give the user the "${onIndex[1]}" role, or create a key whose ACL includes it (R gives the read roles).`,
				};
			}
			if (TOS_PATTERN.test(serverMessage)) {
				return {
					retryable: false,
					httpCode: status,
					message: 'The Assemblyline user has not accepted the Terms of Service',
					description: `Assemblyline says: ${serverMessage}. Log in to the Assemblyline web UI once as this user and accept the Terms of Service; until then Assemblyline refuses every API call except whoami.`,
				};
			}
			const role = ROLE_PATTERN.exec(serverMessage)?.[1];
			return {
				retryable: false,
				httpCode: status,
				message: role
					? `The Assemblyline API key lacks the role "${role}"`
					: `Assemblyline denied access${serverDetail}`,
				description: role
					? `Assemblyline says: ${serverMessage}. Give the user that role, or create a key whose ACL includes it (R gives the read roles).`
					: 'The user or key may not see this object (classification) or call this API. Ask your Assemblyline administrator.',
			};
		}
		case 404:
			if (/^Api does not exist/.test(serverMessage)) {
				// The route itself is unknown (assemblyline-ui error.py handle_404), not the object.
				return {
					retryable: false,
					httpCode: status,
					message: `Assemblyline has no such API${serverDetail}`,
					description:
						'Check the Server URL in the "Assemblyline API" credential: it should be the address of the Assemblyline UI without a path (not ending in /api or /api/v4).',
				};
			}
			return {
				retryable: false,
				httpCode: status,
				message: `Assemblyline found nothing there${serverDetail}`,
				description:
					request.notFoundHint ??
					'Check the identifier. Assemblyline also answers 404 for objects the key may not see.',
			};
		case 502:
		case 504:
			return {
				retryable: true,
				httpCode: status,
				message: `Assemblyline or a proxy in front of it is unavailable (HTTP ${status})${serverDetail}`,
				description: 'Assemblyline may be restarting or overloaded. Try again later.',
			};
		case 503: {
			const daily = /quota/i.test(serverMessage) && /daily/i.test(serverMessage);
			return {
				// The concurrency quota clears as soon as other calls finish; the daily one does not.
				retryable: !daily,
				busy: !daily,
				httpCode: status,
				message: daily
					? `The Assemblyline daily API quota is used up${serverDetail}`
					: `Assemblyline is busy (HTTP 503)${serverDetail}`,
				description: daily
					? "No retry helps until the quota resets at midnight (server time). Ask your administrator to raise the user's daily API quota, or run the workflow less often."
					: 'Too many calls at once for this user (Assemblyline allows 10 by default). Run fewer executions in parallel or ask for a higher concurrent API quota.',
			};
		}
		default:
			// docs/architecture.md: only 502, 504, a non-daily 503 and network errors are transient; a 500 is
			// Assemblyline failing on this request, and would fail the same way again.
			return {
				retryable: false,
				httpCode: status,
				message: `Assemblyline answered HTTP ${status}${serverDetail}`,
				description: 'See the Assemblyline server logs for details.',
			};
	}
}

function networkFailure(error: unknown, timeoutMs: number): Failure {
	const problem = classifyNetworkError(error);
	const code = problem.code;
	if (problem.timedOut && !problem.tls) {
		// Not retried, like the official client does not retry a read timeout: Assemblyline keeps
		// running the abandoned request to the end and holds one of the user's concurrent-call slots
		// until then (assemblyline-ui api/base.py), so an immediate retry only adds load.
		return {
			retryable: false,
			message: `Assemblyline did not answer within ${Number((timeoutMs / 1000).toFixed(1))} s`,
			description:
				"The request was not sent again: Assemblyline keeps working on it (and counts it against the user's concurrent API calls) even after n8n stops waiting. Raise the Timeout option of the node, or narrow the query.",
		};
	}
	return {
		retryable: problem.transient,
		message: problem.tls
			? 'The TLS certificate of the Assemblyline server could not be verified'
			: 'Could not reach Assemblyline',
		// The code stays out of the message: n8n replaces messages that contain one with its own.
		description: problem.tls
			? 'Install the CA that signed the certificate where n8n runs, or, for a lab instance, switch on "Allow Unauthorized Certificates" in the credential.'
			: `${code ? `Network error ${code}. ` : ''}Check the server URL in the credential and that n8n can reach it (DNS, firewall, proxy).`,
	};
}

function isCancelled(context: AssemblylineContext): boolean {
	const signal =
		'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal() : undefined;
	return signal?.aborted === true;
}
