/** What the abuse.ch providers (ThreatFox, URLhaus, MalwareBazaar) share: the Auth-Key, the form posts and `query_status`. */
import * as z from '../../shared/zod';
import type { ProviderHttpResponse, ProviderReading } from '../types';
import { keyedBy } from './credential';
import { failure, notFound, parseAnswer } from './reading';

/** abuse.ch answers a refused Auth-Key with 401 or 403 (and sometimes 200 + `unknown_auth_key`, read as `auth`). */
export const ABUSECH_KEY_REFUSED: readonly number[] = [401, 403];

/**
 * The abuse.ch account the three share: one credential (one Auth-Key) with a base URL per service.
 * abuse.ch refuses a key with 401 {"error":"Unauthorized"}, 403 or 200 {"query_status":"unknown_auth_key"}.
 */
export function abusechAccount(baseUrlField: string) {
	return {
		...keyedBy('iocEnrichAbuseChApi', 'abuse.ch', baseUrlField),
		keyRefused: ABUSECH_KEY_REFUSED,
		// One pace for each of the three services.
		limits: { concurrency: 2, minIntervalMs: 250 },
	};
}

export const FORM_HEADERS = {
	'Content-Type': 'application/x-www-form-urlencoded',
	Accept: 'application/json',
};

export function formBody(fields: Record<string, string>): string {
	return new URLSearchParams(fields).toString();
}

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
