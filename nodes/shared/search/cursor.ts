/**
 * "Since the cursor": what a scheduled reader remembers between runs, and the one reader that walks an
 * index oldest first from it. AL Alert Search ("Only Alerts Not Returned Before"), AL Alert Trigger
 * (new alerts and triage changes) and AL Submission Trigger all read through `readSinceCursor`.
 */
import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import type { PagingOptions, SearchContext, SearchIndex, SearchRequest } from './paging';
import { MAX_PAGE_SIZE, searchPages, valueAt } from './paging';

/**
 * What a scheduled reader remembers between runs (JSON, kept in workflow static data).
 *
 * Elasticsearch makes a new document searchable about a second after it is written, so a document
 * stamped T can turn up after a run has already looked past T. Each run therefore searches from
 * `cursor - lookback` and skips the (id, time) pairs it already emitted there; the pairs older than the
 * window are forgotten. An alert that Assemblyline updates gets a new reporting_ts and so comes back
 * once more. Two documents stamped in the same millisecond are both found: the range is inclusive and
 * only the exact pairs already emitted are skipped.
 */
export interface CursorState {
	/** Nothing stamped before this is ever emitted (first activation, or its backfill). */
	floor: string;
	/** Time of the newest document emitted; undefined until one is. */
	cursor?: string;
	/** id → time of the documents emitted inside the lookback window. */
	recent: Record<string, string>;
}
/** The cursor of the alert readers (the name the alert nodes have always used). */
export type AlertCursor = CursorState;

/** Which index a cursor walks, by which time field, and what identifies a document there. */
export interface CursorSource {
	index: SearchIndex;
	/** Date field the cursor follows; searched with an inclusive range, sorted oldest first. */
	timeField: string;
	idField: string;
}

/** Alerts by reporting time: set when Assemblyline (re)writes the alert; triage never moves it. */
export const ALERT_CURSOR: CursorSource = {
	index: 'alert',
	timeField: 'reporting_ts',
	idField: 'alert_id',
};
/**
 * Submissions by completion time, as Assemblyline's own replay creator reads them
 * (assemblyline-core replay/client.py: `times.completed:[last TO now]`, sorted `times.completed asc`).
 * times.submitted would miss a submission started before the cursor and finished after it.
 */
export const SUBMISSION_CURSOR: CursorSource = {
	index: 'submission',
	timeField: 'times.completed',
	idField: 'sid',
};

export function newCursor(floorMs: number): CursorState {
	return { floor: new Date(floorMs).toISOString(), recent: {} };
}

export function readCursor(value: unknown): CursorState | undefined {
	if (!value || typeof value !== 'object') return undefined;
	const v = value as IDataObject;
	if (typeof v.floor !== 'string' || Number.isNaN(Date.parse(v.floor))) return undefined;
	const recent: Record<string, string> = {};
	if (v.recent && typeof v.recent === 'object') {
		for (const [id, ts] of Object.entries(v.recent as IDataObject))
			if (typeof ts === 'string') recent[id] = ts;
	}
	const cursor =
		typeof v.cursor === 'string' && !Number.isNaN(Date.parse(v.cursor)) ? v.cursor : undefined;
	return { floor: v.floor, ...(cursor ? { cursor } : {}), recent };
}

/** Where a run starts reading: the floor, or the cursor minus the lookback, whichever is later. */
export function windowStartMs(state: CursorState, lookbackMs: number): number {
	const floorMs = Date.parse(state.floor);
	return state.cursor === undefined
		? floorMs
		: Math.max(floorMs, Date.parse(state.cursor) - lookbackMs);
}

/** The filter that selects what a run may still have to emit: `<field>:[start TO *]`. */
export function cursorFilter(
	state: CursorState,
	lookbackMs: number,
	field = ALERT_CURSOR.timeField,
): string {
	return `${field}:[${new Date(windowStartMs(state, lookbackMs)).toISOString()} TO *]`;
}

/** Whether this exact version of the document was emitted already. */
export function alreadyEmitted(state: CursorState, id: string, time: string): boolean {
	return state.recent[id] === time;
}

/** One thing a reader emits: its identity and time in the cursor, and the document it came from. */
export interface CursorEntry<T = IDataObject> {
	id: string;
	time: string;
	value: T;
}

