import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

/**
 * Shodan host API for IoC Enrich. Shodan only takes the key as the `key` query parameter; IoC Enrich never puts request URLs in its output or errors, and removes the key from any text it does output.
 * The base URL can point at an on-prem mirror or a test server.
 */
export class IocEnrichShodanApi implements ICredentialType {
	name = 'iocEnrichShodanApi';

	displayName = 'IoC Enrich: Shodan API';

	icon: Icon = { light: 'file:../icons/enrich.svg', dark: 'file:../icons/enrich.dark.svg' };

	documentationUrl = 'https://developer.shodan.io/api';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your Shodan API key (sent as the key query parameter, which Shodan requires)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.shodan.io',
			placeholder: 'e.g. https://api.shodan.io',
			description: 'API root, e.g. a mirror for tests. Default: the public Shodan API.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			qs: {
				'key': '={{$credentials.apiKey}}',
			},
		},
	};

	// The key's plan and credits.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.baseUrl || "").trim().replace(/\\/+$/, "")}}',
			url: '/api-info',
			method: 'GET',
		},
	};
}
