import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	alertOutputSink,
	fieldsFor,
	MAX_ALERTS_HELD,
	refuseUnboundedReturnAll,
	type AlertOutput,
} from '../shared/backfill';
import { timeoutMsOf } from '../shared/descriptions';
import type { CursorRead, CursorState, SearchIndex } from '../shared/search';
import {
	ALERT_CURSOR,
	cleanFilters,
	DEFAULT_LOOKBACK_MINUTES,
	MAX_PAGE_SIZE,
	newCursor,
	projection,
	queryOf,
	readCursor,
	readinessFilters,
	readSinceCursor,
	reportingRange,
	searchAll,
	searchPages,
	SEARCH_INDICES,
} from '../shared/search';

/** Lookback of "Only Alerts Not Returned Before": covers Elasticsearch's refresh delay with room to spare. */
const LOOKBACK_MS = DEFAULT_LOOKBACK_MINUTES * 60_000;
/** Queries whose cursor is remembered per node; the least recently used is forgotten first. */
const MAX_CURSORS = 20;

/** One input item's search: every matching document, or with "Only Alerts Not Returned Before" the new ones. */
export async function searchForItem(
	context: IExecuteFunctions,
	itemIndex: number,
): Promise<IDataObject[]> {
	const index = context.getNodeParameter('index', itemIndex) as SearchIndex;
	if (!SEARCH_INDICES.includes(index)) {
		throw new NodeOperationError(
			context.getNode(),
			`"${String(index)}" is not a searchable index`,
			{ itemIndex },
		);
	}
	const isAlert = index === 'alert';
	const query = queryOf(
		context,
		context.getNodeParameter(isAlert ? 'query' : 'indexQuery', itemIndex, ''),
		'everything',
		itemIndex,
	);
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const filters = cleanFilters(options.filters);
	// The cursor follows the query and the user's filters, not a time range that may move every run.
	const key = cursorKey(query, filters);
	if (isAlert) {
		const range = reportingRange(context, options.reportedSince, options.reportedUntil, itemIndex);
		if (range) filters.push(range);
	}
	const onlyNew = isAlert && (context.getNodeParameter('onlyNew', itemIndex, false) as boolean);
	const output = isAlert
		? (context.getNodeParameter('alertOutput', itemIndex, 'alerts') as AlertOutput)
		: 'alerts';
	const fields = fieldsFor(
		output,
		String(context.getNodeParameter(isAlert ? 'alertFields' : 'fields', itemIndex, '') ?? ''),
	);
	const returnAll = context.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll
		? undefined
		: (context.getNodeParameter('limit', itemIndex, 50) as number);
	const pageSize = typeof options.pageSize === 'number' ? options.pageSize : undefined;
	const sort =
		typeof options.sort === 'string' && options.sort.trim() !== ''
			? options.sort.trim()
			: undefined;

	if (onlyNew) {
		filters.push(
			...readinessFilters(
				context.getNodeParameter('waitFor', itemIndex, 'delay'),
				options.alertDelaySeconds,
			),
		);
	}
	const search: CursorRead['search'] = {
		query,
		filters,
		fl: projection(index, fields, onlyNew ? ['reporting_ts'] : []),
		itemIndex,
		timeoutMs: timeoutMsOf(options.timeoutSeconds),
	};
	if (!isAlert) return await searchAll(context, { ...search, index, sort }, { limit, pageSize });
	const bounded = returnAll && !onlyNew && output === 'alerts';
	// Said before the first page: a backfill too large to hold fails fast, naming the bounded ways.
	// Nothing to page when the count is 0 (an empty search stays one request).
	if (bounded && (await refuseUnboundedReturnAll(context, { ...search, index })) === 0) return [];
	const sink = alertOutputSink(context, output, {
		itemIndex,
		maxHeld: bounded ? MAX_ALERTS_HELD : undefined,
	});
	// Each page goes to the output as it arrives: the Merged IoCs output folds it and holds no alert.
	if (onlyNew) await notReturnedBefore(context, search, key, limit, pageSize, sink.add);
	else
		for await (const page of searchPages(context, { ...search, index, sort }, { limit, pageSize }))
			sink.add(page);
	return sink.items();
}

interface StoredCursor extends CursorState {
	used: string;
}

/** The "Only Alerts Not Returned Before" run: oldest first from the cursor, skipping what was returned. */
async function notReturnedBefore(
	context: IExecuteFunctions,
	search: CursorRead['search'],
	key: string,
	limit: number | undefined,
	pageSize: number | undefined,
	emit: (alerts: IDataObject[]) => void,
): Promise<void> {
	const staticData = context.getWorkflowStaticData('node');
	const cursors = (staticData.searchCursors ?? {}) as Record<string, StoredCursor>;
	const state = readCursor(cursors[key]) ?? newCursor(0);
	const skippable = Object.keys(state.recent).length;
	const { next } = await readSinceCursor(context, {
		source: ALERT_CURSOR,
		search,
		state,
		lookbackMs: LOOKBACK_MS,
		limit,
		// Ask for what may be skipped as well, so one request usually covers a small limit.
		paging: {
			pageSize:
				limit === undefined ? pageSize : Math.min(pageSize ?? MAX_PAGE_SIZE, limit + skippable),
		},
		emit: (entries) => emit(entries.map((entry) => entry.value)),
	});
	// Only a run that succeeded moves the cursor (a thrown error leaves static data as it was).
	const stored: StoredCursor = { ...next, used: new Date().toISOString() };
	const kept = Object.entries(cursors)
		.filter(([k]) => k !== key)
		.sort(([, a], [, b]) => String(b.used).localeCompare(String(a.used)))
		.slice(0, MAX_CURSORS - 1);
	staticData.searchCursors = Object.fromEntries([[key, stored], ...kept]) as IDataObject;
}

/** One cursor per query and filter set, so input items with different queries do not share one. */
function cursorKey(query: string, filters: string[]): string {
	const text = JSON.stringify([query, [...filters].sort()]);
	return `q${fnv1a(text, 0x811c9dc5)}${fnv1a(text, 0x01000193)}`;
}

function fnv1a(text: string, seed: number): string {
	let hash = seed >>> 0;
	for (let i = 0; i < text.length; i++) {
		hash ^= text.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193) >>> 0;
	}
	return hash.toString(16).padStart(8, '0');
}
