/**
 * abuse.ch ThreatFox `search_ioc` (threatfox.abuse.ch/api; abusech/ThreatFox
 * threatfox_search_ioc.py). HTTP 200 with `query_status` (`ok`, `no_result`); IPs are listed as
 * `ip:port`, so matches are filtered here to the value itself. A refused Auth-Key: see abusech.ts.
 */
import * as z from '../../shared/zod';
import type { Ioc, Provider, ProviderHttpResponse, ProviderReading } from '../types';
import { abusechAccount, abusechStatus } from './abusech';
import { maybe, notFound, parseAnswer, unexpected } from './reading';
import { arr, earliest, isoDate, latest, num, str, tagList } from './util';

const NAME = 'ThreatFox';

/** An `ok` answer: the matching IoCs (tags and names may be null in ThreatFox's answers). */
const MATCHES = z.looseObject({
	data: z.array(
		z.looseObject({
			ioc: z.optional(z.string()),
			confidence_level: z.optional(z.number()),
			threat_type: maybe.text,
			malware_printable: maybe.text,
			tags: z.optional(z.nullable(z.array(z.string()))),
		}),
	),
});

function matches(entry: { ioc?: string }, ioc: Ioc): boolean {
	const value = str(entry.ioc)?.toLowerCase();
	if (!value) return false;
	if (ioc.type === 'ipv4') return value === ioc.value || value.startsWith(`${ioc.value}:`);
	return value === ioc.value.toLowerCase();
}

function read(response: ProviderHttpResponse, ioc: Ioc): ProviderReading {
	const link = `https://threatfox.abuse.ch/browse.php?search=ioc%3A${encodeURIComponent(ioc.value)}`;
	if (response.statusCode !== 200) return unexpected(NAME, response);
	// `ok`, `no_result` (with `data` a sentence), or a refusal such as `unknown_auth_key`.
	const refused = abusechStatus(NAME, response, { notFound: ['no_result'], link });
	if (refused) return refused;
	const found = parseAnswer(NAME, MATCHES, response);
	if (found.reading) return found.reading;
	const entries = found.body.data.filter((entry) => matches(entry, ioc));
	if (entries.length === 0)
		return notFound({ query_status: 'ok', near_matches: found.body.data.length }, link);

	const best = entries.reduce((a, b) =>
		(num(b.confidence_level) ?? 0) > (num(a.confidence_level) ?? 0) ? b : a,
	);
	const confidence = num(best.confidence_level) ?? 0;
	const threat = str(best.threat_type) ?? 'listed';
	const malware = str(best.malware_printable);
	const id = num(best.id);
	return {
		status: 'ok',
		verdict: confidence >= 50 ? 'malicious' : 'suspicious',
		score: confidence,
		confidence,
		tags: tagList(entries.flatMap((e) => [e.threat_type, e.malware_printable, ...arr(e.tags)])),
		link: id !== undefined ? `https://threatfox.abuse.ch/ioc/${id}/` : link,
		firstSeen: earliest(entries.map((e) => isoDate(e.first_seen))),
		lastSeen: latest(entries.map((e) => isoDate(e.last_seen) ?? isoDate(e.first_seen))),
		reasons: [`${NAME}: ${threat}${malware ? ` for ${malware}` : ''} (confidence ${confidence})`],
		evidence: {
			matches: entries.length,
			ioc: str(best.ioc) ?? null,
			threat_type: threat,
			malware: malware ?? null,
			confidence_level: confidence,
		},
	};
}

export const threatfox: Provider = {
	id: 'threatfox',
	option: {
		name: 'ThreatFox (abuse.ch)',
		description: 'IPs, domains, URLs, MD5/SHA256: C2 and payload IoCs with confidence',
	},
	pickedByDefault: true,
	displayName: NAME,
	...abusechAccount('threatFoxUrl'),
	defaultBaseUrl: 'https://threatfox-api.abuse.ch/api/v1',
	supports: ['ipv4', 'domain', 'url', 'md5', 'sha256'],
	request: (ioc) => ({
		method: 'POST',
		url: '/',
		body: JSON.stringify({ query: 'search_ioc', search_term: ioc.value }),
		headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
	}),
	read,
};
