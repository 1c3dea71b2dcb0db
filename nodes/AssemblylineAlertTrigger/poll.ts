import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { timeoutMsOf } from '../shared/descriptions';
import type { CursorEntry, CursorState } from '../shared/search';
import {
	ALERT_CURSOR,
	backfillMsOf,
	cleanFilters,
	DEFAULT_ALERT_FIELDS,
	lookbackMsOf,
	pollRead,
	projection,
	queryOf,
	readCursor,
	readinessFilters,
	readSinceCursor,
	searchAll,
	splitList,
} from '../shared/search';
import type { TriageEvent } from './triage';
import { eventKey, eventsOf } from './triage';

/**
 * Alert ids remembered to tell a new alert from an updated one (about 25 bytes each in static data).
 * An update to an alert emitted longer ago than the last KNOWN_IDS_MAX alerts is marked "new".
 */
export const KNOWN_IDS_MAX = 5000;

export type AlertEvent = 'new' | 'updated' | 'triage';

export async function pollAlertTrigger(
	context: IPollFunctions,
): Promise<INodeExecutionData[][] | null> {
	const started = Date.now();
	const query = queryOf(context, context.getNodeParameter('query', ''), 'every alert');
	const options = context.getNodeParameter('options', {}) as IDataObject;
	if (context.getNodeParameter('mode', 'alerts') === 'triage')
		return await pollTriage(context, query, options, started);
	const waitFor = context.getNodeParameter('waitFor', 'delay');
	const filters = [
		...cleanFilters(options.filters),
		...readinessFilters(waitFor, options.alertDelaySeconds),
	];
	const fields = typeof options.fields === 'string' ? options.fields : DEFAULT_ALERT_FIELDS;
	const fl = projection('alert', fields, ['reporting_ts']);
	const timeoutMs = timeoutMsOf(options.timeoutSeconds);
	const staticData = context.getWorkflowStaticData('node');
	const known = new Set<string>(
		Array.isArray(staticData.knownAlertIds) ? (staticData.knownAlertIds as string[]) : [],
	);

	if (context.getMode() === 'manual') {
		// "Fetch Test Event": the latest match; static data stays as it is.
		const [latest] = await searchAll(
			context,
			{ index: 'alert', query, filters, fl, sort: 'reporting_ts desc', timeoutMs },
			{ limit: 1 },
		);
		if (!latest) {
			throw new NodeOperationError(context.getNode(), 'No alert matches the query and filters', {
				description:
					'Widen the query (e.g. *) to fetch a test event; the active trigger will still wait for matches.',
			});
		}
		const state = readCursor(staticData.alertCursor);
		return [[{ json: mark(latest, eventOf(latest, state, known)) }]];
	}

	const { entries, previous, next } = await readSinceCursor(context, {
		source: ALERT_CURSOR,
		search: { query, filters, fl, timeoutMs },
		state: readCursor(staticData.alertCursor),
		...pollRead(context, options, started),
	});
	const emitted = entries.map((entry) => entry.value);
	for (const alert of emitted) {
		const id = String(alert.alert_id);
		mark(alert, eventOf(alert, previous, known));
		known.delete(id);
		known.add(id);
	}
	for (const id of known) {
		if (known.size <= KNOWN_IDS_MAX) break;
		known.delete(id);
	}
	// Written only after the whole poll succeeded; a failed poll repeats the same window.
	staticData.alertCursor = next as unknown as IDataObject;
	staticData.knownAlertIds = Array.from(known);
	if (emitted.length === 0) return null;
	return [emitted.map((json) => ({ json }))];
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
	const fields =
		typeof options.fields === 'string' && options.fields.trim() !== ''
			? options.fields
			: DEFAULT_ALERT_FIELDS;
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
		const [latest] = await searchAll(
			context,
			{ index: 'alert', query, filters, fl, sort: 'reporting_ts desc', timeoutMs },
			{ limit: 1 },
		);
		const event = latest ? eventsOf(latest).filter(wanted).sort(byTime).at(-1) : undefined;
		if (!latest || !event) {
			throw new NodeOperationError(
				context.getNode(),
				'No triaged alert matches the query and filters',
				{
					description:
						'Widen the query (e.g. *) to fetch a test event; the active trigger will still wait for triage changes.',
				},
			);
		}
		return [[{ json: output(latest, event) }]];
	}

	// The cursor follows event times (events.ts), one entry per event, keyed by the event's identity.
	type Found = { alert: IDataObject; event: TriageEvent };
	const { entries, next } = await readSinceCursor<Found>(context, {
		source: ALERT_CURSOR,
		windowField: 'events.ts',
		search: { query, filters, fl, timeoutMs },
		state: readCursor(staticData.triageCursor),
		backfillMs: backfillMsOf(options.backfillHours),
		lookbackMs: lookbackMsOf(options.lookbackMinutes),
		entriesOf: (alert, startMs) => {
			const alertId = String(alert.alert_id);
			const out: Array<CursorEntry<Found>> = [];
			for (const event of eventsOf(alert)) {
				if (Date.parse(event.ts) < startMs || !wanted(event)) continue;
				out.push({ id: eventKey(alertId, event), time: event.ts, value: { alert, event } });
			}
			return out;
		},
		startedMs: started,
	});
	const found = entries.map((entry) => entry.value).sort((a, b) => byTime(a.event, b.event));
	staticData.triageCursor = next as unknown as IDataObject;
	if (found.length === 0) return null;
	return [found.map(({ alert, event }) => ({ json: output(alert, event) }))];
}

function byTime(a: TriageEvent, b: TriageEvent): number {
	return Date.parse(a.ts) - Date.parse(b.ts);
}

function eventOf(
	alert: IDataObject,
	state: CursorState | undefined,
	known: Set<string>,
): AlertEvent {
	const id = String(alert.alert_id);
	return (state && id in state.recent) || known.has(id) ? 'updated' : 'new';
}

function mark(alert: IDataObject, event: AlertEvent): IDataObject {
	alert._trigger = { event };
	return alert;
}
