/**
 * The provider registry. Adding a provider = one file implementing `Provider` (types.ts), one
 * line here, and its credential in credentials/ listed in package.json.
 */
import type { Provider } from '../types';
import { abuseipdb } from './abuseipdb';
import { greynoise } from './greynoise';
import { malwarebazaar } from './malwarebazaar';
import { otx } from './otx';
import { safebrowsing } from './safebrowsing';
import { intelx } from './intelx';
import { internetdb } from './internetdb';
import { screenshotapi } from './screenshotapi';
import { shodan } from './shodan';
import { threatfox } from './threatfox';
import { triage } from './triage';
import { urlhaus } from './urlhaus';
import { urlscan } from './urlscan';
import { virustotal } from './virustotal';
import { webrisk } from './webrisk';

export const PROVIDERS: readonly Provider[] = [
	virustotal,
	abuseipdb,
	greynoise,
	threatfox,
	urlhaus,
	malwarebazaar,
	otx,
	urlscan,
	shodan,
	internetdb,
	triage,
	safebrowsing,
	webrisk,
	intelx,
	screenshotapi,
];

export function providerById(id: string): Provider | undefined {
	return PROVIDERS.find((provider) => provider.id === id);
}
