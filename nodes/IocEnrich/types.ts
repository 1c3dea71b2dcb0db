/**
 * The vocabulary of IoC Enrich (docs/architecture.md): one normalised result per provider, kept apart
 * from the provider's verdict, and the contract every provider file implements.
 */
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import type { PaceLimit } from '../shared/pacing';

export type IocType = 'ipv4' | 'ipv6' | 'domain' | 'url' | 'md5' | 'sha1' | 'sha256';
export const IOC_TYPES: readonly IocType[] = ['ipv4', 'ipv6', 'domain', 'url', 'md5', 'sha1', 'sha256'];

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
	| 'ok'
	| 'not_found'
	| 'unsupported'
	| 'skipped'
	| 'rate_limited'
	| 'timeout'
	| 'error';

export interface ProviderError {
	/** Stable machine code: auth, forbidden, invalid_input, quota, rate_limit, server_error, network, malformed, provider_status, timeout, deadline. */
	code: string;
	httpStatus?: number;
	message: string;
	retryAfterSec?: number;
}

export interface ProviderResult {
	provider: string;
	name: string;
	status: ProviderStatus;
	/** Never `benign` unless the provider says so: not found, errors and skips are `unknown`. */
	verdict: Verdict;
	/** Only with a `benign` verdict. */
	benignSignal?: BenignSignal;
	score?: number;
	confidence?: number;
	tags: string[];
	firstSeen?: string;
	lastSeen?: string;
	link?: string;
	/** Sentences for the overall `reasons`, e.g. "ThreatFox: botnet_cc (confidence 75)". */
	reasons: string[];
	evidence: IDataObject;
	error?: ProviderError;
	/** Why nothing was asked (`skipped`, `unsupported`), in the IoC library's words. */
	reason?: string;
	reason_text?: string;
	cached: boolean;
	latencyMs: number;
	fetchedAt: string;
	attempts: number;
	raw?: unknown;
}

/** What a provider's answer came back as; the body is parsed JSON, or undefined when it is not JSON. */
export interface ProviderHttpResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	json: unknown;
	text: string;
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
}

export interface Ioc {
	type: IocType;
	/** Normalised value (refanged, lower-cased hashes and hosts). */
	value: string;
}

export interface Provider {
	id: string;
	displayName: string;
	/** Credential type name; undefined for keyless providers. */
	credentialType?: string;
	/** The credential field holding the base URL (keyless providers take it from the node options). */
	baseUrlField?: string;
	defaultBaseUrl: string;
	supports: readonly IocType[];
	limits: PaceLimit;
	/** One request, relative to the base URL. Passive lookups only: nothing is submitted. */
	request(ioc: Ioc): IHttpRequestOptions;
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
	/** HTTP statuses that mean the key is refused (always 401; OTX and abuse.ch also 403). */
	keyRefused?: readonly number[];
	/** A second request that completes an `ok` reading (urlscan: the newest scan's result). */
	followUp?(reading: ProviderReading, ioc: Ioc): FollowUp | undefined;
	/** Where an analyst looks it up, when the answer has no better link. */
	link?(ioc: Ioc): string | undefined;
}

export interface FollowUp {
	request: IHttpRequestOptions;
	/** A 200 answer with a JSON body, read on top of the first reading. */
	read(response: ProviderHttpResponse, first: ProviderReading): ProviderReading;
	/** The first reading when the follow-up gave no answer; `why` says what happened. */
	unavailable(first: ProviderReading, why: string): ProviderReading;
}
