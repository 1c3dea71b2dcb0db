/**
 * AlienVault OTX indicator `general` section. An unknown indicator is usually HTTP 200 with no
 * pulses (sometimes 404); a non-empty `validation` list is OTX's allowlist.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Ioc, Provider, ProviderHttpResponse, ProviderReading } from '../types';
import { arr, latest, isoDate, malformed, notFound, num, obj, str, tagList, unexpected } from './util';

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

function read(response: ProviderHttpResponse, ioc: Ioc): ProviderReading {
	const link = `https://otx.alienvault.com/indicator/${SECTIONS[ioc.type][1]}/${encodeURIComponent(ioc.value)}`;
	if (response.statusCode === 404) return notFound({}, link);
	if (response.statusCode !== 200) return unexpected(NAME, response);
	const body = obj(response.json);
	const pulseInfo = obj(body?.pulse_info);
	if (!body || !pulseInfo) return malformed(NAME, response);

	const pulses = arr(pulseInfo.pulses).map(obj).filter((p): p is IDataObject => !!p);
	const count = num(pulseInfo.count) ?? pulses.length;
	const validation = arr(body.validation).map(obj).filter((v): v is IDataObject => !!v);
	const families = pulses.flatMap((p) => arr(p.malware_families).map((f) => str(obj(f)?.display_name) ?? str(f)));
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
		reading.reasons = [`${NAME}: allowlisted (${evidence.validation.slice(0, 3).join('; ')})`];
	} else {
		reading.verdict = 'suspicious';
		const named = tagList(families).slice(0, 3);
		reading.reasons = [`${NAME}: in ${count} pulse${count === 1 ? '' : 's'}${named.length ? ` (${named.join(', ')})` : ''}`];
	}
	return reading;
}

export const otx: Provider = {
	id: 'otx',
	displayName: NAME,
	credentialType: 'iocEnrichOtxApi',
	baseUrlField: 'baseUrl',
	defaultBaseUrl: 'https://otx.alienvault.com',
	supports: ['ipv4', 'ipv6', 'domain', 'url', 'md5', 'sha1', 'sha256'],
	limits: { concurrency: 2, minIntervalMs: 500 },
	request: (ioc) => ({
		method: 'GET',
		url: `/api/v1/indicators/${SECTIONS[ioc.type][0]}/${encodeURIComponent(ioc.value)}/general`,
		headers: { Accept: 'application/json' },
	}),
	read,
};
