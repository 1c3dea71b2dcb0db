import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { ALERT_DELAY, ALERT_QUERY, FILTERS, TIMEOUT, timeoutMsOf, WAIT_FOR } from '../shared/descriptions';
import { ALERT_OUTPUT, collectAlertOutput, fieldsFor, MAX_ALERTS_HELD, type AlertOutput } from '../shared/backfill';
import { mapItems } from '../shared/items';
import type { AlertCursor, SearchIndex, SearchRequest } from '../shared/search';
import {
	advanceCursor,
	alreadyEmitted,
	cleanFilters,
	cursorFilter,
	DEFAULT_ALERT_FIELDS,
	MAX_PAGE_SIZE,
	newCursor,
	projection,
	readCursor,
	readinessFilters,
	reportingRange,
	searchAll,
	searchPages,
	SEARCH_INDICES,
} from '../shared/search';

/** Lookback of "Only Alerts Not Returned Before": covers Elasticsearch's refresh delay with room to spare. */
const LOOKBACK_MS = 5 * 60_000;
/** Queries whose cursor is remembered per node; the least recently used is forgotten first. */
const MAX_CURSORS = 20;

const ALERT = { show: { index: ['alert'] } };
const NOT_ALERT = { hide: { index: ['alert'] } };
// Inside a collection, display options name the node's parameters with a leading slash.
const ALERT_OPTION = { show: { '/index': ['alert'] } };

export class AssemblylineAlertSearch implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'AL Alert Search',
		name: 'assemblylineAlertSearch',
		icon: { light: 'file:../../icons/assemblyline.svg', dark: 'file:../../icons/assemblyline.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: '={{"search " + $parameter["index"]}}',
		documentationUrl: 'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#al-alert-search',
		description: 'Search Assemblyline alerts (or another index) with Lucene, every matching document',
		defaults: { name: 'AL Alert Search' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'assemblylineApi', required: true }],
		properties: [
			{
				displayName: 'Index',
				name: 'index',
				type: 'options',
				noDataExpression: true,
				default: 'alert',
				options: [
					{ name: 'Alert', value: 'alert', description: 'Alerts raised by Assemblyline (needs the alert_view role)' },
					{ name: 'Badlist', value: 'badlist' },
					{ name: 'File', value: 'file' },
					{ name: 'Heuristic', value: 'heuristic' },
					{ name: 'Result', value: 'result', description: 'Service results' },
					{ name: 'Safelist', value: 'safelist' },
					{ name: 'Signature', value: 'signature' },
					{ name: 'Submission', value: 'submission' },
					{ name: 'Workflow', value: 'workflow' },
				],
			},
			{ ...ALERT_QUERY, displayOptions: ALERT },
			{
				displayName: 'Query',
				name: 'indexQuery',
				type: 'string',
				default: '*',
				required: true,
				placeholder: 'max_score:>=1000',
				description: 'Lucene query, as in the Assemblyline UI; * finds every document',
				displayOptions: NOT_ALERT,
			},
			{
				displayName: 'Fields',
				name: 'alertFields',
				type: 'string',
				default: DEFAULT_ALERT_FIELDS,
				placeholder: 'alert_id,sid,al.detailed',
				description:
					'Comma-separated fields to return (wildcards allowed, e.g. al.detailed.*; * for the whole alert). The default is what Filter Blockable IoCs needs. alert_id is always added. Empty gives the stored fields, which do not include al.detailed.',
				displayOptions: ALERT,
			},
			{
				displayName: 'Fields',
				name: 'fields',
				type: 'string',
				default: '',
				placeholder: 'sid,max_score,times.submitted',
				description:
					"Comma-separated fields to return (wildcards allowed; * for the whole document). The index's ID field is always added. Empty gives the index's stored fields.",
				displayOptions: NOT_ALERT,
			},
			{
				displayName: 'Only Alerts Not Returned Before',
				name: 'onlyNew',
				type: 'boolean',
				default: false,
				description:
					"Whether to return only alerts this node has not returned before for this query, oldest first: for scheduled workflows. The node remembers where it stopped in the workflow's static data (saved by active workflows, not by manual test runs). An alert that Assemblyline updates later (extended scan, resubmission) gets a new reporting time and is returned again.",
				displayOptions: ALERT,
			},
			{
				...WAIT_FOR,
				displayOptions: { show: { index: ['alert'], onlyNew: [true] } },
			},
			{ ...ALERT_OUTPUT, displayOptions: ALERT },
			{
				displayName: 'Return All',
				name: 'returnAll',
				type: 'boolean',
				default: false,
				description: 'Whether to return all results or only up to a given limit',
			},
			{
				displayName: 'Limit',
				name: 'limit',
				type: 'number',
				default: 50,
				typeOptions: { minValue: 1 },
				description: 'Max number of results to return',
				displayOptions: { show: { returnAll: [false] } },
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{ ...ALERT_DELAY, displayOptions: ALERT_OPTION },
					FILTERS,
					{
						displayName: 'Page Size',
						name: 'pageSize',
						type: 'number',
						default: MAX_PAGE_SIZE,
						typeOptions: { minValue: 1, maxValue: MAX_PAGE_SIZE },
						description: 'Documents per request when paging (at most 500)',
					},
					{
						displayName: 'Reported Since',
						name: 'reportedSince',
						type: 'string',
						default: '',
						placeholder: 'last 24 hours',
						description:
							'Only alerts reported (or last updated) at or after this time: an ISO date such as 2025-03-14T15:00:00Z, or relative such as "last 24 hours", "7 days", "30m" or now-24h',
						displayOptions: ALERT_OPTION,
					},
					{
						displayName: 'Reported Until',
						name: 'reportedUntil',
						type: 'string',
						default: '',
						placeholder: '2025-03-15T00:00:00Z',
						description: 'Only alerts reported at or before this time (same formats as Reported Since)',
						displayOptions: ALERT_OPTION,
					},
					{
						displayName: 'Sort',
						name: 'sort',
						type: 'string',
						default: 'reporting_ts desc',
						placeholder: 'reporting_ts desc',
						description:
							'Field and direction, e.g. "reporting_ts desc" or "al.score desc, reporting_ts asc". Without this option the index\'s default sort applies (alerts: newest first). Ignored with "Only Alerts Not Returned Before", which goes oldest first.',
					},
					TIMEOUT,
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await mapItems(this, (itemIndex) => searchForItem(this, itemIndex))];
	}
}

