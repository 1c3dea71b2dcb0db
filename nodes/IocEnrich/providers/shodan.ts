/**
 * Shodan host API and the keyless InternetDB: exposure context, not a verdict. Only Shodan's own
 * compromise tags make an IP suspicious. 404 = no information on that IP.
 */
import * as z from '../../shared/zod';
import type { IDataObject } from 'n8n-workflow';

import type { Ioc, Provider, ProviderHttpResponse, ProviderReading } from '../types';
import { keyedBy } from './credential';
import { maybe, notFound, parseAnswer, unexpected } from './reading';
import { isoDate, num, str, tagList } from './util';

/**
 * A host, from Shodan's /shodan/host/<ip>?minify=true or InternetDB's /<ip> (vulns: a list there, an
 * object keyed by CVE in Shodan's full answer).
 */
const HOST = z.looseObject({
	ports: z.array(z.number()),
	tags: maybe.words,
	hostnames: maybe.words,
	vulns: z.optional(z.nullable(z.union([z.array(z.string()), z.record(z.string(), z.unknown())]))),
	last_update: maybe.text,
});

const COMPROMISE_TAGS = ['c2', 'malware', 'compromised', 'doublepulsar'];

export function readHost(name: string, response: ProviderHttpResponse, ioc: Ioc): ProviderReading {
	const link = `https://www.shodan.io/host/${encodeURIComponent(ioc.value)}`;
	if (response.statusCode === 404) return notFound({}, link);
	if (response.statusCode !== 200) return unexpected(name, response);
	const answer = parseAnswer(name, HOST, response);
	if (answer.reading) return answer.reading;
	const body = answer.body;
	const tags = tagList(body.tags ?? []);
	const vulns = Array.isArray(body.vulns) ? body.vulns : Object.keys(body.vulns ?? {});
	const evidence: IDataObject = {
		ports: body.ports.slice(0, 50),
		vulns: tagList(vulns),
		hostnames: tagList(body.hostnames ?? []),
	};
	for (const field of ['org', 'isp', 'asn', 'os', 'country_code']) {
		const text = str(body[field]);
		if (text) evidence[field] = text;
	}
	if (num(body.vulns_count) !== undefined) evidence.vulns_count = body.vulns_count as number;
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
	...keyedBy('iocEnrichShodanApi', 'Shodan'),
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
