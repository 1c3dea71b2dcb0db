/**
 * Searching Assemblyline (`POST /api/v4/search/<index>/`, assemblyline-ui api/v4/search.py) the way both alert
 * nodes need it: real deep paging, field projection that never loses the id, time-range filters,
 * and the "alerts since the cursor" state a schedule needs to see every alert exactly once.
 */
import type { IDataObject, IExecuteFunctions, IPollFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { assemblylineRequest } from './transport';

export const SEARCH_INDICES = [
	'alert',
	'submission',
	'file',
	'result',
	'signature',
	'safelist',
	'badlist',
	'workflow',
	'heuristic',
] as const;
export type SearchIndex = (typeof SEARCH_INDICES)[number];

/** Fields that identify a document of each index, added to every projection the user names. */
export const ID_FIELDS: Record<SearchIndex, readonly string[]> = {
	alert: ['alert_id'],
	submission: ['sid'],
	file: ['sha256'],
	result: ['sha256', 'response.service_name', 'response.service_version'],
	signature: ['signature_id', 'type'],
	safelist: ['hashes.sha256', 'type'],
	badlist: ['hashes.sha256', 'type'],
	workflow: ['workflow_id'],
	heuristic: ['heur_id'],
};

export const DEFAULT_ALERT_QUERY = 'al.ip:* OR al.domain:* OR al.uri:*';
/** What Filter Blockable IoCs and the IoC nodes read from an alert. */
export const DEFAULT_ALERT_FIELDS = 'alert_id,sid,reporting_ts,al.detailed,file,label,status,priority';

/** Assemblyline's MAX_SEARCH_ROWS; not enforced by the server, but larger pages only cost memory. */
export const MAX_PAGE_SIZE = 500;
/** Elasticsearch's max_result_window, which Assemblyline does not raise: offset + rows must stay within it. */
export const MAX_RESULT_WINDOW = 10_000;

type SearchContext = IExecuteFunctions | IPollFunctions;

export interface SearchRequest {
	index: SearchIndex;
	query: string;
	filters?: string[];
	/** Comma-separated field list; undefined = the index's stored fields (plus `id`). */
	fl?: string;
	/** `"field asc|desc[, ...]"`; undefined = the index's default sort. */
	sort?: string;
	itemIndex?: number;
	/** Per request; default: the transport's long timeout for searches. */
	timeoutMs?: number;
	/** Gets the server's clock (its `Date` header, in ms) from each answer that has one. */
	onServerDate?: (ms: number) => void;
}

export interface PagingOptions {
	/** Stop after this many documents; undefined = all of them. */
	limit?: number;
	/** Rows per request (1-500, default 500). */
	pageSize?: number;
}

interface SearchResponse {
	items?: IDataObject[];
	next_deep_paging_id?: string;
	total?: number | null;
}

/**
 * Yields the result pages of a search.
 *
 * - A limit within Elasticsearch's result window (offset + rows ≤ 10,000) pages with offsets and
 *   opens no point-in-time cursor: a deep-paging cursor is closed only by a short page, so stopping at
 *   a limit would leave it open on the server for 5 minutes.
 * - Anything else deep-pages (`deep_paging_id: '*'`, then `next_deep_paging_id`), asking for no more
 *   rows than it still needs.
 *
 * The document `id` is asked for (`fl` must name it) so that a search that restarts, or offset pages
 * that shift, never yield a document twice; it is removed again unless the caller named it. A failure
 * on a later page throws: callers must never pass the pages they already have off as the whole result.
 */
export async function* searchPages(
	context: SearchContext,
	request: SearchRequest,
	options: PagingOptions = {},
): AsyncGenerator<IDataObject[]> {
	const pageSize = clampPageSize(options.pageSize);
	const limit = options.limit;
	if (limit !== undefined && limit <= 0) return;
	const path = `/api/v4/search/${request.index}/`;
	const base: IDataObject = { query: request.query, offset: 0 };
	if (request.filters?.length) base.filters = request.filters;
	// Without fl the server adds the id itself; with fl only when the exact token "id" is in the list.
	const addedId = request.fl !== undefined && !request.fl.split(',').includes('id');
	if (request.fl) base.fl = addedId ? `${request.fl},id` : request.fl;
	if (request.sort) base.sort = request.sort;
	const send = (body: IDataObject) =>
		assemblylineRequest<SearchResponse>(context, {
			method: 'POST',
			path,
			body,
			itemIndex: request.itemIndex,
			timeoutMs: request.timeoutMs,
			onHeaders: request.onServerDate ? (headers) => reportDate(headers, request.onServerDate!) : undefined,
		});
	const yielded = new Set<string>();
	/** The documents of a page not yielded before, their keys recorded, the added id removed. */
	const fresh = (docs: IDataObject[]) => {
		const out: IDataObject[] = [];
		for (const doc of docs) {
			const key = documentKey(request.index, doc);
			if (yielded.has(key)) continue;
			yielded.add(key);
			out.push(addedId ? withoutId(doc) : doc);
		}
		return out;
	};

	if (limit !== undefined && limit <= MAX_RESULT_WINDOW) {
		let received = 0;
		for (let offset = 0, page = 1; received < limit; page++) {
			const rows = Math.min(pageSize, limit - received, MAX_RESULT_WINDOW - offset);
			if (rows <= 0) return;
			let response: SearchResponse;
			try {
				response = await send({ ...base, offset, rows });
			} catch (error) {
				throw page === 1 ? error : midPagingError(context, error, page, received, request);
			}
			const fetched = itemsOf(context, response, request);
			const items = fresh(fetched).slice(0, limit - received);
			received += items.length;
			if (items.length) yield items;
			if (fetched.length < rows) return;
			offset += fetched.length;
		}
		return;
	}

	let deepPagingId = '*';
	let received = 0;
	let restarted = false;
	for (let page = 1; ; page++) {
		const rows = limit === undefined ? pageSize : Math.min(pageSize, limit - received);
		let response: SearchResponse;
		try {
			response = await send({ ...base, rows, deep_paging_id: deepPagingId });
		} catch (error) {
			if (page > 1 && !restarted && isLostCursor(error)) {
				// Assemblyline closes the point in time after a short (last) page, so the retry of a last
				// page cut by the network finds no cursor; so does a cursor past its keep-alive. Start
				// over once, skipping what was already yielded.
				restarted = true;
				deepPagingId = '*';
				continue;
			}
			throw page === 1 ? error : midPagingError(context, error, page, received, request);
		}
		const fetched = itemsOf(context, response, request);
		// What was yielded is skipped, so that a restart after a lost cursor yields nothing twice.
		const items = fresh(fetched);
		received += items.length;
		if (items.length) yield items;
		const next = response.next_deep_paging_id;
		// A short page closes the server's point in time; a full last page is followed by an empty one.
		if (fetched.length < rows || !next) return;
		if (limit !== undefined && received >= limit) return;
		deepPagingId = next;
	}
}

/** Every document of a search, in order (see searchPages). */
export async function searchAll(
	context: SearchContext,
	request: SearchRequest,
	options: PagingOptions = {},
): Promise<IDataObject[]> {
	const out: IDataObject[] = [];
	for await (const page of searchPages(context, request, options)) {
		for (const doc of page) out.push(doc);
	}
	return out;
}

function clampPageSize(size: number | undefined): number {
	if (size === undefined || !Number.isFinite(size)) return MAX_PAGE_SIZE;
	return Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(size)));
}

