/**
 * AlienVault OTX indicator `general` section (OTX-Python-SDK: OTXv2.py, IndicatorTypes.py,
 * examples/is_malicious/get_malicious.py). An unknown indicator is usually HTTP 200 with no pulses
 * (sometimes 404); a non-empty `validation` list is OTX's allowlist, a known-benign signal.
 * - OTX refuses a key with 403 (`handle_response_errors` raises InvalidAPIKey on 403).
 * - OTX keeps `domain` and `hostname` indicators apart (the SDK's is_malicious example asks both
 *   for a host): a name longer than its registrable domain is looked up as a `hostname`.
 */
import * as z from '../../shared/zod';
import { parsePsl } from '../../shared/ioc/vendor';
import type { Ioc, Provider, ProviderHttpResponse, ProviderReading } from '../types';
import { keyedBy } from './credential';
import { maybe, notFound, parseAnswer, unexpected } from './reading';
import { isoDate, latest, str, tagList } from './util';

const NAME = 'AlienVault OTX';

/** The `general` section: pulses that name the indicator, and OTX's allowlist (`validation`). */
const GENERAL = z.looseObject({
	pulse_info: z.looseObject({
		count: maybe.number,
		pulses: z.optional(
			z.nullable(
				z.array(
					z.looseObject({
						tags: maybe.words,
						modified: maybe.text,
						created: maybe.text,
						malware_families: z.optional(
							z.nullable(
								z.array(z.union([z.string(), z.looseObject({ display_name: maybe.text })])),
							),
						),
					}),
				),
			),
		),
	}),
	validation: z.optional(
		z.nullable(
			z.array(z.looseObject({ name: maybe.text, message: maybe.text, source: maybe.text })),
		),
	),
	reputation: maybe.number,
});

const SECTIONS: Record<string, [string, string]> = {
	ipv4: ['IPv4', 'ip'],
	ipv6: ['IPv6', 'ip'],
	domain: ['domain', 'domain'],
	url: ['url', 'url'],
	md5: ['file', 'file'],
	sha1: ['file', 'file'],
	sha256: ['file', 'file'],
};

/** OTX's [API type, web page type] for an IoC: `hostname` for a name below its registrable domain. */
function section(ioc: Ioc): [string, string] {
	if (ioc.type === 'domain') {
		const registrable = parsePsl(ioc.value).domain;
		if (registrable && registrable !== ioc.value) return ['hostname', 'hostname'];
	}
	return SECTIONS[ioc.type];
}

function read(response: ProviderHttpResponse, ioc: Ioc): ProviderReading {
	const link = `https://otx.alienvault.com/indicator/${section(ioc)[1]}/${encodeURIComponent(ioc.value)}`;
	if (response.statusCode === 404) return notFound({}, link);
	if (response.statusCode !== 200) return unexpected(NAME, response);
	const answer = parseAnswer(NAME, GENERAL, response);
	if (answer.reading) return answer.reading;
	const body = answer.body;
	const pulses = body.pulse_info.pulses ?? [];
	const count = body.pulse_info.count ?? pulses.length;
	const validation = body.validation ?? [];
	const families = pulses.flatMap((p) =>
		(p.malware_families ?? []).map((f) => (typeof f === 'string' ? f : str(f.display_name))),
	);
	const evidence = {
		pulse_count: count,
		validation: validation.map((v) => str(v.name) ?? str(v.message) ?? str(v.source) ?? 'listed'),
		reputation: body.reputation ?? null,
	};
	if (count === 0 && validation.length === 0) return notFound(evidence, link);

	const reading: ProviderReading = {
		status: 'ok',
		verdict: 'unknown',
		tags: tagList([...families, ...pulses.flatMap((p) => p.tags ?? [])]),
		link,
		lastSeen: latest(pulses.map((p) => isoDate(p.modified) ?? isoDate(p.created))),
		evidence,
	};
	if (validation.length > 0) {
		reading.verdict = 'benign';
		reading.benignSignal = 'known_benign';
		reading.reasons = [`${NAME}: allowlisted (${evidence.validation.slice(0, 3).join('; ')})`];
	} else {
		reading.verdict = 'suspicious';
		const named = tagList(families).slice(0, 3);
		reading.reasons = [
			`${NAME}: in ${count} pulse${count === 1 ? '' : 's'}${named.length ? ` (${named.join(', ')})` : ''}`,
		];
	}
	return reading;
}

export const otx: Provider = {
	id: 'otx',
	option: { name: 'AlienVault OTX', description: 'All types: community pulses and its allowlist' },
	displayName: NAME,
	...keyedBy('iocEnrichOtxApi', 'AlienVault OTX'),
	defaultBaseUrl: 'https://otx.alienvault.com',
	supports: ['ipv4', 'ipv6', 'domain', 'url', 'md5', 'sha1', 'sha256'],
	limits: { concurrency: 2, minIntervalMs: 500 },
	keyRefused: [403],
	request: (ioc) => ({
		method: 'GET',
		url: `/api/v1/indicators/${section(ioc)[0]}/${encodeURIComponent(ioc.value)}/general`,
		headers: { Accept: 'application/json' },
	}),
	read,
};
