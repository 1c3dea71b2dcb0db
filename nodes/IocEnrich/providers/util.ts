/** Small readers shared by the provider files: provider JSON is untrusted, so every field is checked. */
import type { IDataObject } from 'n8n-workflow';

import { shapeProblems, type Infer, type Schema } from '../../shared/schema';
import * as z from '../../shared/zod';
import type { FollowUp, ProviderError, ProviderHttpResponse, ProviderReading } from '../types';

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

export const notFound = (evidence: IDataObject = {}, link?: string): ProviderReading => ({
	status: 'not_found',
	verdict: 'unknown',
	evidence,
	link,
});

export function failure(error: ProviderError): ProviderReading {
	return { status: 'error', verdict: 'unknown', error };
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

/** A 2xx whose body is not the JSON the provider documents; `field` names what is missing or wrong. */
export function malformed(
	name: string,
	response: ProviderHttpResponse,
	field?: string,
): ProviderReading {
	return failure({
		code: 'malformed',
		http_status: response.statusCode,
		message: `${name}'s answer to ${response.endpoint} (HTTP ${response.statusCode}) is not the documented JSON${field ? `: ${field}` : ''} (${response.text.length} bytes)`,
	});
}

/**
 * The answer's JSON checked against the provider's schema (shapeProblems, as checkShape in
 * nodes/shared/schema.ts, but a misfit is a reading, not a throw), before any
 * field is read: `{ body }` typed by the schema, or a `malformed` reading that names the first
 * field that does not fit ("data.abuseConfidenceScore: expected a number, got text").
 */
export function parseAnswer<S extends Schema>(
	name: string,
	schema: S,
	response: ProviderHttpResponse,
): { body: Infer<S>; reading?: undefined } | { body?: undefined; reading: ProviderReading } {
	const problems = shapeProblems(schema, response.json);
	if (!problems) return { body: response.json as Infer<S> };
	const [first] = problems;
	return {
		reading: malformed(name, response, `${first.field || 'the whole answer'}: ${first.problem}`),
	};
}

/** Why an answer does not fit `schema` ("GET /x: data.id: expected text, got a number"), or undefined. */
export function misfit(schema: Schema, response: ProviderHttpResponse): string | undefined {
	const problems = shapeProblems(schema, response.json);
	if (!problems) return undefined;
	const [first] = problems;
	return `${response.endpoint}: ${first.field || 'the whole answer'}: ${first.problem}`;
}

/*
 * Schema parts for provider answers. Providers add fields and send null for empty ones, so the
 * schemas are loose objects whose optional fields may also be null; a field the verdict rests on
 * is required in the provider's own schema.
 */
export const maybeText = z.optional(z.nullable(z.string()));
export const maybeNumber = z.optional(z.nullable(z.number()));
export const maybeFlag = z.optional(z.nullable(z.boolean()));
/** A list of words (tags, families); null or missing is none. */
export const maybeWords = z.optional(z.nullable(z.array(z.nullable(z.string()))));
/** A list of anything (counted, or read entry by entry with its own schema). */
export const maybeList = z.optional(z.nullable(z.array(z.unknown())));

/**
 * abuse.ch's `query_status` (ThreatFox, URLhaus, MalwareBazaar answer HTTP 200 with it): `ok` goes
 * on; a not-found word is not_found; anything else is an error, `auth` for a refused Auth-Key
 * (`unknown_auth_key`), `invalid_input` where `invalid` matches.
 */
export function abusechStatus(
	name: string,
	response: ProviderHttpResponse,
	words: { notFound: readonly string[]; invalid?: RegExp; link?: string },
): ProviderReading | undefined {
	const answer = parseAnswer(name, QUERY_STATUS, response);
	if (answer.reading) return answer.reading;
	const status = answer.body.query_status;
	if (status === 'ok') return undefined;
	if (words.notFound.includes(status)) return notFound({ query_status: status }, words.link);
	return failure({
		code: /auth/i.test(status)
			? 'auth'
			: words.invalid?.test(status)
				? 'invalid_input'
				: 'provider_status',
		http_status: 200,
		message: `${name} answered query_status "${status.slice(0, 80)}"`,
	});
}

const QUERY_STATUS = z.looseObject({ query_status: z.string().check(z.minLength(1)) });

/**
 * A GET that completes an `ok` reading (Provider.followUp): its answer must fit `schema`, else the
 * first reading stands and `evidence[key]` says which field of which endpoint did not fit.
 */
export function followUpGet<S extends Schema>(
	url: string,
	schema: S,
	key: string,
	read: (body: Infer<S>, first: ProviderReading) => ProviderReading,
): FollowUp {
	return {
		request: { method: 'GET', url, headers: { Accept: 'application/json' } },
		read(response, first) {
			const why = misfit(schema, response);
			return why ? this.unavailable(first, why) : read(response.json as Infer<S>, first);
		},
		unavailable: (first, why) => ({
			...first,
			evidence: { ...first.evidence, [key]: `not available: ${why}` },
		}),
	};
}

/** Any status the provider file does not expect. */
export function unexpected(name: string, response: ProviderHttpResponse): ProviderReading {
	const message = providerMessage(response);
	const invalid = response.statusCode === 400 || response.statusCode === 422;
	return failure({
		code: invalid ? 'invalid_input' : 'provider_status',
		http_status: response.statusCode,
		message: `${name} answered HTTP ${response.statusCode}${message ? `: ${message}` : ''}`,
	});
}

export function header(response: ProviderHttpResponse, name: string): string | undefined {
	const value = response.headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

export function formBody(fields: Record<string, string>): string {
	return new URLSearchParams(fields).toString();
}

/** abuse.ch answers a refused Auth-Key with 401 or 403 (and sometimes 200 + `unknown_auth_key`, read as `auth`). */
export const ABUSECH_KEY_REFUSED: readonly number[] = [401, 403];

export const FORM_HEADERS = {
	'Content-Type': 'application/x-www-form-urlencoded',
	Accept: 'application/json',
};
