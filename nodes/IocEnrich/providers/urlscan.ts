/**
 * urlscan.io search (never a scan submission). Search hits carry no verdict, so a hit is context
 * (`unknown`) unless a hit says malicious; `total: 0` is not found.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Ioc, Provider, ProviderHttpResponse, ProviderReading } from '../types';
import { arr, header, isoDate, malformed, notFound, num, obj, str, tagList, unexpected } from './util';

const NAME = 'urlscan.io';

/** An Elasticsearch query-string phrase: quotes and backslashes escaped. */
function phrase(value: string): string {
	return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export function searchQuery(ioc: Ioc): string {
	switch (ioc.type) {
		case 'url':
			return `page.url:${phrase(ioc.value)}`;
		case 'domain':
			return `domain:${phrase(ioc.value)}`;
		case 'sha256':
			return `hash:${ioc.value}`;
		default:
			return `ip:${phrase(ioc.value)}`;
	}
}

function read(response: ProviderHttpResponse, ioc: Ioc): ProviderReading {
	const link = `https://urlscan.io/search/#${encodeURIComponent(searchQuery(ioc))}`;
	if (response.statusCode !== 200) return unexpected(NAME, response);
	const body = obj(response.json);
	if (!body || !Array.isArray(body.results)) return malformed(NAME, response);
	const results = arr(body.results).map(obj).filter((r): r is IDataObject => !!r);
	const total = num(body.total) ?? results.length;
	if (total === 0 || results.length === 0) return notFound({ total: 0 }, link);

	const newest = results[0];
	const page = obj(newest.page) ?? {};
	const task = obj(newest.task) ?? {};
	const flagged = results.filter((r) => obj(r.verdicts)?.malicious === true || obj(obj(r.verdicts)?.overall)?.malicious === true);
	const id = str(newest._id);
	const reading: ProviderReading = {
		status: 'ok',
		verdict: flagged.length > 0 ? 'suspicious' : 'unknown',
		tags: tagList(results.flatMap((r) => arr(obj(r.task)?.tags))),
		link: id ? `https://urlscan.io/result/${id}/` : link,
		lastSeen: isoDate(task.time),
		evidence: {
			total,
			flagged_malicious: flagged.length,
			latest: { time: str(task.time) ?? null, url: str(page.url) ?? null, domain: str(page.domain) ?? null, ip: str(page.ip) ?? null, country: str(page.country) ?? null, asnname: str(page.asnname) ?? null },
		},
	};
	if (flagged.length > 0) reading.reasons = [`${NAME}: ${flagged.length} of ${results.length} recent scans flagged malicious`];
	return reading;
}

export const urlscan: Provider = {
	id: 'urlscan',
	displayName: NAME,
	credentialType: 'iocEnrichUrlscanApi',
	baseUrlField: 'baseUrl',
	defaultBaseUrl: 'https://urlscan.io',
	supports: ['ipv4', 'ipv6', 'domain', 'url', 'sha256'],
	// Search allows about 30 a minute for small accounts.
	limits: { concurrency: 1, minIntervalMs: 2_000 },
	request: (ioc) => ({
		method: 'GET',
		url: '/api/v1/search/',
		qs: { q: searchQuery(ioc), size: 10 },
		headers: { Accept: 'application/json' },
	}),
	read,
	quotaExhausted: (response) => /^(day|hour)$/i.test(header(response, 'x-rate-limit-window') ?? ''),
};
