import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { ALERT_DELAY, ALERT_QUERY, FILTERS, TIMEOUT, timeoutMsOf, WAIT_FOR } from '../shared/descriptions';
import type { AlertCursor, TriageEvent } from '../shared/search';
import {
	advanceCursor,
	alreadyEmitted,
	cleanFilters,
	cursorFilter,
	DEFAULT_ALERT_FIELDS,
	eventKey,
	eventsOf,
	MAX_PAGE_SIZE,
	newCursor,
	projection,
	readCursor,
	readinessFilters,
	searchAll,
	searchPages,
	splitList,
} from '../shared/search';

/**
 * Alert ids remembered to tell a new alert from an updated one (about 25 bytes each in static data).
 * An update to an alert emitted longer ago than the last KNOWN_IDS_MAX alerts is marked "new".
 */
export const KNOWN_IDS_MAX = 5000;
const DEFAULT_LOOKBACK_MINUTES = 5;
/**
 * Without the server's Date header, the first-activation floor is n8n's clock minus this much:
 * reporting_ts is stamped by Assemblyline's clock, and a few alerts from just before activation are
 * better than losing those from just after it.
 */
export const CLOCK_SKEW_MARGIN_MS = 120_000;

export type AlertEvent = 'new' | 'updated' | 'triage';

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
			'Starts the workflow for each new or updated Assemblyline alert matching a Lucene query, once Assemblyline is done with it, or for each new triage change',
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
				// Not in "Triage Changes" mode, where the event is "triage" (the next hint).
				displayCondition: '={{ $parameter["mode"] !== "triage" }}',
			},
			{
				message:
					'Fires once per new triage event on an alert that matches the query, with the event in "_trigger.triage". Assemblyline records status, label and priority changes as events; taking ownership and verdict votes leave none.',
				type: 'info',
				location: 'outputPane',
				whenToDisplay: 'always',
				displayCondition: '={{ $parameter["mode"] === "triage" }}',
			},
		],
		properties: [
			ALERT_QUERY,
			{
				displayName: 'Trigger On',
				name: 'mode',
				type: 'options',
				noDataExpression: true,
				default: 'alerts',
				options: [
					{
						name: 'New or Updated Alerts',
						value: 'alerts',
						description: 'Each alert matching the query, once Assemblyline is done with it (see Wait For), and again when Assemblyline updates it',
					},
					{
						name: 'Triage Changes',
						value: 'triage',
						description:
							'Each new entry of an alert\'s triage history (status, label or priority set by an analyst or a workflow) on an alert matching the query, e.g. query status:MALICIOUS: "an analyst marked this alert malicious"',
					},
				],
			},
			{
				...WAIT_FOR,
				displayOptions: { show: { mode: ['alerts'] } },
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					ALERT_DELAY,
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
					TIMEOUT,
					{
						displayName: 'Triage Event Sets Status',
						name: 'eventStatus',
						type: 'options',
						default: '',
						options: [
							{ name: 'Any Change', value: '' },
							{ name: 'ASSESS', value: 'ASSESS' },
							{ name: 'MALICIOUS', value: 'MALICIOUS' },
							{ name: 'NON-MALICIOUS', value: 'NON-MALICIOUS' },
							{ name: 'TRIAGE', value: 'TRIAGE' },
						],
						description: 'With "Trigger On: Triage Changes", only events that set this status',
					},
					{
						displayName: 'Triage Events By',
						name: 'eventBy',
						type: 'options',
						default: 'user',
						options: [
							{ name: 'Analysts', value: 'user' },
							{ name: 'Workflows', value: 'workflow' },
							{ name: 'Analysts and Workflows', value: 'any' },
						],
						description: 'With "Trigger On: Triage Changes", whose changes count',
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
		if (this.getNodeParameter('mode', 'alerts') === 'triage') return await pollTriage(this, query, options, started);
		const waitFor = this.getNodeParameter('waitFor', 'delay');
		const filters = [...cleanFilters(options.filters), ...readinessFilters(waitFor, options.alertDelaySeconds)];
		const fields = typeof options.fields === 'string' ? options.fields : DEFAULT_ALERT_FIELDS;
		const fl = projection('alert', fields, ['reporting_ts']);
		const timeoutMs = timeoutMsOf(options.timeoutSeconds);
		const staticData = this.getWorkflowStaticData('node');
		const known = new Set<string>(Array.isArray(staticData.knownAlertIds) ? (staticData.knownAlertIds as string[]) : []);

		if (this.getMode() === 'manual') {
			// "Fetch Test Event": the latest match; static data stays as it is.
			const [latest] = await searchAll(this, { index: 'alert', query, filters, fl, sort: 'reporting_ts desc', timeoutMs }, { limit: 1 });
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
		const stored = readCursor(staticData.alertCursor);
		let serverNow: number | undefined;
		// First activation: "now" is Assemblyline's (reporting_ts is stamped by its clock, not n8n's):
		// date math in the filter, and the Date header of the answer for the floor remembered.
		const window = stored ? cursorFilter(stored, lookbackMs) : `reporting_ts:[now${backfillMs ? `-${Math.round(backfillMs / 1000)}s` : ''} TO *]`;
		const budgetMs = typeof this.getPollBudgetMs === 'function' ? this.getPollBudgetMs() : 5 * 60_000;

		const emitted: IDataObject[] = [];
		let slowestPageMs = 0;
		let pageStarted = Date.now();
		const pages = searchPages(
			this,
			{
				index: 'alert',
				query,
				filters: [...filters, window],
				fl,
				sort: 'reporting_ts asc',
				timeoutMs,
				onServerDate: (ms) => (serverNow ??= ms),
			},
			{ pageSize: MAX_PAGE_SIZE },
		);
		const stateOf = () => stored ?? newCursor((serverNow ?? started - CLOCK_SKEW_MARGIN_MS) - backfillMs);
		for await (const page of pages) {
			const state = stateOf();
			for (const alert of page) {
				if (!alreadyEmitted(state, String(alert.alert_id), String(alert.reporting_ts))) emitted.push(alert);
			}
			const now = Date.now();
			slowestPageMs = Math.max(slowestPageMs, now - pageStarted);
			pageStarted = now;
			// Oldest first, so stopping between pages loses nothing: the cursor stops at what was emitted.
			if (emitted.length > 0 && now - started + 2 * slowestPageMs > budgetMs) break;
		}
		const state = stateOf();

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

/**
 * "Triage Changes": one item per new `events[]` entry of an alert matching the query. Events are
 * stamped by Assemblyline's clock and searchable as events.ts (indexed, not stored: fl must name
 * `events`). `events` is not a nested field, so the entity and status are checked here, per event.
 */
async function pollTriage(
	context: IPollFunctions,
	query: string,
	options: IDataObject,
	started: number,
): Promise<INodeExecutionData[][] | null> {
	const by = typeof options.eventBy === 'string' ? options.eventBy : 'user';
	const status = typeof options.eventStatus === 'string' ? options.eventStatus : '';
	const filters = cleanFilters(options.filters);
	if (by !== 'any') filters.push(`events.entity_type:${by}`);
	if (status) filters.push(`events.status:"${status}"`);
	const fields = typeof options.fields === 'string' && options.fields.trim() !== '' ? options.fields : DEFAULT_ALERT_FIELDS;
	const named = splitList(fields);
	const keepEvents = named.includes('events') || named.includes('*');
	const fl = projection('alert', fields, ['reporting_ts', 'events']);
	const timeoutMs = timeoutMsOf(options.timeoutSeconds);
	const staticData = context.getWorkflowStaticData('node');
	const wanted = (event: TriageEvent) =>
		(by === 'any' || event.entity_type === by) && (!status || event.status === status);
	const output = (alert: IDataObject, event: TriageEvent): IDataObject => {
		const json = { ...alert };
		if (!keepEvents) delete json.events;
		json._trigger = { event: 'triage', triage: event };
		return json;
	};

	if (context.getMode() === 'manual') {
		const [latest] = await searchAll(context, { index: 'alert', query, filters, fl, sort: 'reporting_ts desc', timeoutMs }, { limit: 1 });
		const event = latest ? eventsOf(latest).filter(wanted).sort(byTime).at(-1) : undefined;
		if (!latest || !event) {
			throw new NodeOperationError(context.getNode(), 'No triaged alert matches the query and filters', {
				description: 'Widen the query (e.g. *) to fetch a test event; the active trigger will still wait for triage changes.',
			});
		}
		return [[{ json: output(latest, event) }]];
	}

	const lookbackMs = minutes(options.lookbackMinutes, DEFAULT_LOOKBACK_MINUTES) * 60_000;
	const backfillMs = Math.max(0, Number(options.backfillHours) || 0) * 3_600_000;
	const stored = readCursor(staticData.triageCursor);
	let serverNow: number | undefined;
	const window = stored
		? cursorFilter(stored, lookbackMs).replace(/^reporting_ts:/, 'events.ts:')
		: `events.ts:[now${backfillMs ? `-${Math.round(backfillMs / 1000)}s` : ''} TO *]`;
	const alerts = await searchAll(context, {
		index: 'alert',
		query,
		filters: [...filters, window],
		fl,
		sort: 'reporting_ts asc',
		timeoutMs,
		onServerDate: (ms) => (serverNow ??= ms),
	});
	const state = stored ?? newCursor((serverNow ?? started - CLOCK_SKEW_MARGIN_MS) - backfillMs);
	const startMs = Date.parse(/\[(\S+) TO/.exec(cursorFilter(state, lookbackMs))![1]);
	const found: Array<{ alert: IDataObject; event: TriageEvent; key: string }> = [];
	for (const alert of alerts) {
		const alertId = String(alert.alert_id);
		for (const event of eventsOf(alert)) {
			if (Date.parse(event.ts) < startMs || !wanted(event)) continue;
			const key = eventKey(alertId, event);
			if (alreadyEmitted(state, key, event.ts)) continue;
			found.push({ alert, event, key });
		}
	}
	found.sort((a, b) => byTime(a.event, b.event));
	staticData.triageCursor = advanceCursor(
		state,
		found.map(({ key, event }) => ({ alert_id: key, reporting_ts: event.ts })),
		lookbackMs,
	) as unknown as IDataObject;
	if (found.length === 0) return null;
	return [found.map(({ alert, event }) => ({ json: output(alert, event) }))];
}

function byTime(a: TriageEvent, b: TriageEvent): number {
	return Date.parse(a.ts) - Date.parse(b.ts);
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
