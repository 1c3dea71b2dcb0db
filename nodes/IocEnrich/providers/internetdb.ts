/** Shodan InternetDB: keyless and free for non-commercial use; its base URL is a node option. */
import type { Provider } from '../types';
import { readHost } from './shodan';

export const internetdb: Provider = {
	id: 'internetdb',
	displayName: 'Shodan InternetDB',
	defaultBaseUrl: 'https://internetdb.shodan.io',
	supports: ['ipv4', 'ipv6'],
	limits: { concurrency: 1, minIntervalMs: 500 },
	request: (ioc) => ({
		method: 'GET',
		url: `/${encodeURIComponent(ioc.value)}`,
		headers: { Accept: 'application/json' },
	}),
	read: (response, ioc) => readHost('Shodan InternetDB', response, ioc),
};
