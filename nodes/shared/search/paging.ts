/**
 * Paging over Assemblyline's search API (`POST /api/v4/search/<index>/`, assemblyline-ui api/v4/search.py):
 * offset pages within Elasticsearch's result window, real deep paging beyond it, and the document `id`
 * asked for so that no document is yielded twice.
 */
import type { IDataObject, IExecuteFunctions, IPollFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { ALERT_PAGE } from '../assemblyline';
import { parseResponse } from '../schema';
import { assemblylineRequest } from '../transport';
import { alertFits } from './alertShape';

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

/**
 * Indexes whose id field is the Elasticsearch document id: an alert is saved under its alert_id
 * (assemblyline-core alerter/processing.py, `datastore.alert.save(alert_id, ...)`), so its pages are
 * told apart by alert_id, and `id` is neither asked for nor removed again (a copy of every alert).
 */
const DOCUMENT_ID_FIELD: Partial<Record<SearchIndex, string>> = { alert: 'alert_id' };

/** Assemblyline's MAX_SEARCH_ROWS; not enforced by the server, but larger pages only cost memory. */
export const MAX_PAGE_SIZE = 500;
/** Elasticsearch's max_result_window, which Assemblyline does not raise: offset + rows must stay within it. */
export const MAX_RESULT_WINDOW = 10_000;

export type SearchContext = IExecuteFunctions | IPollFunctions;

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
 * that shift, never yield a document twice; it is removed again unless the caller named it. Alerts
 * are told apart by their alert_id, which is their document id. A failure
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
	const idField = DOCUMENT_ID_FIELD[request.index];
	const addedId =
		request.fl !== undefined && idField === undefined && !request.fl.split(',').includes('id');
	if (request.fl) base.fl = addedId ? `${request.fl},id` : request.fl;
	if (request.sort) base.sort = request.sort;
	const send = (body: IDataObject) =>
		assemblylineRequest<SearchResponse>(context, {
			method: 'POST',
			path,
			body,
			itemIndex: request.itemIndex,
			timeoutMs: request.timeoutMs,
			onHeaders: request.onServerDate
				? (headers) => reportDate(headers, request.onServerDate!)
				: undefined,
		});
	const yielded = new Set<string>();
	/** The documents of a page not yielded before, their keys recorded, the added id removed. */
	const fresh = (docs: IDataObject[]) => {
		const out: IDataObject[] = [];
		for (const doc of docs) {
			const id = idField === undefined ? undefined : doc[idField];
			// The other keys start with NUL, so that they never meet an alert_id.
			const key =
				typeof id === 'string' && id !== '' ? id : `\u0000${documentKey(request.index, doc)}`;
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

/**
 * How many documents a search matches, before paging through it: one request for no rows with
 * `track_total_hits` (assemblyline-ui api/v4/search.py passes it through to Elasticsearch). A
 * deep-paging page never carries the total: assemblyline-base's datastore turns hit tracking off
 * for it (`collection.py` `_search`), so the first page cannot tell. `atMost`: count no further
 * than this (Elasticsearch then answers this number), which keeps the count cheap on a huge index.
 */
export async function searchTotal(
	context: SearchContext,
	request: Omit<SearchRequest, 'fl' | 'sort' | 'onServerDate'>,
	atMost: number,
): Promise<number | undefined> {
	const body: IDataObject = {
		query: request.query,
		offset: 0,
		rows: 0,
		track_total_hits: atMost,
	};
	if (request.filters?.length) body.filters = request.filters;
	const response = await assemblylineRequest<SearchResponse>(context, {
		method: 'POST',
		path: `/api/v4/search/${request.index}/`,
		body,
		itemIndex: request.itemIndex,
		timeoutMs: request.timeoutMs,
	});
	return typeof response?.total === 'number' ? response.total : undefined;
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

function itemsOf(
	context: SearchContext,
	response: SearchResponse,
	request: SearchRequest,
): IDataObject[] {
	if (response && Array.isArray(response.items)) {
		// Alerts feed the IoC nodes: a misfit (e.g. al.detailed.ip as text) fails with the field named
		// (nodes/shared/schema.ts), checked by zod only when the fast check finds one.
		if (request.index === 'alert' && !response.items.every(alertFits)) {
			parseResponse(context, ALERT_PAGE, response, {
				endpoint: `POST /api/v4/search/alert/`,
				itemIndex: request.itemIndex,
			});
		}
		return response.items;
	}
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

/** The value at a dotted path (`times.completed`), or undefined. */
export function valueAt(doc: IDataObject, path: string): unknown {
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
		return new NodeApiError(context.getNode(), { message } as JsonObject, {
			message: `The search cursor expired on page ${page}; Assemblyline no longer knows this deep-paging search`,
			description: `Assemblyline keeps a deep-paging cursor for 5 minutes between pages (or loses it when Elasticsearch restarts); the search was already started over once. ${nothing} Run the node again; if it keeps happening, narrow the query or the time range.`,
			httpCode: '400',
			itemIndex: request.itemIndex,
		});
	}
	if (error instanceof NodeApiError) {
		error.description =
			`${error.description ?? ''} (page ${page} of a deep-paging search) ${nothing}`.trim();
		return error;
	}
	return error instanceof Error ? error : new Error(message);
}
