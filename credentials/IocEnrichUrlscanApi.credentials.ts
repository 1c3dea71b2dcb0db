import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

/**
 * urlscan.io for IoC Enrich (search only, nothing is submitted): the key goes in the `API-Key` header.
 * The base URL can point at an on-prem mirror or a test server.
 */
export class IocEnrichUrlscanApi implements ICredentialType {
	name = 'iocEnrichUrlscanApi';

	displayName = 'IoC Enrich: urlscan.io API';

	icon: Icon = { light: 'file:../icons/enrich.svg', dark: 'file:../icons/enrich.dark.svg' };

	documentationUrl = 'https://docs.urlscan.io/pages/api-best-practices';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your urlscan.io API key (sent as the API-Key header)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://urlscan.io',
			placeholder: 'e.g. https://urlscan.io',
			description: 'Server root, e.g. a mirror for tests. Default: urlscan.io.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'API-Key': '={{$credentials.apiKey}}',
			},
		},
	};

	// The key's own quotas.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.baseUrl || "").trim().replace(/\\/+$/, "")}}',
			url: '/user/quotas/',
			method: 'GET',
		},
	};
}