async function searchForItem(context: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const index = context.getNodeParameter('index', itemIndex) as SearchIndex;
	if (!SEARCH_INDICES.includes(index)) {
		throw new NodeOperationError(context.getNode(), `"${String(index)}" is not a searchable index`, { itemIndex });
	}
	const isAlert = index === 'alert';
	const query = String(context.getNodeParameter(isAlert ? 'query' : 'indexQuery', itemIndex, '') ?? '').trim();
	if (query === '') {
		throw new NodeOperationError(context.getNode(), 'The query is empty', {
			itemIndex,
			description: 'Assemblyline needs a query. Use * to match everything.',
		});
	}
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const filters = cleanFilters(options.filters);
	// The cursor follows the query and the user's filters, not a time range that may move every run.
	const key = cursorKey(query, filters);
	if (isAlert) {
		const range = reportingRange(context, options.reportedSince, options.reportedUntil, itemIndex);
		if (range) filters.push(range);
	}
	const onlyNew = isAlert && (context.getNodeParameter('onlyNew', itemIndex, false) as boolean);
	const output = isAlert ? (context.getNodeParameter('alertOutput', itemIndex, 'alerts') as AlertOutput) : 'alerts';
	const fields = fieldsFor(output, String(context.getNodeParameter(isAlert ? 'alertFields' : 'fields', itemIndex, '') ?? ''));
	const returnAll = context.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : (context.getNodeParameter('limit', itemIndex, 50) as number);
	const pageSize = typeof options.pageSize === 'number' ? options.pageSize : undefined;
	const sort = typeof options.sort === 'string' && options.sort.trim() !== '' ? options.sort.trim() : undefined;

	if (onlyNew) {
		filters.push(...readinessFilters(context.getNodeParameter('waitFor', itemIndex, 'delay'), options.alertDelaySeconds));
	}
	const request: SearchRequest = {
		index,
		query,
		filters,
		fl: projection(index, fields, onlyNew ? ['reporting_ts'] : []),
		sort,
		itemIndex,
		timeoutMs: timeoutMsOf(options.timeoutSeconds),
	};
	if (!isAlert) return await searchAll(context, request, { limit, pageSize });
	const pages = onlyNew ? [await notReturnedBefore(context, request, key, limit, pageSize)] : searchPages(context, request, { limit, pageSize });
	return await collectAlertOutput(context, pages, output, { itemIndex, maxHeld: returnAll && !onlyNew ? MAX_ALERTS_HELD : undefined });
}

interface StoredCursor extends AlertCursor {
	used: string;
}

/** The "Only Alerts Not Returned Before" run: oldest first from the cursor, skipping what was returned. */
async function notReturnedBefore(
	context: IExecuteFunctions,
	request: SearchRequest,
	key: string,
	limit: number | undefined,
	pageSize: number | undefined,
): Promise<IDataObject[]> {
	const staticData = context.getWorkflowStaticData('node');
	const cursors = (staticData.searchCursors ?? {}) as Record<string, StoredCursor>;
	const state = readCursor(cursors[key]) ?? newCursor(0);
	const skippable = Object.keys(state.recent).length;
	const out: IDataObject[] = [];
	const pages = searchPages(
		context,
		{ ...request, filters: [...(request.filters ?? []), cursorFilter(state, LOOKBACK_MS)], sort: 'reporting_ts asc' },
		// Ask for what may be skipped as well, so one request usually covers a small limit.
		{ pageSize: limit === undefined ? pageSize : Math.min(pageSize ?? MAX_PAGE_SIZE, limit + skippable) },
	);
	outer: for await (const page of pages) {
		for (const alert of page) {
			if (alreadyEmitted(state, String(alert.alert_id), String(alert.reporting_ts))) continue;
			out.push(alert);
			if (limit !== undefined && out.length >= limit) break outer;
		}
	}
	// Only a run that succeeded moves the cursor (a thrown error leaves static data as it was).
	const next: StoredCursor = { ...advanceCursor(state, out, LOOKBACK_MS), used: new Date().toISOString() };
	const kept = Object.entries(cursors)
		.filter(([k]) => k !== key)
		.sort(([, a], [, b]) => String(b.used).localeCompare(String(a.used)))
		.slice(0, MAX_CURSORS - 1);
	staticData.searchCursors = Object.fromEntries([[key, next], ...kept]) as IDataObject;
	return out;
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
