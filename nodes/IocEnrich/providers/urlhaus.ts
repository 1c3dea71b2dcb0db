/**
 * abuse.ch URLhaus (urlhaus-api.abuse.ch): `url/` for URLs, `host/` for domains and IPs,
 * `payload/` for MD5/SHA256. HTTP 200 with `query_status` (`ok`, `no_results`, `invalid_*`,
 * `unknown_auth_key`).
 * Verdicts follow the Cortex XSOAR URLhaus integration (demisto/content
 * Packs/URLHaus/Integrations/URLHaus, URLHaus_description.md "How DBot Score is Calculated"):
 * - Spamhaus DBL `*_domain` or SURBL `listed` → malicious;
 * - Spamhaus DBL `abused_legit_*` / `abused_redirector` (a compromised legitimate site, which
 *   XSOAR only counts behind an option that is off by default) → suspicious;
 * - a URL that is `online` → malicious, `offline` → suspicious (unless a blocklist says malicious);
 * - a payload hash → malicious.
 */
import type { Ioc, Provider, ProviderHttpResponse, ProviderReading } from '../types';
import {
	ABUSECH_KEY_REFUSED,
	arr,
	failure,
	FORM_HEADERS,
	formBody,
	isoDate,
	malformed,
	notFound,
	num,
	obj,
	str,
	tagList,
	unexpected,
} from './util';

const NAME = 'URLhaus';

interface Listing {
	/** `malicious` (a `*_domain` or `listed` entry), `compromised` (`abused_*`), or `none`. */
	meaning: 'malicious' | 'compromised' | 'none';
	/** E.g. "listed on surbl", "spamhaus_dbl abused_legit_malware (a compromised legitimate site)". */
	words: string[];
}

function blocklisting(blacklists: unknown): Listing {
	const words: string[] = [];
	let malicious = false;
	let compromised = false;
	for (const [list, state] of Object.entries(obj(blacklists) ?? {})) {
		if (typeof state !== 'string' || state === 'not listed') continue;
		if (state === 'listed' || state.endsWith('_domain')) {
			malicious = true;
			words.push(state === 'listed' ? `listed on ${list}` : `${list} ${state}`);
		} else if (state.startsWith('abused_')) {
			compromised = true;
			words.push(`${list} ${state} (a compromised legitimate site)`);
		}
	}
	return { meaning: malicious ? 'malicious' : compromised ? 'compromised' : 'none', words };
}

function listed(listing: Listing): string {
	return listing.words.length ? `; ${listing.words.join(', ')}` : '';
}

function read(response: ProviderHttpResponse, ioc: Ioc): ProviderReading {
	if (response.statusCode !== 200) return unexpected(NAME, response);
	const body = obj(response.json);
	const status = str(body?.query_status);
	if (!body || !status) return malformed(NAME, response);
	if (status === 'no_results') return notFound({ query_status: status });
	if (status !== 'ok') {
		return failure({
			code: /auth/i.test(status)
				? 'auth'
				: status.startsWith('invalid')
					? 'invalid_input'
					: 'provider_status',
			http_status: 200,
			message: `${NAME} answered query_status "${status.slice(0, 80)}"`,
		});
	}
	const link = str(body.urlhaus_reference);

	if (ioc.type === 'url') {
		const urlStatus = str(body.url_status) ?? 'unknown';
		const threat = str(body.threat) ?? 'malware';
		const listing = blocklisting(body.blacklists);
		return {
			status: 'ok',
			verdict:
				urlStatus === 'online' || listing.meaning === 'malicious' ? 'malicious' : 'suspicious',
			tags: tagList([threat, ...arr(body.tags)]),
			link,
			firstSeen: isoDate(body.date_added),
			lastSeen: isoDate(body.last_online),
			reasons: [`${NAME}: ${threat} URL, ${urlStatus}${listed(listing)}`],
			evidence: {
				url_status: urlStatus,
				threat,
				blocklisted: listing.meaning,
				blacklists: obj(body.blacklists) ?? null,
				payloads: arr(body.payloads).length,
			},
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
			reasons: [
				`${NAME}: malware payload${signature ? ` (${signature})` : ''} served by ${num(body.url_count) ?? 0} URLs`,
			],
			evidence: {
				signature: signature ?? null,
				file_type: fileType ?? null,
				url_count: num(body.url_count) ?? 0,
			},
		};
	}

	// Hosts: a host of malware URLs may be a shared platform or a compromised site abused once;
	// only a blocklist entry for the domain itself makes it malicious.
	const urls = arr(body.urls).map(obj);
	const online = urls.filter((u) => u?.url_status === 'online').length;
	const count = num(body.url_count) ?? urls.length;
	const listing = blocklisting(body.blacklists);
	return {
		status: 'ok',
		verdict: listing.meaning === 'malicious' ? 'malicious' : 'suspicious',
		tags: tagList(urls.flatMap((u) => [u?.threat, ...arr(u?.tags)])),
		link,
		firstSeen: isoDate(body.firstseen),
		reasons: [`${NAME}: host of ${count} malware URLs (${online} online)${listed(listing)}`],
		evidence: {
			url_count: count,
			online,
			blocklisted: listing.meaning,
			blacklists: obj(body.blacklists) ?? null,
		},
	};
}

function request(ioc: Ioc) {
	if (ioc.type === 'url')
		return {
			method: 'POST' as const,
			url: '/url/',
			body: formBody({ url: ioc.value }),
			headers: FORM_HEADERS,
		};
	if (ioc.type === 'md5' || ioc.type === 'sha256') {
		return {
			method: 'POST' as const,
			url: '/payload/',
			body: formBody({ [`${ioc.type}_hash`]: ioc.value }),
			headers: FORM_HEADERS,
		};
	}
	return {
		method: 'POST' as const,
		url: '/host/',
		body: formBody({ host: ioc.value }),
		headers: FORM_HEADERS,
	};
}

export const urlhaus: Provider = {
	id: 'urlhaus',
	option: {
		name: 'URLhaus (abuse.ch)',
		description: 'URLs, hosts, payload hashes: malware distribution',
	},
	pickedByDefault: true,
	displayName: NAME,
	credentialType: 'iocEnrichAbuseChApi',
	credentialName: 'IoC Enrich: abuse.ch API',
	baseUrlField: 'urlhausUrl',
	defaultBaseUrl: 'https://urlhaus-api.abuse.ch/v1',
	supports: ['ipv4', 'domain', 'url', 'md5', 'sha256'],
	limits: { concurrency: 2, minIntervalMs: 250 },
	// abuse.ch refuses a key with 401 {"error":"Unauthorized"}, 403 or 200 {"query_status":"unknown_auth_key"}.
	keyRefused: ABUSECH_KEY_REFUSED,
	request,
	read,
};
