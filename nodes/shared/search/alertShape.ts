/**
 * The fast path of the alert schema (ALERT in nodes/shared/assemblyline.ts) for search pages: the
 * same checks in plain JavaScript, much cheaper than zod over every alert of a 500-alert page. It
 * only decides "fits"; a page with an alert that does not fit is then checked with the zod schema,
 * whose message names the field.
 */
import type { IDataObject } from 'n8n-workflow';

const isObject = (value: unknown): value is IDataObject =>
	value !== null && typeof value === 'object' && !Array.isArray(value);
const optionalText = (value: unknown) => value === undefined || typeof value === 'string';
const optionalNullableText = (value: unknown) =>
	value === undefined || value === null || typeof value === 'string';

function textList(value: unknown): boolean {
	if (value === undefined) return true;
	if (!Array.isArray(value)) return false;
	for (const entry of value) if (typeof entry !== 'string') return false;
	return true;
}

function detailedGroup(value: unknown): boolean {
	if (value === undefined) return true;
	if (!Array.isArray(value)) return false;
	for (const entry of value) {
		if (!isObject(entry) || typeof entry.value !== 'string') return false;
		if (
			!optionalText(entry.type) ||
			!optionalNullableText(entry.verdict) ||
			!optionalNullableText(entry.subtype)
		)
			return false;
	}
	return true;
}

/** Whether an alert from a search page has the shape ALERT describes. */
export function alertFits(alert: unknown): boolean {
	if (!isObject(alert)) return false;
	if (
		!optionalText(alert.alert_id) ||
		!optionalText(alert.sid) ||
		!optionalText(alert.reporting_ts)
	)
		return false;
	const al = alert.al;
	if (al === undefined) return true;
	if (!isObject(al) || !textList(al.ip) || !textList(al.domain) || !textList(al.uri)) return false;
	const detailed = al.detailed;
	if (detailed === undefined) return true;
	return (
		isObject(detailed) &&
		detailedGroup(detailed.ip) &&
		detailedGroup(detailed.domain) &&
		detailedGroup(detailed.uri)
	);
}
