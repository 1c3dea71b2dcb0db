/**
 * AbuseIPDB v2 `check` (docs.abuseipdb.com, "CHECK Endpoint" and "Daily Rate Limits"). An unknown
 * IP is HTTP 200 with no reports (there is no 404). The verdict comes from `abuseConfidenceScore`
 * only: `isWhitelisted` (true, false or null) is kept as evidence, because AbuseIPDB's whitelists
 * give "the benefit of the doubt" and "should not be used as a basis for action" (its API docs).
 * Its only documented limits are daily, so every 429 is the day's quota.
 */
import * as z from '../../shared/zod';
import type { Ioc, Provider, ProviderHttpResponse, ProviderReading } from '../types';
import { keyedBy } from './credential';
import { notFound, parseAnswer, unexpected } from './reading';
import { clampScore, isoDate, num, str, tagList } from './util';

const NAME = 'AbuseIPDB';

/** The parts of a `check` answer the verdict and the evidence rest on. */
const CHECK = z.looseObject({
	data: z.looseObject({
		abuseConfidenceScore: z.number(),
		totalReports: z.optional(z.number()),
		numDistinctUsers: z.optional(z.number()),
		isWhitelisted: z.optional(z.nullable(z.boolean())),
		isTor: z.optional(z.nullable(z.boolean())),
	}),
});
export const ABUSEIPDB_MAX_AGE_DAYS = 90;

function read(response: ProviderHttpResponse, ioc: Ioc): ProviderReading {
	const link = `https://www.abuseipdb.com/check/${encodeURIComponent(ioc.value)}`;
	if (response.statusCode !== 200) return unexpected(NAME, response);
	const answer = parseAnswer(NAME, CHECK, response);
	if (answer.reading) return answer.reading;
	const { data } = answer.body;
	const score = data.abuseConfidenceScore;

	const reports = num(data.totalReports) ?? 0;
	const whitelisted = data.isWhitelisted === true;
	const usage = str(data.usageType);
	const note = whitelisted ? `, whitelisted${usage ? ` as ${usage}` : ''}` : '';
	const evidence = {
		abuse_confidence_score: score,
		total_reports: reports,
		num_distinct_users: num(data.numDistinctUsers) ?? 0,
		is_whitelisted: data.isWhitelisted ?? null,
		is_tor: data.isTor ?? null,
		usage_type: usage ?? null,
		isp: str(data.isp) ?? null,
		domain: str(data.domain) ?? null,
		country_code: str(data.countryCode) ?? null,
	};
	if (reports === 0 && !whitelisted) return notFound(evidence, link);

	const reading: ProviderReading = {
		status: 'ok',
		verdict: 'unknown',
		score: clampScore(score),
		tags: tagList([
			data.isTor === true ? 'tor' : undefined,
			whitelisted ? 'whitelisted' : undefined,
			usage,
		]),
		link,
		lastSeen: isoDate(data.lastReportedAt),
		evidence,
	};
	if (score >= 90) {
		reading.verdict = 'malicious';
		reading.reasons = [`${NAME}: abuse confidence ${score}% (${reports} reports${note})`];
	} else if (score >= 25) {
		reading.verdict = 'suspicious';
		reading.reasons = [`${NAME}: abuse confidence ${score}% (${reports} reports${note})`];
	}
	return reading;
}

export const abuseipdb: Provider = {
	id: 'abuseipdb',
	option: { name: 'AbuseIPDB', description: 'IPs: abuse confidence score, reports, whitelist' },
	displayName: NAME,
	...keyedBy('iocEnrichAbuseIpdbApi', 'AbuseIPDB'),
	defaultBaseUrl: 'https://api.abuseipdb.com/api/v2',
	supports: ['ipv4', 'ipv6'],
	// 1,000 checks a day on the free plan; no published burst limit.
	limits: { concurrency: 2, minIntervalMs: 500 },
	request: (ioc) => ({
		method: 'GET',
		url: '/check',
		qs: { ipAddress: ioc.value, maxAgeInDays: ABUSEIPDB_MAX_AGE_DAYS },
		headers: { Accept: 'application/json' },
	}),
	read,
	quotaExhausted: () => true,
};
