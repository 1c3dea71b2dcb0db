/** An alert's triage history (`events[]`): what AL Alert Trigger's "Triage Changes" mode emits. */
import type { IDataObject } from 'n8n-workflow';

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
			!!e &&
			typeof e === 'object' &&
			typeof (e as IDataObject).ts === 'string' &&
			!Number.isNaN(Date.parse(String((e as IDataObject).ts))),
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
