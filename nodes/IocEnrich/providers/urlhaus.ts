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
import * as z from '../../shared/zod';
import type { Ioc, Provider, ProviderHttpResponse, ProviderReading } from '../types';
import { abusechAccount, abusechStatus, FORM_HEADERS, formBody } from './abusech';
import { maybe, parseAnswer, unexpected } from './reading';
import { isoDate, num, obj, str, tagList } from './util';

const NAME = 'URLhaus';

/** An `ok` answer of the url, payload or host query: the fields read below, each where it applies. */
const ANSWER = z.looseObject({
	urlhaus_reference: maybe.text,
	url_status: maybe.text,
	threat: maybe.text,
	blacklists: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
	tags: maybe.words,
	payloads: maybe.list,
	date_added: maybe.text,
	last_online: maybe.text,
	signature: maybe.text,
	file_type: maybe.text,
	firstseen: maybe.text,
	lastseen: maybe.text,
	url_count: z.optional(z.nullable(z.union([z.number(), z.string()]))),
	urls: z.optional(
		z.nullable(
			z.array(z.looseObject({ url_status: maybe.text, threat: maybe.text, tags: maybe.words })),
		),
	),
});

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
	const refused = abusechStatus(NAME, response, { notFound: ['no_results'], invalid: /^invalid/ });
	if (refused) return refused;
	const answer = parseAnswer(NAME, ANSWER, response);
	if (answer.reading) return answer.reading;
	const body = answer.body;
	const link = str(body.urlhaus_reference);

	if (ioc.type === 'url') {
		const urlStatus = str(body.url_status) ?? 'unknown';
		const threat = str(body.threat) ?? 'malware';
		const listing = blocklisting(body.blacklists);
		return {
			status: 'ok',
			verdict:
				urlStatus === 'online' || listing.meaning === 'malicious' ? 'malicious' : 'suspicious',
			tags: tagList([threat, ...(body.tags ?? [])]),
			link,
			firstSeen: isoDate(body.date_added),
			lastSeen: isoDate(body.last_online),
			reasons: [`${NAME}: ${threat} URL, ${urlStatus}${listed(listing)}`],
			evidence: {
				url_status: urlStatus,
				threat,
				blocklisted: listing.meaning,
				blacklists: obj(body.blacklists) ?? null,
				payloads: body.payloads?.length ?? 0,
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
	const urls = body.urls ?? [];
	const online = urls.filter((u) => u.url_status === 'online').length;
	const count = num(body.url_count) ?? urls.length;
	const listing = blocklisting(body.blacklists);
	return {
		status: 'ok',
		verdict: listing.meaning === 'malicious' ? 'malicious' : 'suspicious',
		tags: tagList(urls.flatMap((u) => [u.threat, ...(u.tags ?? [])])),
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
	...abusechAccount('urlhausUrl'),
	defaultBaseUrl: 'https://urlhaus-api.abuse.ch/v1',
	supports: ['ipv4', 'domain', 'url', 'md5', 'sha256'],
	request,
	read,
};
