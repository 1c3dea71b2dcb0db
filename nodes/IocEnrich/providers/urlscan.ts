/**
 * urlscan.io search, then the newest matching scan's result; never a scan submission.
 * Sources: docs.urlscan.io (Search API, Result API, quotas) and urlscan/urlscan-python client.py.
 * - Search hits carry no verdicts (on the free plan never), and `domain:`, `ip:` and `hash:` match
 *   anything a scanned page loaded: a phishing page that loaded a font CDN would "flag" the CDN.
 *   So the query is on `page.url`, `page.domain` or `page.ip`, and a hit counts only when its
 *   `page.*` equals the IoC.
 * - The verdict comes from `/api/v1/result/{uuid}/` (`verdicts.overall`) of the newest such scan,
 *   where the key's plan allows it; otherwise the hits are context (`unknown`) and the output says
 *   why. A malicious verdict there makes the IoC suspicious: it is urlscan's automatic classification.
 * - A SHA256 only matches resources some page loaded: context, never a verdict.
 * `total: 0` is not found.
 */
import * as z from '../../shared/zod';
import { canonicalIPv6 } from '../../shared/ioc/ip';
import type { FollowUp, Ioc, Provider, ProviderHttpResponse, ProviderReading } from '../types';
import { keyedBy } from './credential';
import { followUpGet, maybe, notFound, parseAnswer, unexpected } from './reading';
import { header, isoDate, obj, str, tagList } from './util';

const NAME = 'urlscan.io';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An Elasticsearch query-string phrase: quotes and backslashes escaped. */
function phrase(value: string): string {
	return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export function searchQuery(ioc: Ioc): string {
	switch (ioc.type) {
		case 'url':
			return `page.url:${phrase(ioc.value)}`;
		case 'domain':
			return `page.domain:${phrase(ioc.value)}`;
		case 'sha256':
			return `hash:${ioc.value}`;
		default:
			return `page.ip:${phrase(ioc.value)}`;
	}
}

const withoutSlash = (url: string) => (url.endsWith('/') ? url.slice(0, -1) : url);

const PAGE = z.looseObject({
	url: maybe.text,
	domain: maybe.text,
	ip: maybe.text,
	country: maybe.text,
	asnname: maybe.text,
});

/** A search answer (urlscan.io docs, Search API): the scans, newest first. */
const SEARCH = z.looseObject({
	total: maybe.number,
	results: z.array(
		z.looseObject({
			_id: maybe.text,
			page: z.optional(z.nullable(PAGE)),
			task: z.optional(z.nullable(z.looseObject({ time: maybe.text, tags: maybe.words }))),
		}),
	),
});
type Hit = z.Infer<typeof SEARCH>['results'][number];

/** A scan's result: only its overall verdicts are read. */
const RESULT = z.looseObject({
	verdicts: z.looseObject({
		overall: z.looseObject({
			malicious: maybe.flag,
			score: maybe.number,
			categories: maybe.words,
			brands: maybe.words,
		}),
	}),
});

/** Whether a hit is a scan of the IoC itself (its page), not of a page that merely loaded it. */
function isScanOf(hit: Hit, ioc: Ioc): boolean {
	const page = hit.page ?? {};
	switch (ioc.type) {
		case 'url':
			return withoutSlash(str(page.url) ?? '') === withoutSlash(ioc.value);
		case 'domain':
			return str(page.domain)?.toLowerCase() === ioc.value;
		case 'ipv4':
			return str(page.ip) === ioc.value;
		case 'ipv6': {
			const ip = str(page.ip);
			return !!ip && canonicalIPv6(ip) === canonicalIPv6(ioc.value);
		}
		default:
			return false;
	}
}

function read(response: ProviderHttpResponse, ioc: Ioc): ProviderReading {
	const link = `https://urlscan.io/search/#${encodeURIComponent(searchQuery(ioc))}`;
	if (response.statusCode !== 200) return unexpected(NAME, response);
	const answer = parseAnswer(NAME, SEARCH, response);
	if (answer.reading) return answer.reading;
	const results = answer.body.results;
	const total = answer.body.total ?? results.length;
	const hash = ioc.type === 'sha256';
	const hits = hash ? results : results.filter((r) => isScanOf(r, ioc));
	if (hits.length === 0) return notFound({ total, scans: 0 }, link);

	const newest = hits[0];
	const page = newest.page ?? {};
	const task = newest.task ?? {};
	const id = str(newest._id);
	const latest = {
		uuid: id && UUID.test(id) ? id : null,
		time: str(task.time) ?? null,
		url: str(page.url) ?? null,
		domain: str(page.domain) ?? null,
		ip: str(page.ip) ?? null,
		country: str(page.country) ?? null,
		asnname: str(page.asnname) ?? null,
	};
	return {
		status: 'ok',
		verdict: 'unknown',
		tags: tagList(hits.flatMap((r) => r.task?.tags ?? [])),
		link: latest.uuid ? `https://urlscan.io/result/${latest.uuid}/` : link,
		lastSeen: isoDate(task.time),
		evidence: hash
			? { total, loaded_by: hits.length, latest }
			: { total, scans: hits.length, latest },
	};
}

function followUp(reading: ProviderReading, ioc: Ioc): FollowUp | undefined {
	const uuid = str(obj(reading.evidence?.latest)?.uuid);
	if (ioc.type === 'sha256' || !uuid || !UUID.test(uuid)) return undefined;
	const time = str(obj(reading.evidence?.latest)?.time)?.slice(0, 10);
	return followUpGet(`/api/v1/result/${uuid}/`, RESULT, 'verdicts', (body, first) => {
		const overall = body.verdicts.overall;
		const malicious = overall.malicious === true;
		const labels = tagList([...(overall.categories ?? []), ...(overall.brands ?? [])]);
		const verdicts = {
			malicious,
			score: overall.score ?? null,
			categories: tagList(overall.categories ?? []),
			brands: tagList(overall.brands ?? []),
		};
		const reading: ProviderReading = { ...first, evidence: { ...first.evidence, verdicts } };
		if (malicious) {
			reading.verdict = 'suspicious';
			reading.tags = tagList([...labels, ...(first.tags ?? [])]);
			reading.reasons = [
				`${NAME}: its latest scan${time ? ` (${time})` : ''} was classified malicious${labels.length ? ` (${labels.join('; ')})` : ''}`,
			];
		}
		return reading;
	});
}

export const urlscan: Provider = {
	id: 'urlscan',
	option: {
		name: 'urlscan.io Search',
		description: 'IPs, domains, URLs, SHA256: earlier public scans (search only)',
	},
	displayName: NAME,
	...keyedBy('iocEnrichUrlscanApi', 'urlscan.io'),
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
	followUp,
	quotaExhausted: (response) => /^(day|hour)$/i.test(header(response, 'x-rate-limit-window') ?? ''),
};