/**
 * Moves the cursor past emitted entries and forgets pairs that fell out of the window. Returns a new
 * state; the old one is left as it was, so a failed run changes nothing.
 */
export function advanceCursorBy(
	state: CursorState,
	emitted: Iterable<{ id: string; time: string }>,
	lookbackMs: number,
): CursorState {
	let cursor = state.cursor;
	let cursorMs = cursor === undefined ? -Infinity : Date.parse(cursor);
	const recent: Record<string, string> = { ...state.recent };
	for (const { id, time } of emitted) {
		const ms = Date.parse(time);
		recent[id] = time;
		if (ms > cursorMs) {
			cursorMs = ms;
			cursor = time;
		}
	}
	const keepFrom = cursorMs - lookbackMs;
	for (const [id, ts] of Object.entries(recent))
		if (!(Date.parse(ts) >= keepFrom)) delete recent[id];
	return { floor: state.floor, ...(cursor !== undefined ? { cursor } : {}), recent };
}

/** advanceCursorBy for alert documents (alert_id, reporting_ts). */
export function advanceCursor(
	state: CursorState,
	emitted: Iterable<IDataObject>,
	lookbackMs: number,
): CursorState {
	const entries: { id: string; time: string }[] = [];
	for (const alert of emitted)
		entries.push({ id: String(alert.alert_id), time: String(alert.reporting_ts) });
	return advanceCursorBy(state, entries, lookbackMs);
}

/**
 * Without the server's Date header, the first-activation floor is n8n's clock minus this much: the
 * times are stamped by Assemblyline's clock, and a few documents from just before activation are
 * better than losing those from just after it.
 */
export const CLOCK_SKEW_MARGIN_MS = 120_000;

/** Default "late document window" of the readers: covers Elasticsearch's refresh delay with room to spare. */
export const DEFAULT_LOOKBACK_MINUTES = 5;

/** A "Late … Window (Minutes)" option in ms; unset, zero or negative gives the default. */
export function lookbackMsOf(minutes: unknown, fallbackMinutes = DEFAULT_LOOKBACK_MINUTES): number {
	const n = Number(minutes);
	return (Number.isFinite(n) && n > 0 ? n : fallbackMinutes) * 60_000;
}

/** A "Backfill (Hours)" option in ms (0 when unset). */
export function backfillMsOf(hours: unknown): number {
	return Math.max(0, Number(hours) || 0) * 3_600_000;
}

/** How long a poll may take: n8n's poll budget where the host offers one, else 5 minutes. */
export function pollBudgetMs(context: IPollFunctions): number {
	return typeof context.getPollBudgetMs === 'function' ? context.getPollBudgetMs() : 5 * 60_000;
}

export interface CursorRead<T = IDataObject> {
	source: CursorSource;
	/** The search: query, the user's and readiness filters, fl (must carry the time and id fields), timeout. */
	search: Omit<SearchRequest, 'index' | 'sort' | 'onServerDate'>;
	/**
	 * The stored state, or undefined on first activation: then the run starts at Assemblyline's "now"
	 * (date math in the filter, its Date header for the floor remembered) minus `backfillMs`, so a new
	 * trigger does not flood the workflow with history.
	 */
	state: CursorState | undefined;
	backfillMs?: number;
	lookbackMs: number;
	/** Field of the time range, when it differs from the sort field (triage: `events.ts`). */
	windowField?: string;
	/**
	 * What a document yields; default: the document itself, by its id and time field. Entries older than
	 * `startMs` (the window's start) may be dropped here.
	 */
	entriesOf?: (doc: IDataObject, startMs: number) => Array<CursorEntry<T>>;
	/** Stop at this many entries. */
	limit?: number;
	/**
	 * Takes each page's new entries as they arrive, instead of keeping them for the result (whose
	 * `entries` is then empty): the cursor moves page by page, so a long read holds one page and the
	 * lookback window's ids, not every entry (AL Alert Search's Merged IoCs output).
	 */
	emit?: (entries: Array<CursorEntry<T>>) => void;
	paging?: PagingOptions;
	/** When the run started (default: now); the budget counts from it. */
	startedMs?: number;
	/**
	 * Stop between pages once the next page might not fit in this many ms since `startedMs`. Oldest
	 * first, so stopping loses nothing: the cursor stops at what was emitted.
	 */
	budgetMs?: number;
}

