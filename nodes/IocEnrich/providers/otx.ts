/**
 * AlienVault OTX indicator `general` section (OTX-Python-SDK: OTXv2.py, IndicatorTypes.py,
 * examples/is_malicious/get_malicious.py). An unknown indicator is usually HTTP 200 with no pulses
 * (sometimes 404); a non-empty `validation` list is OTX's allowlist, a known-benign signal.
 * - OTX refuses a key with 403 (`handle_response_errors` raises InvalidAPIKey on 403).
 * - OTX keeps `domain` and `hostname` indicators apart (the SDK's is_malicious example asks both
 *   for a host): a name longer than its registrable domain is looked up as a `hostname`.
 */
import type { IDataObject } from 'n8n-workflow';

import { parsePsl } from '../../shared/ioc/vendor';
import type { Ioc, Provider, ProviderHttpResponse, ProviderReading } from '../types';
import {
	arr,
	latest,
	isoDate,
	malformed,
	notFound,
	num,
	obj,
	str,
	tagList,
	unexpected,
} from './util';

const NAME = 'AlienVault OTX';

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
	const body = obj(response.json);
	const pulseInfo = obj(body?.pulse_info);
	if (!body || !pulseInfo) return malformed(NAME, response);

	const pulses = arr(pulseInfo.pulses)
		.map(obj)
		.filter((p): p is IDataObject => !!p);
	const count = num(pulseInfo.count) ?? pulses.length;
	const validation = arr(body.validation)
		.map(obj)
		.filter((v): v is IDataObject => !!v);
	const families = pulses.flatMap((p) =>
		arr(p.malware_families).map((f) => str(obj(f)?.display_name) ?? str(f)),
	);
	const evidence = {
		pulse_count: count,
		validation: validation.map((v) => str(v.name) ?? str(v.message) ?? str(v.source) ?? 'listed'),
		reputation: num(body.reputation) ?? null,
	};
	if (count === 0 && validation.length === 0) return notFound(evidence, link);

	const reading: ProviderReading = {
		status: 'ok',
		verdict: 'unknown',
		tags: tagList([...families, ...pulses.flatMap((p) => arr(p.tags))]),
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
	credentialType: 'iocEnrichOtxApi',
	credentialName: 'IoC Enrich: AlienVault OTX API',
	baseUrlField: 'baseUrl',
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
