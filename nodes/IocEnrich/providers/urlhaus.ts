/**
 * abuse.ch URLhaus: `url/` for URLs, `host/` for domains and IPs, `payload/` for MD5/SHA256.
 * HTTP 200 with `query_status` (`ok`, `no_results`, `invalid_*`).
 */
import type { Ioc, Provider, ProviderHttpResponse, ProviderReading } from '../types';
import { arr, failure, FORM_HEADERS, formBody, isoDate, malformed, notFound, num, obj, str, tagList, unexpected } from './util';

const NAME = 'URLhaus';

function listedOnBlocklists(blacklists: unknown): string[] {
	const lists = obj(blacklists) ?? {};
	return Object.entries(lists)
		.filter(([, state]) => typeof state === 'string' && state !== 'not listed')
		.map(([list]) => list);
}

function read(response: ProviderHttpResponse, ioc: Ioc): ProviderReading {
	if (response.statusCode !== 200) return unexpected(NAME, response);
	const body = obj(response.json);
	const status = str(body?.query_status);
	if (!body || !status) return malformed(NAME, response);
	if (status === 'no_results') return notFound({ query_status: status });
	if (status !== 'ok') {
		return failure({
			code: /auth/i.test(status) ? 'auth' : status.startsWith('invalid') ? 'invalid_input' : 'provider_status',
			httpStatus: 200,
			message: `${NAME} answered query_status "${status.slice(0, 80)}"`,
		});
	}
	const link = str(body.urlhaus_reference);

	if (ioc.type === 'url') {
		const urlStatus = str(body.url_status) ?? 'unknown';
		const threat = str(body.threat) ?? 'malware';
		return {
			status: 'ok',
			verdict: 'malicious',
			tags: tagList([threat, ...arr(body.tags)]),
			link,
			firstSeen: isoDate(body.date_added),
			lastSeen: isoDate(body.last_online),
			reasons: [`${NAME}: ${threat} URL, ${urlStatus}`],
			evidence: { url_status: urlStatus, threat, blacklists: obj(body.blacklists) ?? null, payloads: arr(body.payloads).length },
		};
	}

	if (ioc.type === 'md5' || ioc.type === 'sha256') {
		const signature = str(body.signature);
		const fileType = str(body.file_type);
		return {
			status: 'ok',
			verdict: 'malicious',
			tags: tagList([signature, fileType]),
			link,
			firstSeen: isoDate(body.firstseen),
			lastSeen: isoDate(body.lastseen),
			reasons: [`${NAME}: malware payload${signature ? ` (${signature})` : ''} served by ${num(body.url_count) ?? 0} URLs`],
			evidence: { signature: signature ?? null, file_type: fileType ?? null, url_count: num(body.url_count) ?? 0 },
		};
	}

	// Hosts: a listed host may be a shared platform abused once; only blocklists make it malicious.
	const urls = arr(body.urls).map(obj);
	const online = urls.filter((u) => u?.url_status === 'online').length;
	const count = num(body.url_count) ?? urls.length;
	const blocklists = listedOnBlocklists(body.blacklists);
	return {
		status: 'ok',
		verdict: blocklists.length > 0 ? 'malicious' : 'suspicious',
		tags: tagList(urls.flatMap((u) => [u?.threat, ...arr(u?.tags)])),
		link,
		firstSeen: isoDate(body.firstseen),
		reasons: [
			`${NAME}: host of ${count} malware URLs (${online} online)${blocklists.length ? `, listed on ${blocklists.join(', ')}` : ''}`,
		],
		evidence: { url_count: count, online, blacklists: obj(body.blacklists) ?? null },
	};
}

function request(ioc: Ioc) {
	if (ioc.type === 'url') return { method: 'POST' as const, url: '/url/', body: formBody({ url: ioc.value }), headers: FORM_HEADERS };
	if (ioc.type === 'md5' || ioc.type === 'sha256') {
		return { method: 'POST' as const, url: '/payload/', body: formBody({ [`${ioc.type}_hash`]: ioc.value }), headers: FORM_HEADERS };
	}
	return { method: 'POST' as const, url: '/host/', body: formBody({ host: ioc.value }), headers: FORM_HEADERS };
}

export const urlhaus: Provider = {
	id: 'urlhaus',
	displayName: NAME,
	credentialType: 'iocEnrichAbuseChApi',
	baseUrlField: 'urlhausUrl',
	defaultBaseUrl: 'https://urlhaus-api.abuse.ch/v1',
	supports: ['ipv4', 'domain', 'url', 'md5', 'sha256'],
	limits: { concurrency: 2, minIntervalMs: 250 },
	request,
	read,
};
