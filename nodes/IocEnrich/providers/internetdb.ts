/** Shodan InternetDB: keyless and free for non-commercial use; its base URL is a node option. */
import type { Provider } from '../types';
import { readHost } from './shodan';

const DEFAULT_URL = 'https://internetdb.shodan.io';

export const internetdb: Provider = {
	id: 'internetdb',
	option: {
		name: 'Shodan InternetDB (No Key)',
		description: 'IPs: open ports and tags, keyless, non-commercial use',
	},
	displayName: 'Shodan InternetDB',
	defaultBaseUrl: DEFAULT_URL,
	baseUrlSetting: 'internetDbUrl',
	settings: [
		{
			displayName: 'InternetDB Base URL',
			name: 'internetDbUrl',
			type: 'string',
			default: DEFAULT_URL,
			description:
				'Keyless InternetDB has no credential; point this at a mirror or test server if needed',
		},
	],
	supports: ['ipv4', 'ipv6'],
	limits: { concurrency: 1, minIntervalMs: 500 },
	request: (ioc) => ({
		method: 'GET',
		url: `/${encodeURIComponent(ioc.value)}`,
		headers: { Accept: 'application/json' },
	}),
	read: (response, ioc) => readHost('Shodan InternetDB', response, ioc),
};
