/**
 * The vocabulary of IoC Enrich (docs/architecture.md): one normalised result per provider, kept apart
 * from the provider's verdict, and the contract every provider file implements.
 */
import type { IDataObject, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';

import type { IocType } from '../shared/ioc';
import type { PaceLimit } from '../shared/pacing';

export type Verdict = 'malicious' | 'suspicious' | 'benign' | 'unknown';

/**
 * What a `benign` verdict is worth against a provider that flags the IoC:
 * - `known_benign`: the provider vouches for it (an OTX allowlist entry, a scanner GreyNoise
 *   identified as benign); with Known-Benign Signals Win it caps the verdict at benign;
 * - `context`: who runs the address, not how it behaves (GreyNoise RIOT covers cloud and CDN
 *   ranges); benign only when no other provider flags the IoC. A benign verdict that does not say
 *   is context.
 */
export type BenignSignal = 'known_benign' | 'context';

export type ProviderStatus =
	'ok' | 'not_found' | 'unsupported' | 'skipped' | 'rate_limited' | 'timeout' | 'error';

export interface ProviderError {
	/** Stable machine code: auth, forbidden, invalid_input, quota, rate_limit, server_error, network, malformed, provider_status, timeout, deadline. */
	code: string;
	http_status?: number;
	message: string;
	retry_after_sec?: number;
}

export interface ProviderResult {
	provider: string;
	name: string;
	status: ProviderStatus;
	/** Never `benign` unless the provider says so: not found, errors and skips are `unknown`. */
	verdict: Verdict;
	/** Only with a `benign` verdict. */
	benign_signal?: BenignSignal;
	score?: number;
	confidence?: number;
	tags: string[];
	first_seen?: string;
	last_seen?: string;
	link?: string;
	/** Sentences for the overall `reasons`, e.g. "ThreatFox: botnet_cc (confidence 75)". */
	reasons: string[];
	evidence: IDataObject;
	error?: ProviderError;
	/** Why nothing was asked (`skipped`, `unsupported`), in the IoC library's words. */
	reason?: string;
	reason_text?: string;
	cached: boolean;
	latency_ms: number;
	fetched_at: string;
	attempts: number;
	raw?: unknown;
	/** A file the provider answered with (ScreenshotAPI's image): the node puts it in the item's binary, never in JSON. */
	binary?: ProviderFile;
}

/** A file in a provider's answer. */
export interface ProviderFile {
	data: Buffer;
	mimeType: string;
	fileName: string;
}

/** What a provider's answer came back as; the body is parsed JSON, or undefined when it is not JSON. */
export interface ProviderHttpResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	json: unknown;
	text: string;
	/** The body as it came, when the request asked for bytes (`encoding: 'arraybuffer'`): an image, not JSON. */
	bytes?: Buffer;
	/** What was asked, for messages: method and path under the base URL, e.g. "GET /files/…". */
	endpoint: string;
}

/** What `read` makes of an answer. Statuses the engine owns (429, 5xx, 401/403) never reach it. */
export interface ProviderReading {
	status: 'ok' | 'not_found' | 'error';
	verdict: Verdict;
	benignSignal?: BenignSignal;
	score?: number;
	confidence?: number;
	tags?: string[];
	evidence?: IDataObject;
	link?: string;
	firstSeen?: string;
	lastSeen?: string;
	reasons?: string[];
	error?: ProviderError;
	/** A file from the answer (`bytes`), output as the item's binary property named after the provider. */
	binary?: ProviderFile;
}

export interface Ioc {
	type: IocType;
	/** Normalised value (refanged, lower-cased hashes and hosts). */
	value: string;
}

export interface Provider {
	id: string;
	displayName: string;
	/** Its entry in the node's Providers list (the node's options, credentials and names come from the registry). */
	option: { name: string; description: string };
	/** Picked in a new node. */
	pickedByDefault?: boolean;
	/** Credential type name; undefined for keyless providers. */
	credentialType?: string;
	/** That credential's display name (its class's `displayName`), for messages that point at it. */
	credentialName?: string;
	/** The credential field holding the base URL. */
	baseUrlField?: string;
	/** Settings of its own, under Provider Options, shown while it is picked. */
	settings?: INodeProperties[];
	/** The setting holding the base URL (keyless providers have no credential to hold it). */
	baseUrlSetting?: string;
	/** The setting holding its requests per minute (0 = no spacing). */
	rateSetting?: string;
	defaultBaseUrl: string;
	supports: readonly IocType[];
	limits: PaceLimit;
	/**
	 * One request, relative to the base URL. Passive lookups only: nothing is submitted.
	 * `settings` holds the node's Provider Options (its own `settings`, e.g. ScreenshotAPI's image type).
	 */
	request(ioc: Ioc, settings?: IDataObject): IHttpRequestOptions;
	/** 2xx, 404 and the other 4xx the engine does not own. */
	read(response: ProviderHttpResponse, ioc: Ioc): ProviderReading;
	/** A 429 that retrying within this run cannot fix (a daily or monthly quota). */
	quotaExhausted?(response: ProviderHttpResponse): boolean;
	/**
	 * A 429 for a quota that may only be the current window's and says nothing of when it clears
	 * (VirusTotal's QuotaExceededError also covers the per-minute quota): pause the provider
	 * `pauseMs` and retry once within the deadline; the same answer again switches it off.
	 */
	windowQuota?: { pauseMs: number; matches(response: ProviderHttpResponse): boolean };
	/** HTTP statuses other than 429 that mean the quota or credits are used up (Intelligence X: 402). */
	quotaStatuses?: readonly number[];
	/** HTTP statuses that mean the key is refused (always 401; OTX and abuse.ch also 403). */
	keyRefused?: readonly number[];
	/** A second request that completes an `ok` reading (urlscan: the newest scan's result). */
	followUp?(reading: ProviderReading, ioc: Ioc): FollowUp | undefined;
	/**
	 * Many IoCs in one request (Safe Browsing: up to 500 URLs): every supported IoC of the
	 * execution is asked ahead of the items, `max` at a time.
	 */
	batch?: {
		max: number;
		request(iocs: readonly Ioc[]): IHttpRequestOptions;
		/** One reading per IoC, in the order given. */
		read(response: ProviderHttpResponse, iocs: readonly Ioc[]): ProviderReading[];
	};
	/**
	 * What the provider is really asked, when two IoCs can make the same request (Web Risk checks
	 * the domain `x.com` as the URL `http://x.com/`): they share one lookup.
	 */
	askedAs?(ioc: Ioc): string;
	/** Where an analyst looks it up, when the answer has no better link. */
	link?(ioc: Ioc): string | undefined;
}

export interface FollowUp {
	request: IHttpRequestOptions;
	/**
	 * A 200 answer with a JSON body, read on top of the first reading; or, for an asynchronous
	 * search (Intelligence X), the reading so far and the next poll after `waitMs`.
	 */
	read(response: ProviderHttpResponse, first: ProviderReading): ProviderReading | Poll;
	/** The first reading when the follow-up gave no answer; `why` says what happened. */
	unavailable(first: ProviderReading, why: string): ProviderReading;
}

/** Poll again: the search is still running. */
export interface Poll {
	reading: ProviderReading;
	next: FollowUp;
	waitMs: number;
}
