/**
 * VirusTotal v3 reports (passive: GET only, nothing is submitted for scanning; docs.virustotal.com
 * reference: ip-info, domain-info, url-info, file-info, errors).
 * 404 NotFoundError = not found. 429 TooManyRequestsError = retry. 429 QuotaExceededError covers
 * "one of your quotas (minute, daily or monthly)": unless its message says daily or monthly, it
 * may be the public key's 4 a minute, so VirusTotal pauses about a minute and is asked once more;
 * only a second one in a row switches it off for the run.
 */
import type { IDataObject } from 'n8n-workflow';

import * as z from '../../shared/zod';
import type { Ioc, Provider, ProviderHttpResponse, ProviderReading } from '../types';
import { keyedBy } from './credential';
import { notFound, parseAnswer, unexpected } from './reading';
import { arr, clampScore, isoDate, num, obj, providerMessage, str, tagList } from './util';

const NAME = 'VirusTotal';

const COUNT = z.optional(z.number());

/** The parts of an ip-info / domain-info / url-info / file-info answer the verdict rests on. */
const REPORT = z.looseObject({
	data: z.looseObject({
		id: z.optional(z.string()),
		attributes: z.looseObject({
			last_analysis_stats: z.looseObject({
				malicious: COUNT,
				suspicious: COUNT,
				harmless: COUNT,
				undetected: COUNT,
			}),
			reputation: z.optional(z.number()),
		}),
	}),
});

const PATHS: Record<string, string> = {
	ipv4: 'ip_addresses',
	ipv6: 'ip_addresses',
	domain: 'domains',
	url: 'urls',
	md5: 'files',
	sha1: 'files',
	sha256: 'files',
};

const GUI: Record<string, string> = {
	ipv4: 'ip-address',
	ipv6: 'ip-address',
	domain: 'domain',
	url: 'url',
	md5: 'file',
	sha1: 'file',
	sha256: 'file',
};

/** VT's URL identifier: the URL in unpadded base64url. */
export function urlId(url: string): string {
	return Buffer.from(url, 'utf8').toString('base64url');
}

function idFor(ioc: Ioc): string {
	return ioc.type === 'url' ? urlId(ioc.value) : ioc.value;
}

function read(response: ProviderHttpResponse, ioc: Ioc): ProviderReading {
	const link = `https://www.virustotal.com/gui/search/${encodeURIComponent(ioc.value)}`;
	if (response.statusCode === 404) return notFound({}, link);
	if (response.statusCode !== 200) return unexpected(NAME, response);
	const answer = parseAnswer(NAME, REPORT, response);
	if (answer.reading) return answer.reading;
	const { data } = answer.body;
	const { attributes } = data;
	const stats = attributes.last_analysis_stats;

	const malicious = num(stats.malicious) ?? 0;
	const suspicious = num(stats.suspicious) ?? 0;
	const engines =
		malicious + suspicious + (num(stats.harmless) ?? 0) + (num(stats.undetected) ?? 0);
	const classification = obj(attributes.popular_threat_classification);
	const label = str(classification?.suggested_threat_label);
	const tags = tagList([
		label,
		...arr(classification?.popular_threat_category).map((c) => obj(c)?.value),
		...arr(classification?.popular_threat_name).map((c) => obj(c)?.value),
		...Object.values(obj(attributes.categories) ?? {}),
		...arr(attributes.tags),
	]);
	const id = str(data.id) ?? idFor(ioc);
	const reading: ProviderReading = {
		status: 'ok',
		verdict: 'unknown',
		score: engines > 0 ? clampScore((100 * (malicious + suspicious / 2)) / engines) : undefined,
		tags,
		link: `https://www.virustotal.com/gui/${GUI[ioc.type]}/${encodeURIComponent(id)}`,
		firstSeen: isoDate(attributes.first_submission_date),
		lastSeen: isoDate(attributes.last_analysis_date),
		evidence: {
			last_analysis_stats: stats as IDataObject,
			reputation: num(attributes.reputation) ?? null,
			...(label ? { suggested_threat_label: label } : {}),
		},
	};
	const flagged = `${malicious} of ${engines} engines flag it malicious${suspicious ? `, ${suspicious} suspicious` : ''}${label ? ` (${label})` : ''}`;
	if (malicious >= 3) {
		reading.verdict = 'malicious';
		reading.reasons = [`${NAME}: ${flagged}`];
	} else if (malicious >= 1 || suspicious >= 1) {
		reading.verdict = 'suspicious';
		reading.reasons = [`${NAME}: ${flagged}`];
	}
	// No detections is not a statement of trust: the verdict stays unknown.
	return reading;
}

function errorCode(response: ProviderHttpResponse): string | undefined {
	return str(obj(obj(response.json)?.error)?.code);
}

export const virustotal: Provider = {
	id: 'virustotal',
	option: {
		name: 'VirusTotal',
		description: 'All types: engine detections (public key: 4 lookups a minute)',
	},
	displayName: NAME,
	...keyedBy('iocEnrichVirusTotalApi', 'VirusTotal'),
	defaultBaseUrl: 'https://www.virustotal.com/api/v3',
	supports: ['ipv4', 'ipv6', 'domain', 'url', 'md5', 'sha1', 'sha256'],
	// Public API: 4 requests per minute.
	limits: { concurrency: 4, minIntervalMs: 15_000 },
	rateSetting: 'virusTotalRequestsPerMinute',
	settings: [
		{
			displayName: 'VirusTotal Requests per Minute',
			name: 'virusTotalRequestsPerMinute',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 4,
			description: 'The public API allows 4. Raise it for a premium key; 0 means no spacing.',
		},
	],
	request: (ioc) => ({
		method: 'GET',
		url: `/${PATHS[ioc.type]}/${encodeURIComponent(idFor(ioc))}`,
		headers: { Accept: 'application/json' },
	}),
	read,
	quotaExhausted: (response) => /daily|monthly/i.test(providerMessage(response)),
	windowQuota: {
		pauseMs: 60_000,
		matches: (response) => errorCode(response) === 'QuotaExceededError',
	},
};