/**
 * What a polling trigger's read takes from its options and from n8n: Backfill (Hours), the late
 * window, full pages, and n8n's poll budget counted from `startedMs`.
 */
export function pollRead(
	context: IPollFunctions,
	options: IDataObject,
	startedMs: number,
): Pick<CursorRead, 'backfillMs' | 'lookbackMs' | 'paging' | 'startedMs' | 'budgetMs'> {
	return {
		backfillMs: backfillMsOf(options.backfillHours),
		lookbackMs: lookbackMsOf(options.lookbackMinutes),
		paging: { pageSize: MAX_PAGE_SIZE },
		startedMs,
		budgetMs: pollBudgetMs(context),
	};
}

export interface CursorResult<T = IDataObject> {
	entries: Array<CursorEntry<T>>;
	/** The state the run read from (on first activation, the one it started). */
	previous: CursorState;
	/** The state to store once the run has succeeded. */
	next: CursorState;
}

/**
 * Reads what is new since the cursor, oldest first, skipping what was emitted already. Nothing is
 * stored here: the caller writes `next` only after the whole run succeeded, so a failed run repeats
 * the same window.
 */
export async function readSinceCursor<T = IDataObject>(
	context: SearchContext,
	read: CursorRead<T>,
): Promise<CursorResult<T>> {
	const { source, lookbackMs } = read;
	const backfillMs = Math.max(0, read.backfillMs ?? 0);
	const windowField = read.windowField ?? source.timeField;
	const started = read.startedMs ?? Date.now();
	let serverNow: number | undefined;
	const window = read.state
		? cursorFilter(read.state, lookbackMs, windowField)
		: `${windowField}:[now${backfillMs ? `-${Math.round(backfillMs / 1000)}s` : ''} TO *]`;
	const stateOf = () =>
		read.state ?? newCursor((serverNow ?? started - CLOCK_SKEW_MARGIN_MS) - backfillMs);
	const entriesOf =
		read.entriesOf ??
		((doc: IDataObject) => [
			{
				id: String(valueAt(doc, source.idField)),
				time: String(valueAt(doc, source.timeField)),
				value: doc as unknown as T,
			},
		]);

	const entries: Array<CursorEntry<T>> = [];
	let taken = 0;
	let moved: CursorState | undefined;
	/** One page's new entries: kept, or emitted with the cursor moved past them. */
	const take = (fresh: Array<CursorEntry<T>>) => {
		if (!read.emit) {
			for (const entry of fresh) entries.push(entry);
			return;
		}
		moved = advanceCursorBy(moved ?? stateOf(), fresh, lookbackMs);
		if (fresh.length) read.emit(fresh);
	};
	let slowestPageMs = 0;
	let pageStarted = Date.now();
	const pages = searchPages(
		context,
		{
			...read.search,
			index: source.index,
			filters: [...(read.search.filters ?? []), window],
			sort: `${source.timeField} asc`,
			onServerDate: (ms) => (serverNow ??= ms),
		},
		read.paging,
	);
	outer: for await (const page of pages) {
		const state = stateOf();
		const startMs = windowStartMs(state, lookbackMs);
		const fresh: Array<CursorEntry<T>> = [];
		for (const doc of page) {
			for (const entry of entriesOf(doc, startMs)) {
				if (alreadyEmitted(state, entry.id, entry.time)) continue;
				fresh.push(entry);
				taken++;
				if (read.limit !== undefined && taken >= read.limit) {
					take(fresh);
					break outer;
				}
			}
		}
		take(fresh);
		if (read.budgetMs !== undefined) {
			const now = Date.now();
			slowestPageMs = Math.max(slowestPageMs, now - pageStarted);
			pageStarted = now;
			if (taken > 0 && now - started + 2 * slowestPageMs > read.budgetMs) break;
		}
	}
	const previous = stateOf();
	const next = read.emit
		? (moved ?? advanceCursorBy(previous, [], lookbackMs))
		: advanceCursorBy(previous, entries, lookbackMs);
	return { entries, previous, next };
}