function itemsOf(context: SearchContext, response: SearchResponse, request: SearchRequest): IDataObject[] {
	if (response && Array.isArray(response.items)) return response.items;
	throw new NodeApiError(
		context.getNode(),
		{ message: 'Unexpected search response' } as JsonObject,
		{
			message: `Assemblyline's search answer has no "items" list`,
			description: `POST /api/v4/search/${request.index}/ answered something that is not a search result. Check that the credential's URL points at the Assemblyline UI/API.`,
			itemIndex: request.itemIndex,
		},
	);
}

const LOST_CURSOR = /search_context_missing_exception|No search context found/i;

function isLostCursor(error: unknown): boolean {
	return LOST_CURSOR.test(error instanceof Error ? error.message : String(error));
}

/** A copy without `id` (a copy, not `delete`: an object that loses a key gets slower to copy and serialize downstream). */
function withoutId(doc: IDataObject): IDataObject {
	const rest: IDataObject = {};
	for (const key of Object.keys(doc)) if (key !== 'id') rest[key] = doc[key];
	return rest;
}

function reportDate(headers: IDataObject, report: (ms: number) => void): void {
	const ms = Date.parse(String(headers.date ?? headers.Date ?? ''));
	if (!Number.isNaN(ms)) report(ms);
}

/**
 * A document's identity: the Elasticsearch id that `fl` returns when it names `id` (unique even where
 * the id fields are not, e.g. two results with the same sha256, service and version), else its id
 * fields, else its whole text.
 */
