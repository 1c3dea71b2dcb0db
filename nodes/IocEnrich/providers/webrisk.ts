/**
 * Google Web Risk Lookup API, `uris.search` (docs.cloud.google.com/web-risk/docs/reference/rest/v1/uris/search):
 * `GET https://webrisk.googleapis.com/v1/uris:search?threatTypes=…&threatTypes=…&uri=…` with the
 * key as the `key` query parameter; one URI a request; the answer is `{}` when the URI is on no
 * requested list, else `{threat: {threatTypes: […], expireTime}}` (SearchUrisResponse.ThreatUri:
 * "clients must not cache this response past" expireTime). Threat types asked: MALWARE,
 * SOCIAL_ENGINEERING, UNWANTED_SOFTWARE (the same lists IoC Enrich asks Safe Browsing for). Errors, the domain-as-URL rule and the link are Google's, as for Safe Browsing
 * (google.ts).
 * Web Risk is Google's commercial counterpart of Safe Browsing (same lists, billed per call). It
 * is its own provider, not a mode of Safe Browsing: a GET per URI instead of a POST of 500, another
 * answer shape, another key and billing; they share only google.ts.
 * A match is malicious; no match is unknown, never benign.
 */
import type { Ioc, Provider, ProviderHttpResponse, ProviderReading } from '../types';
import { googleDailyQuota, googleKeyRefused, googleUrlOf, transparencyReportLink } from './google';
import { malformed, notFound, unexpected } from './reading';
import { arr, obj, str, tagList } from './util';

const NAME = 'Google Web Risk';

const THREAT_TYPES = ['MALWARE', 'SOCIAL_ENGINEERING', 'UNWANTED_SOFTWARE'];

function read(response: ProviderHttpResponse, ioc: Ioc): ProviderReading {
	const refused = googleKeyRefused(NAME, response);
	if (refused) return refused;
	if (response.statusCode !== 200) return unexpected(NAME, response);
	const checked = { checked_as: googleUrlOf(ioc) };
	const body = obj(response.json);
	if (!body) return malformed(NAME, response, 'the answer is not an object');
	if (body.threat === undefined) return notFound(checked, transparencyReportLink(ioc));
	const threat = obj(body.threat);
	if (!threat || !Array.isArray(threat.threatTypes))
		return malformed(NAME, response, 'threat.threatTypes is not a list');
	const threats = tagList(arr(threat.threatTypes));
	if (threats.length === 0) return notFound(checked, transparencyReportLink(ioc));
	return {
		status: 'ok',
		verdict: 'malicious',
		tags: threats,
		link: transparencyReportLink(ioc),
		reasons: [`${NAME}: listed as ${threats.join(', ')}`],
		evidence: { threat_types: threats, expire_time: str(threat.expireTime), ...checked },
	};
}

export const webrisk: Provider = {
	id: 'webrisk',
	option: {
		name: 'Google Web Risk',
		description: "URLs, domains: Google's malware and phishing lists, for commercial use (billed)",
	},
	displayName: NAME,
	credentialType: 'iocEnrichWebRiskApi',
	credentialName: 'IoC Enrich: Google Web Risk API',
	baseUrlField: 'baseUrl',
	defaultBaseUrl: 'https://webrisk.googleapis.com/v1',
	supports: ['url', 'domain'],
	limits: { concurrency: 4, minIntervalMs: 0 },
	request: (ioc) => ({
		method: 'GET',
		// threatTypes repeats: written out, so no client's array format can change it.
		url: `/uris:search?${[...THREAT_TYPES.map((t) => `threatTypes=${t}`), `uri=${encodeURIComponent(googleUrlOf(ioc))}`].join('&')}`,
		headers: { Accept: 'application/json' },
	}),
	read,
	link: transparencyReportLink,
	askedAs: googleUrlOf,
	quotaExhausted: googleDailyQuota,
};
