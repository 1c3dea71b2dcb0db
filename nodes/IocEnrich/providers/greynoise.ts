/**
 * GreyNoise Community (IPv4 only). 404 = not observed scanning and not in RIOT.
 * RIOT or `benign` is a known-benign signal; the community 429 is a daily allowance.
 */
import type { Ioc, Provider, ProviderHttpResponse, ProviderReading } from '../types';
import { isoDate, malformed, notFound, obj, said, str, tagList, unexpected } from './util';

const NAME = 'GreyNoise';

function read(response: ProviderHttpResponse, ioc: Ioc): ProviderReading {
	const link = `https://viz.greynoise.io/ip/${encodeURIComponent(ioc.value)}`;
	if (response.statusCode === 404) return notFound({}, link);
	if (response.statusCode !== 200) return unexpected(NAME, response);
	const body = obj(response.json);
	if (!body || (body.noise === undefined && body.riot === undefined && body.classification === undefined)) {
		return malformed(NAME, response);
	}
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
		evidence: { noise: body.noise ?? null, riot: body.riot ?? null, classification, name: name ?? null },
	};
	const who = name && name !== 'unknown' ? ` (${name})` : '';
	if (classification === 'malicious') {
		reading.verdict = 'malicious';
		reading.reasons = [`${NAME}: classified malicious${who}`];
	} else if (body.riot === true) {
		reading.verdict = 'benign';
		reading.reasons = [`${NAME}: RIOT, a known benign service${who}`];
	} else if (classification === 'benign') {
		reading.verdict = 'benign';
		reading.reasons = [`${NAME}: classified benign${who}`];
	}
	return reading;
}

export const greynoise: Provider = {
	id: 'greynoise',
	displayName: NAME,
	credentialType: 'iocEnrichGreyNoiseApi',
	baseUrlField: 'baseUrl',
	defaultBaseUrl: 'https://api.greynoise.io',
	supports: ['ipv4'],
	limits: { concurrency: 1, minIntervalMs: 1_000 },
	request: (ioc) => ({
		method: 'GET',
		url: `/v3/community/${encodeURIComponent(ioc.value)}`,
		headers: { Accept: 'application/json' },
	}),
	read,
	quotaExhausted: (response) => /daily|week/i.test(said(response)),
};
