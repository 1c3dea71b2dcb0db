/**
 * Google Safe Browsing v4 Lookup API, `threatMatches:find` (developers.google.com/safe-browsing/v4/lookup-api):
 * POST `{client: {clientId, clientVersion}, threatInfo: {threatTypes, platformTypes,
 * threatEntryTypes: ["URL"], threatEntries: [{url}]}}` with the key as the `key` query parameter;
 * up to 500 entries a request; the answer is `{}` when nothing matches, else
 * `{matches: [{threatType, platformType, threat: {url}, cacheDuration}]}`. Errors are Google's
 * standard error body `{error: {code, message, status}}` (cloud.google.com/apis/design/errors):
 * 400 INVALID_ARGUMENT "API key not valid" for a wrong key, 429 RESOURCE_EXHAUSTED for quotas.
 * The Lookup API is for non-commercial use only; Google's commercial equivalent is Web Risk.
 * A domain is checked as the URL `http://<domain>/`: Safe Browsing lists URL expressions, and a
 * host's root expression covers a listed domain (developers.google.com/safe-browsing/v4/urls-hashing).
 * The IoCs of one execution are asked in batches of 500 (Provider.batch), not one request each.
 * A match is malicious; no match is unknown, never benign.
 */
import * as z from '../../shared/zod';
import type { Ioc, Provider, ProviderHttpResponse, ProviderReading } from '../types';
import { keyedBy } from './credential';
import { googleDailyQuota, googleKeyRefused, googleUrlOf, transparencyReportLink } from './google';
import { maybe, notFound, parseAnswer, unexpected } from './reading';
import { str, tagList } from './util';

const NAME = 'Google Safe Browsing';

export const SAFE_BROWSING_BATCH = 500;

/** A threatMatches:find answer (developers.google.com/safe-browsing/v4/lookup-api): no match is `{}`. */
const FIND = z.looseObject({
	matches: z.optional(
		z.array(
			z.looseObject({
				threatType: maybe.text,
				platformType: maybe.text,
				threat: z.optional(z.nullable(z.looseObject({ url: maybe.text }))),
			}),
		),
	),
});
type Match = NonNullable<z.Infer<typeof FIND>['matches']>[number];

const THREAT_TYPES = [
	'MALWARE',
	'SOCIAL_ENGINEERING',
	'UNWANTED_SOFTWARE',
	'POTENTIALLY_HARMFUL_APPLICATION',
];

const urlOf = googleUrlOf;
const link = transparencyReportLink;

function request(iocs: readonly Ioc[]) {
	return {
		method: 'POST' as const,
		url: '/threatMatches:find',
		body: JSON.stringify({
			client: { clientId: 'n8n-nodes-assemblyline', clientVersion: '1' },
			threatInfo: {
				threatTypes: THREAT_TYPES,
				platformTypes: ['ANY_PLATFORM'],
				threatEntryTypes: ['URL'],
				threatEntries: iocs.map((ioc) => ({ url: urlOf(ioc) })),
			},
		}),
		headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
	};
}

function readMany(response: ProviderHttpResponse, iocs: readonly Ioc[]): ProviderReading[] {
	const answer = parseAnswer(NAME, FIND, response);
	if (answer.reading) return iocs.map(() => answer.reading);
	const byUrl = new Map<string, Match[]>();
	for (const match of answer.body.matches ?? []) {
		const url = str(match.threat?.url);
		if (url) byUrl.set(url, [...(byUrl.get(url) ?? []), match]);
	}
	return iocs.map((ioc) => {
		const matches = byUrl.get(urlOf(ioc)) ?? [];
		if (matches.length === 0) return notFound({ matches: 0, checked_as: urlOf(ioc) }, link(ioc));
		const threats = tagList(matches.map((m) => m.threatType));
		return {
			status: 'ok',
			verdict: 'malicious',
			tags: threats,
			link: link(ioc),
			reasons: [`${NAME}: listed as ${threats.join(', ')}`],
			evidence: {
				matches: matches.length,
				threat_types: threats,
				platforms: tagList(matches.map((m) => m.platformType)),
				checked_as: urlOf(ioc),
			},
		};
	});
}

function read(response: ProviderHttpResponse, ioc: Ioc): ProviderReading {
	const refused = googleKeyRefused(NAME, response);
	if (refused) return refused;
	if (response.statusCode !== 200) return unexpected(NAME, response);
	return readMany(response, [ioc])[0];
}

export const safebrowsing: Provider = {
	id: 'safebrowsing',
	option: {
		name: 'Google Safe Browsing',
		description: "URLs, domains: Google's malware and phishing lists (non-commercial use)",
	},
	displayName: NAME,
	...keyedBy('iocEnrichSafeBrowsingApi', 'Google Safe Browsing'),
	defaultBaseUrl: 'https://safebrowsing.googleapis.com/v4',
	supports: ['url', 'domain'],
	limits: { concurrency: 2, minIntervalMs: 0 },
	request: (ioc) => request([ioc]),
	read,
	batch: { max: SAFE_BROWSING_BATCH, request, read: readMany },
	quotaExhausted: googleDailyQuota,
};
