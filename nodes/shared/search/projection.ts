/**
 * What a search asks for: the field projection (`fl`) that never loses the id, the user's filters,
 * time ranges, and the filters that say when an alert is ready to act on.
 */
import { NodeOperationError } from 'n8n-workflow';

import type { SearchContext, SearchIndex } from './paging';
import { ID_FIELDS } from './paging';

export const DEFAULT_ALERT_QUERY = 'al.ip:* OR al.domain:* OR al.uri:*';
/** What Filter Blockable IoCs and the IoC nodes read from an alert. */
export const DEFAULT_ALERT_FIELDS =
	'alert_id,sid,reporting_ts,al.detailed,file,label,status,priority';

// --- projection ----------------------------------------------------------------------------------

/**
 * The `fl` to send: the user's comma-separated fields plus the index's id fields (and any the caller
 * needs, e.g. reporting_ts for a cursor), which Assemblyline drops unless named. Empty means the
 * index's stored fields, which already carry the id; `*` means the whole document.
 */
export function projection(
	index: SearchIndex,
	fields: string,
	required: readonly string[] = [],
): string | undefined {
	const named = splitList(fields);
	if (named.length === 0) return undefined;
	if (named.includes('*')) return '*';
	const missing = [...ID_FIELDS[index], ...required].filter(
		(field, i, all) => !named.includes(field) && all.indexOf(field) === i,
	);
	return [...missing, ...named].join(',');
}

/** The Lucene query parameter, trimmed. Assemblyline refuses an empty one ("There was no search query."). */
export function queryOf(
	context: SearchContext,
	value: unknown,
	everything: string,
	itemIndex?: number,
): string {
	const query = String(value ?? '').trim();
	if (query === '') {
		throw new NodeOperationError(context.getNode(), 'The query is empty', {
			itemIndex,
			description: `Assemblyline needs a query. Use * to match ${everything}.`,
		});
	}
	return query;
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
	s: 's',
	sec: 's',
	secs: 's',
	second: 's',
	seconds: 's',
	m: 'm',
	min: 'm',
	mins: 'm',
	minute: 'm',
	minutes: 'm',
	h: 'h',
	hr: 'h',
	hrs: 'h',
	hour: 'h',
	hours: 'h',
	d: 'd',
	day: 'd',
	days: 'd',
	w: 'w',
	week: 'w',
	weeks: 'w',
	month: 'M',
	months: 'M',
	y: 'y',
	year: 'y',
	years: 'y',
};
const RELATIVE = /^(?:last\s+)?(\d+)\s*([a-z]+)(?:\s+ago)?$/i;
const DATE_MATH = /^now(?:[+-]\d+[yMwdhHms])*(?:\/[yMwdhHms])?$/;
const ISO_DATE =
	/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

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

function readBound(
	context: SearchContext,
	label: string,
	value: unknown,
	itemIndex?: number,
): string | undefined {
	const bound = timeBound(value);
	if (bound === undefined && String(value ?? '').trim() !== '') {
		throw new NodeOperationError(
			context.getNode(),
			`"${label}" is not a time: "${String(value)}"`,
			{
				itemIndex,
				description:
					'Use an ISO date such as 2025-03-14T15:00:00Z, a relative time such as "last 24 hours", "7 days" or "30m", or Elasticsearch date math such as now-24h.',
			},
		);
	}
	return bound;
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
			return [
				'NOT extended_scan:submitted',
				...(seconds > 0 ? [`reporting_ts:[* TO now-${seconds}s]`] : []),
			];
		}
	}
}