function documentKey(index: SearchIndex, doc: IDataObject): string {
	if (typeof doc.id === 'string' && doc.id !== '') return `id:${doc.id}`;
	const parts = ID_FIELDS[index].map((field) => valueAt(doc, field));
	return parts.some((part) => part !== undefined) ? JSON.stringify(parts) : JSON.stringify(doc);
}

function valueAt(doc: IDataObject, path: string): unknown {
	let value: unknown = doc;
	for (const key of path.split('.')) {
		if (value === null || typeof value !== 'object') return undefined;
		value = (value as IDataObject)[key];
	}
	return value;
}

function midPagingError(
	context: SearchContext,
	error: unknown,
	page: number,
	received: number,
	request: SearchRequest,
): Error {
	const message = error instanceof Error ? error.message : String(error);
	const nothing = `Nothing was output for this search: ${received} results had arrived, and part of a result must not pass for the whole.`;
	if (LOST_CURSOR.test(message)) {
		return new NodeApiError(
			context.getNode(),
			{ message } as JsonObject,
			{
				message: `The search cursor expired on page ${page}; Assemblyline no longer knows this deep-paging search`,
				description: `Assemblyline keeps a deep-paging cursor for 5 minutes between pages (or loses it when Elasticsearch restarts); the search was already started over once. ${nothing} Run the node again; if it keeps happening, narrow the query or the time range.`,
				httpCode: '400',
				itemIndex: request.itemIndex,
			},
		);
	}
	if (error instanceof NodeApiError) {
		error.description = `${error.description ?? ''} (page ${page} of a deep-paging search) ${nothing}`.trim();
		return error;
	}
	return error instanceof Error ? error : new Error(message);
}

// --- projection ----------------------------------------------------------------------------------

/**
 * The `fl` to send: the user's comma-separated fields plus the index's id fields (and any the caller
 * needs, e.g. reporting_ts for a cursor), which Assemblyline drops unless named. Empty means the
 * index's stored fields, which already carry the id; `*` means the whole document.
 */
export function projection(index: SearchIndex, fields: string, required: readonly string[] = []): string | undefined {
	const named = splitList(fields);
	if (named.length === 0) return undefined;
	if (named.includes('*')) return '*';
	const missing = [...ID_FIELDS[index], ...required].filter((field, i, all) => !named.includes(field) && all.indexOf(field) === i);
	return [...missing, ...named].join(',');
}

export function splitList(value: unknown): string[] {
	if (Array.isArray(value)) return value.flatMap((v) => splitList(v));
	if (typeof value !== 'string') return [];
	return value
		.split(',')
		.map((part) => part.trim())
		.filter(Boolean);
}

/** Filter strings as the user gave them (a list, or one string), without blanks. */
export function cleanFilters(value: unknown): string[] {
	const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
	return list.map((f) => String(f ?? '').trim()).filter((f) => f !== '');
}

// --- time range ----------------------------------------------------------------------------------

const UNITS: Record<string, string> = {
	s: 's', sec: 's', secs: 's', second: 's', seconds: 's',
	m: 'm', min: 'm', mins: 'm', minute: 'm', minutes: 'm',
	h: 'h', hr: 'h', hrs: 'h', hour: 'h', hours: 'h',
	d: 'd', day: 'd', days: 'd',
	w: 'w', week: 'w', weeks: 'w',
	month: 'M', months: 'M',
	y: 'y', year: 'y', years: 'y',
};
const RELATIVE = /^(?:last\s+)?(\d+)\s*([a-z]+)(?:\s+ago)?$/i;
const DATE_MATH = /^now(?:[+-]\d+[yMwdhHms])*(?:\/[yMwdhHms])?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

