/**
 * Google Web Risk Lookup API, `uris.search` (docs.cloud.google.com/web-risk/docs/reference/rest/v1/uris/search):
 * `GET https://webrisk.googleapis.com/v1/uris:search?threatTypes=…&threatTypes=…&uri=…` with the
 * key as the `key` query parameter; one URI a request; the answer is `{}` when the URI is on no
 * requested list, else `{threat: {threatTypes: […], expireTime}}` (SearchUrisResponse.ThreatUri:
 * "clients must not cache this response past" expireTime). Threat types asked: MALWARE,
 * SOCIAL_ENGINEERING, UNWANTED_SOFTWARE (SOCIAL_ENGINEERING_EXTENDED_COVERAGE needs a separate
 * agreement). Errors are Google's standard body `{error: {code, message, status}}`
 * (cloud.google.com/apis/design/errors), as for Safe Browsing: 400 "API key not valid" for a wrong
 * key, 429 RESOURCE_EXHAUSTED for quotas, "… per day" for the daily one.
 * Web Risk is Google's commercial counterpart of Safe Browsing (same lists, billed per call). It
 * is its own provider, not a mode of Safe Browsing: a GET per URI instead of a POST of 500, another
 * answer shape, another key and billing, so they share no request or reading code.
 * Domains are checked as `http://<domain>/`, as Safe Browsing does. A match is malicious; no match
 * is unknown, never benign.
 */
import type { Ioc, Provider, ProviderHttpResponse, ProviderReading } from '../types';
import {
	arr,
	failure,
	malformed,
	notFound,
	obj,
	providerMessage,
	str,
	tagList,
	unexpected,
} from './util';

const NAME = 'Google Web Risk';

const THREAT_TYPES = ['MALWARE', 'SOCIAL_ENGINEERING', 'UNWANTED_SOFTWARE'];

function uriOf(ioc: Ioc): string {
	return ioc.type === 'domain' ? `http://${ioc.value}/` : ioc.value;
}

function link(ioc: Ioc): string {
	return `https://transparencyreport.google.com/safe-browsing/search?url=${encodeURIComponent(uriOf(ioc))}`;
}

function read(response: ProviderHttpResponse, ioc: Ioc): ProviderReading {
	if (response.statusCode === 400 && /API key/i.test(providerMessage(response))) {
		return failure({
			code: 'auth',
			http_status: 400,
			message: `${NAME} refused the API key: ${providerMessage(response)}`,
		});
	}
	if (response.statusCode !== 200) return unexpected(NAME, response);
	const body = obj(response.json);
	if (!body) return malformed(NAME, response, 'the answer is not an object');
	if (body.threat === undefined) return notFound({ checked_as: uriOf(ioc) }, link(ioc));
	const threat = obj(body.threat);
	if (!threat || !Array.isArray(threat.threatTypes))
		return malformed(NAME, response, 'threat.threatTypes is not a list');
	const threats = tagList(arr(threat.threatTypes));
	if (threats.length === 0) return notFound({ checked_as: uriOf(ioc) }, link(ioc));
	return {
		status: 'ok',
		verdict: 'malicious',
		tags: threats,
		link: link(ioc),
		reasons: [`${NAME}: listed as ${threats.join(', ')}`],
		evidence: {
			threat_types: threats,
			expire_time: str(threat.expireTime),
			checked_as: uriOf(ioc),
		},
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
		url: `/uris:search?${[...THREAT_TYPES.map((t) => `threatTypes=${t}`), `uri=${encodeURIComponent(uriOf(ioc))}`].join('&')}`,
		headers: { Accept: 'application/json' },
	}),
	read,
	link,
	askedAs: uriOf,
	// Google's daily quota: "Quota exceeded for quota metric … and limit '… per day'".
	quotaExhausted: (response) => /per day/i.test(providerMessage(response)),
};
