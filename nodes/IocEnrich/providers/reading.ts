/**
 * What the provider files make of an answer: its schema check and the readings for not found, errors
 * and misfits. A provider file checks the answer against its zod schema (parseAnswer, or followUpGet for a
 * second request) before it reads any field, so a changed or hostile answer is an error naming the
 * endpoint and the field.
 */
import type { IDataObject } from 'n8n-workflow';

import { shapeProblems, type Infer, type Schema } from '../../shared/schema';
import * as z from '../../shared/zod';
import type { FollowUp, ProviderError, ProviderHttpResponse, ProviderReading } from '../types';
import { providerMessage } from './util';

export const notFound = (evidence: IDataObject = {}, link?: string): ProviderReading => ({
	status: 'not_found',
	verdict: 'unknown',
	evidence,
	link,
});

export function failure(error: ProviderError): ProviderReading {
	return { status: 'error', verdict: 'unknown', error };
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
export const maybe = {
	text: z.optional(z.nullable(z.string())),
	number: z.optional(z.nullable(z.number())),
	flag: z.optional(z.nullable(z.boolean())),
	/** A list of words (tags, families); null or missing is none. */
	words: z.optional(z.nullable(z.array(z.nullable(z.string())))),
	/** A list of anything (counted, or read entry by entry with its own schema). */
	list: z.optional(z.nullable(z.array(z.unknown()))),
	/** A loose object whose fields are all optional text (a page, a sample). */
	texts<K extends string>(...keys: K[]) {
		return z.looseObject(
			Object.fromEntries(keys.map((key) => [key, maybe.text])) as Record<K, typeof maybe.text>,
		);
	},
};

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
