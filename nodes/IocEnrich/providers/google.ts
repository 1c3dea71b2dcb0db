/**
 * What Google's two URL-list APIs share (Safe Browsing v4 Lookup, Web Risk `uris.search`): a domain
 * is checked as the URL `http://<domain>/` (a host's root expression covers a listed domain,
 * developers.google.com/safe-browsing/v4/urls-hashing), the Transparency Report is where an analyst
 * looks a URL up, and both answer with Google's standard error body (cloud.google.com/apis/design/errors):
 * 400 INVALID_ARGUMENT "API key not valid" for a wrong key, 429 RESOURCE_EXHAUSTED "… per day" for
 * the daily quota.
 */
import type { Ioc, ProviderHttpResponse, ProviderReading } from '../types';
import { failure } from './reading';
import { providerMessage } from './util';

export function googleUrlOf(ioc: Ioc): string {
	return ioc.type === 'domain' ? `http://${ioc.value}/` : ioc.value;
}

export function transparencyReportLink(ioc: Ioc): string {
	return `https://transparencyreport.google.com/safe-browsing/search?url=${encodeURIComponent(googleUrlOf(ioc))}`;
}

/** Google refuses a wrong key with a 400, not a 401: read as the engine's refused key. */
export function googleKeyRefused(
	name: string,
	response: ProviderHttpResponse,
): ProviderReading | undefined {
	if (response.statusCode !== 400 || !/API key/i.test(providerMessage(response))) return undefined;
	return failure({
		code: 'auth',
		http_status: 400,
		message: `${name} refused the API key: ${providerMessage(response)}`,
	});
}

/** Google's daily quota: "Quota exceeded for quota metric … and limit '… per day'". */
export function googleDailyQuota(response: ProviderHttpResponse): boolean {
	return /per day/i.test(providerMessage(response));
}
