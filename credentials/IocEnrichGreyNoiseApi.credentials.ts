import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

/**
 * GreyNoise Community API for IoC Enrich: the key goes in the `key` header. Community lookups are limited per day.
 * The base URL can point at an on-prem mirror or a test server.
 */
export class IocEnrichGreyNoiseApi implements ICredentialType {
	name = 'iocEnrichGreyNoiseApi';

	displayName = 'IoC Enrich: GreyNoise API';

	icon: Icon = { light: 'file:../icons/enrich.svg', dark: 'file:../icons/enrich.dark.svg' };

	documentationUrl = 'https://docs.greynoise.io/reference/getcommunityip';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your GreyNoise API key (sent as the key header)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.greynoise.io',
			placeholder: 'e.g. https://api.greynoise.io',
			description: 'API root, e.g. a mirror for tests. Default: the public GreyNoise API.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'key': '={{$credentials.apiKey}}',
			},
		},
	};

	// Google's public resolver is in RIOT: a known answer that reveals nothing.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.baseUrl || "").trim().replace(/\\/+$/, "")}}',
			url: '/v3/community/8.8.8.8',
			method: 'GET',
		},
	};
}
