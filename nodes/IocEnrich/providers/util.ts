/**
 * Small readers of fields shared by the provider files: provider JSON is untrusted, so every field is
 * checked. What an answer comes to (a reading) is made in reading.ts.
 */
import type { IDataObject } from 'n8n-workflow';

import type { ProviderHttpResponse } from '../types';

export const MAX_TAGS = 20;

export function obj(value: unknown): IDataObject | undefined {
	return value && typeof value === 'object' && !Array.isArray(value)
		? (value as IDataObject)
		: undefined;
}

export function arr(value: unknown): unknown[] {
	return Array.isArray(value) ? value : [];
}

export function str(value: unknown): string | undefined {
	return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function num(value: unknown): number | undefined {
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
		return Number(value);
	return undefined;
}

export function clampScore(value: number | undefined): number | undefined {
	return value === undefined ? undefined : Math.max(0, Math.min(100, Math.round(value)));
}

/** Distinct non-empty strings, at most MAX_TAGS. */
export function tagList(values: unknown[]): string[] {
	const out: string[] = [];
	for (const value of values) {
		const text = typeof value === 'string' ? value.trim() : undefined;
		if (text && !out.includes(text)) out.push(text);
		if (out.length >= MAX_TAGS) break;
	}
	return out;
}

/** Unix seconds or a date string → ISO 8601; undefined when unreadable. A time without an offset
 * is UTC: Shodan's `last_update` ("2021-01-21T12:25:37.046447") and MalwareBazaar's `first_seen`
 * ("2021-07-05 09:11:24") are, and `Date.parse` would read them as the server's local time. */
export function isoDate(value: unknown): string | undefined {
	if (typeof value === 'number' && Number.isFinite(value) && value > 0)
		return new Date(value * 1000).toISOString();
	if (typeof value !== 'string' || value.trim() === '') return undefined;
	// abuse.ch writes "2024-01-02 03:04:05 UTC"
	let text = value
		.trim()
		.replace(/ UTC$/, 'Z')
		.replace(/^(\d{4}-\d{2}-\d{2}) /, '$1T');
	if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) text += 'Z';
	const time = Date.parse(text);
	return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

export function earliest(dates: Array<string | undefined>): string | undefined {
	return dates.filter((d): d is string => !!d).sort()[0];
}

export function latest(dates: Array<string | undefined>): string | undefined {
	return dates
		.filter((d): d is string => !!d)
		.sort()
		.pop();
}

/** A short, safe rendering of what the provider said (never the request). */
export function providerMessage(response: ProviderHttpResponse): string {
	const body = obj(response.json);
	const error = obj(body?.error);
	const errors = arr(body?.errors);
	const text =
		str(error?.message) ??
		str(error?.code) ??
		str(body?.error) ??
		str(obj(errors[0])?.detail) ??
		str(body?.message) ??
		str(body?.detail) ??
		str(body?.query_status) ??
		'';
	return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

export function header(response: ProviderHttpResponse, name: string): string | undefined {
	const value = response.headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}