/**
 * A time bound for a Lucene range: an absolute date (→ ISO UTC), "now", Elasticsearch date math
 * (`now-24h`), or a relative phrase ("last 24 hours", "7 days", "30m") → `now-24h`. Date math is
 * resolved by Assemblyline's clock, so n8n's clock does not have to agree with it.
 */
export function timeBound(value: unknown): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (value instanceof Date) return value.toISOString();
	const text = String(value).trim();
	if (text === '') return undefined;
	if (DATE_MATH.test(text)) return text;
	const relative = RELATIVE.exec(text);
	if (relative) {
		const unit = UNITS[relative[2]] ?? UNITS[relative[2].toLowerCase()];
		if (unit) return `now-${Number(relative[1])}${unit}`;
	}
	if (ISO_DATE.test(text)) {
		const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(text) && /[T ]/.test(text);
		const ms = Date.parse(hasZone || !/[T ]/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
		if (!Number.isNaN(ms)) return new Date(ms).toISOString();
	}
	return undefined;
}

/** `reporting_ts:[since TO until]` (inclusive), or undefined when neither bound is set. */
export function reportingRange(
	context: SearchContext,
	since: unknown,
	until: unknown,
	itemIndex?: number,
): string | undefined {
	const lo = readBound(context, 'Reported Since', since, itemIndex);
	const hi = readBound(context, 'Reported Until', until, itemIndex);
	if (!lo && !hi) return undefined;
	return `reporting_ts:[${lo ?? '*'} TO ${hi ?? '*'}]`;
}

function readBound(context: SearchContext, label: string, value: unknown, itemIndex?: number): string | undefined {
	const bound = timeBound(value);
	if (bound === undefined && String(value ?? '').trim() !== '') {
		throw new NodeOperationError(context.getNode(), `"${label}" is not a time: "${String(value)}"`, {
			itemIndex,
			description:
				'Use an ISO date such as 2025-03-14T15:00:00Z, a relative time such as "last 24 hours", "7 days" or "30m", or Elasticsearch date math such as now-24h.',
		});
	}
	return bound;
}

// --- "since the cursor" --------------------------------------------------------------------------

/**
 * What a scheduled reader of alerts remembers between runs (JSON, kept in workflow static data).
 *
 * Elasticsearch makes a new alert searchable about a second after it is written, so an alert stamped
 * T can turn up after a run has already looked past T. Each run therefore searches from
 * `cursor - lookback` and skips the (alert_id, reporting_ts) pairs it already emitted there; the pairs
 * older than the window are forgotten. An alert that Assemblyline updates gets a new reporting_ts and
 * so comes back once more.
 */
export interface AlertCursor {
	/** Nothing reported before this is ever emitted (first activation, or its backfill). */
	floor: string;
	/** reporting_ts of the newest alert emitted; undefined until one is. */
	cursor?: string;
	/** alert_id → reporting_ts of the alerts emitted inside the lookback window. */
	recent: Record<string, string>;
}

export function newCursor(floorMs: number): AlertCursor {
	return { floor: new Date(floorMs).toISOString(), recent: {} };
}

export function readCursor(value: unknown): AlertCursor | undefined {
	if (!value || typeof value !== 'object') return undefined;
	const v = value as IDataObject;
	if (typeof v.floor !== 'string' || Number.isNaN(Date.parse(v.floor))) return undefined;
	const recent: Record<string, string> = {};
	if (v.recent && typeof v.recent === 'object') {
		for (const [id, ts] of Object.entries(v.recent as IDataObject)) if (typeof ts === 'string') recent[id] = ts;
	}
	const cursor = typeof v.cursor === 'string' && !Number.isNaN(Date.parse(v.cursor)) ? v.cursor : undefined;
	return { floor: v.floor, ...(cursor ? { cursor } : {}), recent };
}

/** The filter that selects what a run may still have to emit: `reporting_ts:[start TO *]`. */
export function cursorFilter(state: AlertCursor, lookbackMs: number): string {
	const floorMs = Date.parse(state.floor);
	const start = state.cursor === undefined ? floorMs : Math.max(floorMs, Date.parse(state.cursor) - lookbackMs);
	return `reporting_ts:[${new Date(start).toISOString()} TO *]`;
}

