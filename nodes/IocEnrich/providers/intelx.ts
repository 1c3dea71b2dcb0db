/**
 * Intelligence X "intelligent search" (IntelligenceX/SDK: "Intelligence X API.pdf" and
 * Python/intelxapi.py; its docs/reference.md "Live Search API"): POST /intelligent/search with
 * `{term, buckets, lookuplevel, maxresults, timeout, datefrom, dateto, sort, media, terminate}`
 * answers `{id, status}` (status 0 = started, 1 = invalid term, 2 = too many concurrent
 * searches); then GET /intelligent/search/result?id=…&limit=… until done. Its `status`: 0 =
 * results in this answer (ask again), 1 = no more results, 2 = unknown search ID, 3 = no results
 * yet (ask again). The SDK waits about a second between polls; so does this file. The key goes in
 * the `x-key` header; 401 = a refused key, 402 = no credits left (credits: GET /authenticate/info).
 * Only strong selectors are searched: IPs, domains, URLs (no hashes).
 * Verdict: Intelligence X finds leaks, pastes and darknet pages that mention the value. That is
 * exposure, not maliciousness: hits give `ok` with verdict unknown and the record count and buckets
 * as evidence; no hit is not_found. Only the result list is read, never a record's content.
 */
import * as z from '../../shared/zod';
import type {
	FollowUp,
	Ioc,
	Poll,
	Provider,
	ProviderHttpResponse,
	ProviderReading,
} from '../types';
import { keyedBy } from './credential';
import { failure, malformed, maybe, misfit, notFound, parseAnswer, unexpected } from './reading';
import { arr, isoDate, latest, num, str, tagList } from './util';

const NAME = 'Intelligence X';

/** The SDK's pause between two result polls. */
export const INTELX_POLL_MS = 1000;

const PAGE = 100;

const SEARCH_ID = /^[0-9a-f-]{36}$/i;

/** POST /intelligent/search: the search's ID, status 0 (started), 1 (invalid term), 2 (too many). */
const SEARCH = z.looseObject({ id: maybe.text, status: z.number() });

/** GET /intelligent/search/result: status 0 (results), 1 (done), 2 (unknown ID), 3 (not ready). */
const RESULT = z.looseObject({
	status: z.number(),
	records: z.optional(
		z.nullable(z.array(z.looseObject({ bucket: maybe.text, added: maybe.text }))),
	),
});

function link(ioc: Ioc): string {
	return `https://intelx.io/?s=${encodeURIComponent(ioc.value)}`;
}

function read(response: ProviderHttpResponse, ioc: Ioc): ProviderReading {
	if (response.statusCode !== 200) return unexpected(NAME, response);
	const answer = parseAnswer(NAME, SEARCH, response);
	if (answer.reading) return answer.reading;
	const { id, status } = answer.body;
	if (status === 1)
		return failure({
			code: 'invalid_input',
			http_status: 200,
			message: `${NAME} refused the search term (status 1: invalid term)`,
		});
	if (status === 2)
		return failure({
			code: 'rate_limit',
			http_status: 200,
			message: `${NAME} refused the search: too many searches at once (status 2)`,
		});
	if (!id || !SEARCH_ID.test(id)) return malformed(NAME, response, 'id is not a search ID');
	return {
		status: 'ok',
		verdict: 'unknown',
		link: link(ioc),
		evidence: { search_id: id, records: 0, buckets: [] },
	};
}

function poll(id: string, ioc: Ioc): FollowUp {
	return {
		request: {
			method: 'GET',
			url: '/intelligent/search/result',
			qs: { id, limit: PAGE },
			headers: { Accept: 'application/json' },
		},
		read(response, reading): ProviderReading | Poll {
			const why = misfit(RESULT, response);
			if (why) return this.unavailable(reading, why);
			const { status, records: found } = response.json as z.Infer<typeof RESULT>;
			const records = found ?? [];
			const seen = num(reading.evidence?.records) ?? 0;
			const buckets = tagList([...arr(reading.evidence?.buckets), ...records.map((r) => r.bucket)]);
			const so_far: ProviderReading = {
				...reading,
				lastSeen: latest([reading.lastSeen, ...records.map((r) => isoDate(r.added))]),
				tags: buckets,
				evidence: { ...reading.evidence, records: seen + records.length, buckets },
			};
			if (status === 2)
				return this.unavailable(reading, 'Intelligence X no longer knows the search ID (status 2)');
			if (status === 0 || status === 3)
				return { reading: so_far, next: poll(id, ioc), waitMs: INTELX_POLL_MS };
			// status 1: no more results.
			const total = num(so_far.evidence?.records) ?? 0;
			if (total === 0) return notFound({ search_id: id, records: 0 }, link(ioc));
			return so_far;
		},
		unavailable: (reading, why) => ({
			...reading,
			evidence: { ...reading.evidence, incomplete: why },
		}),
	};
}

export const intelx: Provider = {
	id: 'intelx',
	option: {
		name: 'Intelligence X',
		description:
			'IPs, domains, URLs: mentions in leaks, pastes and darknet (exposure context, paid for commercial use)',
	},
	displayName: NAME,
	...keyedBy('iocEnrichIntelxApi', 'Intelligence X'),
	defaultBaseUrl: 'https://2.intelx.io',
	supports: ['ipv4', 'ipv6', 'domain', 'url'],
	limits: { concurrency: 2, minIntervalMs: 0 },
	request: (ioc) => ({
		method: 'POST',
		url: '/intelligent/search',
		body: JSON.stringify({
			term: ioc.value,
			buckets: [],
			lookuplevel: 0,
			maxresults: PAGE,
			timeout: 5,
			datefrom: '',
			dateto: '',
			sort: 2,
			media: 0,
			terminate: [],
		}),
		headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
	}),
	read,
	followUp: (reading, ioc) => {
		const id = str(reading.evidence?.search_id);
		return id ? poll(id, ioc) : undefined;
	},
	quotaStatuses: [402],
};
