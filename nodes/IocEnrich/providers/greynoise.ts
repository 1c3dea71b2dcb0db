/**
 * GreyNoise Community v3 (IPv4 only; docs.greynoise.io "Using the GreyNoise Community API").
 * 404 = not observed scanning and not in RIOT.
 * - `classification: malicious` → malicious.
 * - Observed scanning (`noise`) and classified benign: a scanner GreyNoise has identified (a search
 *   engine, a researcher), a known-benign signal.
 * - RIOT is context: community answers carry `riot: true` (and `classification: benign`) with no
 *   trust level, and RIOT's trust level 2 is business infrastructure "where end-user attribution is
 *   limited", level 3 cloud compute or bulk hosting "with no inherent trust signal" (docs.greynoise.io,
 *   Business Services data dictionary): a C2 behind a CDN or in a cloud range is in RIOT too. It
 *   gives benign only when no other provider flags the IoC.
 * The Community 429 is the plan's allowance: `{"plan", "rate-limit": "100-lookups/day", "message"}`.
 */
import * as z from '../../shared/zod';
import type { Ioc, Provider, ProviderHttpResponse, ProviderReading } from '../types';
import { keyedBy } from './credential';
import { malformed, maybe, notFound, parseAnswer, unexpected } from './reading';
import { isoDate, obj, providerMessage, str, tagList } from './util';

const NAME = 'GreyNoise';

/** A Community answer (docs.greynoise.io, Community API). */
const COMMUNITY = z.looseObject({
	noise: maybe.flag,
	riot: maybe.flag,
	classification: maybe.text,
	name: maybe.text,
	link: maybe.text,
	last_seen: maybe.text,
});

function read(response: ProviderHttpResponse, ioc: Ioc): ProviderReading {
	const link = `https://viz.greynoise.io/ip/${encodeURIComponent(ioc.value)}`;
	if (response.statusCode === 404) return notFound({}, link);
	if (response.statusCode !== 200) return unexpected(NAME, response);
	const answer = parseAnswer(NAME, COMMUNITY, response);
	if (answer.reading) return answer.reading;
	const body = answer.body;
	if (body.noise === undefined && body.riot === undefined && body.classification === undefined)
		return malformed(NAME, response, 'none of noise, riot and classification');
	const classification = str(body.classification) ?? 'unknown';
	const name = str(body.name);
	const reading: ProviderReading = {
		status: 'ok',
		verdict: 'unknown',
		tags: tagList([
			classification,
			body.noise === true ? 'internet-scanner' : undefined,
			body.riot === true ? 'riot' : undefined,
			name && name !== 'unknown' ? name : undefined,
		]),
		link: str(body.link) ?? link,
		lastSeen: isoDate(body.last_seen),
		evidence: {
			noise: body.noise ?? null,
			riot: body.riot ?? null,
			classification,
			name: name ?? null,
		},
	};
	const who = name && name !== 'unknown' ? ` (${name})` : '';
	if (classification === 'malicious') {
		reading.verdict = 'malicious';
		reading.reasons = [`${NAME}: classified malicious${who}`];
	} else if (classification === 'benign' && body.noise === true) {
		reading.verdict = 'benign';
		reading.benignSignal = 'known_benign';
		reading.reasons = [`${NAME}: a scanner classified benign${who}`];
	} else if (body.riot === true) {
		reading.verdict = 'benign';
		reading.benignSignal = 'context';
		reading.reasons = [`${NAME}: RIOT, a common business service${who}`];
	} else if (classification === 'benign') {
		reading.verdict = 'benign';
		reading.benignSignal = 'context';
		reading.reasons = [`${NAME}: classified benign${who}`];
	}
	return reading;
}

export const greynoise: Provider = {
	id: 'greynoise',
	option: {
		name: 'GreyNoise Community',
		description: 'IPv4: internet scanners and known benign services (RIOT)',
	},
	displayName: NAME,
	...keyedBy('iocEnrichGreyNoiseApi', 'GreyNoise'),
	defaultBaseUrl: 'https://api.greynoise.io',
	supports: ['ipv4'],
	limits: { concurrency: 1, minIntervalMs: 1_000 },
	request: (ioc) => ({
		method: 'GET',
		url: `/v3/community/${encodeURIComponent(ioc.value)}`,
		headers: { Accept: 'application/json' },
	}),
	read,
	quotaExhausted: (response) =>
		/lookups\/(day|week|month)/i.test(str(obj(response.json)?.['rate-limit']) ?? '') ||
		/daily|week/i.test(providerMessage(response)),
};