/** Whether this exact version of the alert was emitted already. */
export function alreadyEmitted(state: AlertCursor, alertId: string, reportingTs: string): boolean {
	return state.recent[alertId] === reportingTs;
}

/**
 * Moves the cursor past emitted alerts (given oldest first) and forgets pairs that fell out of the
 * window. Returns a new state; the old one is left as it was, so a failed run changes nothing.
 */
export function advanceCursor(state: AlertCursor, emitted: Iterable<IDataObject>, lookbackMs: number): AlertCursor {
	let cursor = state.cursor;
	let cursorMs = cursor === undefined ? -Infinity : Date.parse(cursor);
	const recent: Record<string, string> = { ...state.recent };
	for (const alert of emitted) {
		const ts = String(alert.reporting_ts);
		const ms = Date.parse(ts);
		recent[String(alert.alert_id)] = ts;
		if (ms > cursorMs) {
			cursorMs = ms;
			cursor = ts;
		}
	}
	const keepFrom = cursorMs - lookbackMs;
	for (const [id, ts] of Object.entries(recent)) if (!(Date.parse(ts) >= keepFrom)) delete recent[id];
	return { floor: state.floor, ...(cursor !== undefined ? { cursor } : {}), recent };
}

// --- when an alert is ready ----------------------------------------------------------------------

/**
 * When a reader of new alerts may act on one:
 * - `delay` (default): once no extended scan is pending and its reporting time is older than the
 *   alert delay, measured by Assemblyline's clock (date math). Assemblyline's own alert list hides
 *   younger alerts for the same reason: core.alerter.delay (default 300 s) "gives extended scans and
 *   workflows time to complete" (assemblyline-base odm/models/config.py). Workflows run every 30 s and
 *   may mark an alert NON-MALICIOUS or label it a false positive without moving its reporting time.
 * - `workflows`: once the workflow manager has run on its latest version (`workflows_completed`) and
 *   no extended scan is pending: the filters of Assemblyline's own replay creator. Usually within a
 *   minute; never, where the workflow manager is not deployed.
 * - `searchable`: as soon as Assemblyline can find it. Fastest; a workflow or an extended scan may
 *   change the alert after it was emitted.
 */
export type AlertReadiness = 'delay' | 'workflows' | 'searchable';
export const DEFAULT_ALERT_DELAY_SECONDS = 300;

export function readinessFilters(readiness: unknown, delaySeconds?: unknown): string[] {
	switch (readiness) {
		case 'searchable':
			return [];
		case 'workflows':
			return ['NOT extended_scan:submitted', 'workflows_completed:true'];
		default: {
			const n = Number(delaySeconds ?? DEFAULT_ALERT_DELAY_SECONDS);
			const seconds = Number.isFinite(n) && n >= 0 ? Math.floor(n) : DEFAULT_ALERT_DELAY_SECONDS;
			return ['NOT extended_scan:submitted', ...(seconds > 0 ? [`reporting_ts:[* TO now-${seconds}s]`] : [])];
		}
	}
}

// --- triage events -------------------------------------------------------------------------------

/** One `events[]` entry of an alert (assemblyline-base odm/models/alert.py Event). */
export interface TriageEvent extends IDataObject {
	entity_type: string;
	entity_id: string;
	ts: string;
}

export function eventsOf(alert: IDataObject): TriageEvent[] {
	const list = alert.events;
	if (!Array.isArray(list)) return [];
	return list.filter(
		(e): e is TriageEvent =>
			!!e && typeof e === 'object' && typeof (e as IDataObject).ts === 'string' && !Number.isNaN(Date.parse(String((e as IDataObject).ts))),
	);
}

/** An event's identity: alert, time, who, and what it changed (two calls at once are two events). */
export function eventKey(alertId: string, event: TriageEvent): string {
	return JSON.stringify([
		alertId,
		event.ts,
		event.entity_type,
		event.entity_id,
		event.status ?? null,
		event.priority ?? null,
		event.labels ?? [],
		event.labels_removed ?? [],
	]);
}
