/**
 * Shodan host API and the keyless InternetDB: exposure context, not a verdict. Only Shodan's own
 * compromise tags make an IP suspicious. 404 = no information on that IP.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Ioc, Provider, ProviderHttpResponse, ProviderReading } from '../types';
import { arr, isoDate, malformed, notFound, num, obj, str, tagList, unexpected } from './util';

const COMPROMISE_TAGS = ['c2', 'malware', 'compromised', 'doublepulsar'];

export function readHost(name: string, response: ProviderHttpResponse, ioc: Ioc): ProviderReading {
	const link = `https://www.shodan.io/host/${encodeURIComponent(ioc.value)}`;
	if (response.statusCode === 404) return notFound({}, link);
	if (response.statusCode !== 200) return unexpected(name, response);
	const body = obj(response.json);
	if (!body || !Array.isArray(body.ports)) return malformed(name, response);
	const tags = tagList(arr(body.tags));
	const vulns = Array.isArray(body.vulns) ? body.vulns : Object.keys(obj(body.vulns) ?? {});
	const evidence: IDataObject = {
		ports: arr(body.ports).slice(0, 50) as IDataObject[],
		vulns: tagList(vulns),
		hostnames: tagList(arr(body.hostnames)),
	};
	for (const field of ['org', 'isp', 'asn', 'os', 'country_code'])
		if (str(body[field])) evidence[field] = body[field];
	if (num(body.vulns_count) !== undefined) evidence.vulns_count = body.vulns_count;
	const bad = tags.filter((t) => COMPROMISE_TAGS.includes(t.toLowerCase()));
	return {
		status: 'ok',
		verdict: bad.length > 0 ? 'suspicious' : 'unknown',
		tags,
		link,
		lastSeen: isoDate(body.last_update),
		reasons: bad.length > 0 ? [`${name}: tagged ${bad.join(', ')}`] : undefined,
		evidence,
	};
}

export const shodan: Provider = {
	id: 'shodan',
	option: { name: 'Shodan Host', description: 'IPs: open ports, vulnerabilities, tags (context)' },
	displayName: 'Shodan',
	credentialType: 'iocEnrichShodanApi',
	credentialName: 'IoC Enrich: Shodan API',
	baseUrlField: 'baseUrl',
	defaultBaseUrl: 'https://api.shodan.io',
	supports: ['ipv4', 'ipv6'],
	limits: { concurrency: 1, minIntervalMs: 1_000 },
	request: (ioc) => ({
		method: 'GET',
		url: `/shodan/host/${encodeURIComponent(ioc.value)}`,
		qs: { minify: true },
		headers: { Accept: 'application/json' },
	}),
	read: (response, ioc) => readHost('Shodan', response, ioc),
};
