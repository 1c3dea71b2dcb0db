/**
 * What a target (a firewall or EDR with an API) implements for the Block on Firewall / EDR node.
 * Adding a target is one file here (this interface), one credential type and one fake server.
 *
 * The engine (../execute.ts) re-checks every IoC with `checkBlockable`, asks the target whether it
 * can block that type (`unsupported`), cuts the rest into batches of `batch[operation]`, and calls
 * `add` / `remove` once per batch. Every request goes through `io.send`, which paces per `bucket` to
 * `buckets[bucket]`, retries 429 and 5xx with Retry-After on a bounded budget, and in a dry run
 * records the request instead of sending it (and answers with the request's `assume`).
 */
import type { IDataObject } from 'n8n-workflow';

import type { NetworkType } from '../../shared/ioc/types';

export type Operation = 'add' | 'remove';

export type PushStatus = 'added' | 'already_present' | 'removed' | 'not_present' | 'failed';

/** One IoC to push: already checked by `checkBlockable`, so `value` is normalised and global. */
export interface PushIoc {
	/** `type|value`: one request entry per key, whatever the number of items that carry it. */
	key: string;
	type: NetworkType;
	value: string;
	/** 4 or 6 for an IP. */
	ipVersion?: 4 | 6;
	/** ISO 8601 UTC, or null for no expiry. */
	expiresAt: string | null;
}

export interface PushResult {
	status: PushStatus;
	/** The target's own id of the entry, where it has one. */
	target_id?: string | null;
	/** The expiry the target now holds, when known. */
	expires_at?: string | null;
	/** False when the entry was already there and the target's API cannot refresh its expiry. */
	expiry_refreshed?: boolean;
	/** What went wrong and what to do (status `failed`). */
	error?: string;
}

export interface TargetRequest {
	method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
	/** Absolute URL. */
	url: string;
	/** Query string parameters. */
	qs?: IDataObject;
	/** A JSON body. */
	json?: unknown;
	/**
	 * A form body (application/x-www-form-urlencoded), each value already percent-encoded
	 * (`encodeURIComponent`): a 100 KB value is cheaper to build from parts encoded once than to
	 * encode whole (PAN-OS, bench case 7). A dry run shows it decoded.
	 */
	formEncoded?: Record<string, string>;
	headers?: Record<string, string>;
	/** The rate-limit bucket this request counts against (a key of `Target.buckets`). */
	bucket: string;
	/** How many IoCs the request carries (shown in a dry run). */
	entries?: number;
	/** What a dry run assumes the target answered (nothing is sent). */
	assume: { status: number; body: unknown };
	/** 5xx statuses that carry an answer (handed to the target, not retried). */
	answers?: number[];
}

export interface TargetResponse {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	/** Parsed JSON when the body is JSON, else the text. */
	body: unknown;
}

export interface Io {
	readonly dryRun: boolean;
	send(request: TargetRequest): Promise<TargetResponse>;
	/** Whether the execution was stopped (a target that polls stops waiting). */
	cancelled(): boolean;
}

/** A documented rate limit: at most `perMinute` and `perHour` requests (either may be absent). */
export interface RateLimit {
	perMinute?: number;
	perHour?: number;
	/** Where the limit is documented, for the bench and messages. */
	source?: string;
}

/** A whole request failed (after retries): every IoC in it is `failed`; `fatal` stops the rest. */
export class TargetError extends Error {
	constructor(
		message: string,
		readonly fatal = false,
		readonly httpCode?: number,
	) {
		super(message);
		this.name = 'TargetError';
	}
}

export interface TargetSettings {
	/** The target's own parameters (tag, action…), read by the engine from the node. */
	params: IDataObject;
	/** The credential data (URLs and ids only are read; never put a secret in a message). */
	credentials: IDataObject;
	/** Epoch ms "now", for timeouts relative to expiry. */
	now: number;
}

export interface Target {
	id: string;
	/** What the user sees: "PAN-OS", "Microsoft Defender for Endpoint"… */
	name: string;
	credentialType: string;
	/** Credential fields that hold secrets: never in a message, even when a server echoes them. */
	secretFields: string[];
	/** Entries per request, per operation: the documented maximum (or a safe value, said where). */
	batch: Record<Operation, number>;
	/** Documented rate limits per bucket. */
	buckets: Record<string, RateLimit>;
	/**
	 * Batches in flight at once (each bucket's requests too); 1 when absent. Only for a target whose
	 * batches are independent of each other and whose documentation allows concurrent requests.
	 */
	concurrency?: number;
	/** Whether a 401 may mean an expired access token (n8n then fetches a new one once). */
	tokenAuth?: boolean;
	/** Null when the target can block this IoC, else why not (in words an analyst understands). `params` as in `TargetSettings`. */
	unsupported(ioc: PushIoc, params: IDataObject): string | null;
	/** Runs once before the batches (e.g. reads what is already on the target). */
	prepare?: Prepare<unknown>;
	add(
		io: Io,
		batch: PushIoc[],
		settings: TargetSettings,
		prepared: unknown,
	): Promise<Map<string, PushResult>>;
	remove(
		io: Io,
		batch: PushIoc[],
		settings: TargetSettings,
		prepared: unknown,
	): Promise<Map<string, PushResult>>;
}

/** `url` without trailing slashes, trimmed. */
export function baseUrl(url: unknown): string {
	return String(url ?? '')
		.trim()
		.replace(/\/+$/, '');
}

/**
 * Stops the run with the target's words for a refused credential (401) or a missing permission
 * (403): no other request can succeed either. Any other status returns.
 */
export function refuseAuth(response: TargetResponse, says: { 401: string; 403: string }): void {
	if (response.status === 401 || response.status === 403)
		throw new TargetError(says[response.status], true, response.status);
}

/**
 * What a dry run assumes a read of the target returns: every IoC there when removing (so the
 * requests shown are the deletes), nothing when adding.
 */
export function assumeListed<T>(
	io: Io,
	operation: Operation,
	iocs: PushIoc[],
	row: (ioc: PushIoc) => T,
): T[] {
	return io.dryRun && operation === 'remove' ? iocs.map(row) : [];
}

/** A target's add or remove with the operation passed in (`command`: the target's own word for it). */
export type Change<C> = (
	io: Io,
	batch: PushIoc[],
	settings: TargetSettings,
	prepared: unknown,
	command: C,
) => Promise<Map<string, PushResult>>;

/** Reads what the target holds before the batches (`Target.prepare`). */
export type Prepare<R> = (
	io: Io,
	iocs: PushIoc[],
	operation: Operation,
	settings: TargetSettings,
) => Promise<R>;
