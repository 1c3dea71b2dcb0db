import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { ALERT_QUERY, FILTERS } from '../shared/descriptions';
import type { AlertCursor } from '../shared/search';
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
	searchAll,
	searchPages,
} from '../shared/search';

/**
 * Alert ids remembered to tell a new alert from an updated one (about 25 bytes each in static data).
 * An update to an alert emitted longer ago than the last KNOWN_IDS_MAX alerts is marked "new".
 */
export const KNOWN_IDS_MAX = 5000;
const DEFAULT_LOOKBACK_MINUTES = 5;

export type AlertEvent = 'new' | 'updated';

export class AssemblylineAlertTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'AL Alert Trigger',
		name: 'assemblylineAlertTrigger',
		icon: { light: 'file:../../icons/assemblyline.svg', dark: 'file:../../icons/assemblyline.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["query"]}}',
		documentationUrl: 'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#al-alert-trigger',
		description:
			'Starts the workflow for each new or updated Assemblyline alert that matches a Lucene query',
		defaults: { name: 'AL Alert Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'assemblylineApi', required: true }],
		// What the output carries, said where the output is shown (an info hint, not a warning notice).
		hints: [
			{
				message:
					'Each alert comes out once, oldest first, with "_trigger.event" set to "new". Assemblyline updates alerts in place (extended scan, resubmission: new reporting time, sometimes more IoCs); an updated alert comes out again with "_trigger.event" set to "updated".',
				type: 'info',
				location: 'outputPane',
				whenToDisplay: 'always',
			},
		],
		properties: [
			ALERT_QUERY,
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Backfill (Hours)',
						name: 'backfillHours',
						type: 'number',
						default: 0,
						typeOptions: { minValue: 0 },
						description:
							'On first activation, also emit the alerts of the last this many hours. 0 starts from the moment of activation, without a flood of history.',
					},
					{
						displayName: 'Fields',
						name: 'fields',
						type: 'string',
						default: DEFAULT_ALERT_FIELDS,
						// Two rows: the default list shows whole instead of cut off at the panel's width.
						typeOptions: { rows: 2 },
						description:
							'Comma-separated alert fields to emit (wildcards allowed; * for the whole alert). alert_id and reporting_ts are always added.',
					},
					FILTERS,
					{
						displayName: 'Late Alert Window (Minutes)',
						name: 'lookbackMinutes',
						type: 'number',
						default: DEFAULT_LOOKBACK_MINUTES,
						typeOptions: { minValue: 1 },
						description:
							'Assemblyline (Elasticsearch) makes an alert searchable about a second after stamping it, so each poll looks back this far and skips what it already emitted. Raise it only if alerts show up in searches much later than their reporting time.',
					},
				],
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const started = Date.now();
		const query = String(this.getNodeParameter('query', '') ?? '').trim();
		if (query === '') {
			throw new NodeOperationError(this.getNode(), 'The query is empty', {
				description: 'Assemblyline needs a query. Use * to match every alert.',
			});
		}
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const filters = cleanFilters(options.filters);
		const fields = typeof options.fields === 'string' ? options.fields : DEFAULT_ALERT_FIELDS;
		const fl = projection('alert', fields, ['reporting_ts']);
		const staticData = this.getWorkflowStaticData('node');
		const known = new Set<string>(Array.isArray(staticData.knownAlertIds) ? (staticData.knownAlertIds as string[]) : []);

		if (this.getMode() === 'manual') {
			// "Fetch Test Event": the latest match; static data stays as it is.
			const [latest] = await searchAll(this, { index: 'alert', query, filters, fl, sort: 'reporting_ts desc' }, { limit: 1 });
			if (!latest) {
				throw new NodeOperationError(this.getNode(), 'No alert matches the query and filters', {
					description: 'Widen the query (e.g. *) to fetch a test event; the active trigger will still wait for matches.',
				});
			}
			const state = readCursor(staticData.alertCursor);
			return [[{ json: mark(latest, eventOf(latest, state, known)) }]];
		}

		const lookbackMs = minutes(options.lookbackMinutes, DEFAULT_LOOKBACK_MINUTES) * 60_000;
		const backfillMs = Math.max(0, Number(options.backfillHours) || 0) * 3_600_000;
		const state = readCursor(staticData.alertCursor) ?? newCursor(started - backfillMs);
		const budgetMs = typeof this.getPollBudgetMs === 'function' ? this.getPollBudgetMs() : 5 * 60_000;

		const emitted: IDataObject[] = [];
		let slowestPageMs = 0;
		let pageStarted = Date.now();
		const pages = searchPages(
			this,
			{ index: 'alert', query, filters: [...filters, cursorFilter(state, lookbackMs)], fl, sort: 'reporting_ts asc' },
			{ pageSize: MAX_PAGE_SIZE },
		);
		for await (const page of pages) {
			for (const alert of page) {
				if (!alreadyEmitted(state, String(alert.alert_id), String(alert.reporting_ts))) emitted.push(alert);
			}
			const now = Date.now();
			slowestPageMs = Math.max(slowestPageMs, now - pageStarted);
			pageStarted = now;
			// Oldest first, so stopping between pages loses nothing: the cursor stops at what was emitted.
			if (emitted.length > 0 && now - started + 2 * slowestPageMs > budgetMs) break;
		}

		for (const alert of emitted) {
			const id = String(alert.alert_id);
			mark(alert, eventOf(alert, state, known));
			known.delete(id);
			known.add(id);
		}
		for (const id of known) {
			if (known.size <= KNOWN_IDS_MAX) break;
			known.delete(id);
		}
		// Written only after the whole poll succeeded; a failed poll repeats the same window.
		staticData.alertCursor = advanceCursor(state, emitted, lookbackMs) as unknown as IDataObject;
		staticData.knownAlertIds = Array.from(known);
		if (emitted.length === 0) return null;
		return [emitted.map((json) => ({ json }))];
	}
}

function eventOf(alert: IDataObject, state: AlertCursor | undefined, known: Set<string>): AlertEvent {
	const id = String(alert.alert_id);
	return (state && id in state.recent) || known.has(id) ? 'updated' : 'new';
}

function mark(alert: IDataObject, event: AlertEvent): IDataObject {
	alert._trigger = { event };
	return alert;
}

function minutes(value: unknown, fallback: number): number {
	const n = Number(value);
	return Number.isFinite(n) && n > 0 ? n : fallback;
}
