import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

/**
 * AlienVault OTX for IoC Enrich: the key goes in the `X-OTX-API-KEY` header.
 * The base URL can point at an on-prem mirror or a test server.
 */
export class IocEnrichOtxApi implements ICredentialType {
	name = 'iocEnrichOtxApi';

	displayName = 'IoC Enrich: AlienVault OTX API';

	icon: Icon = { light: 'file:../icons/enrich.svg', dark: 'file:../icons/enrich.dark.svg' };

	documentationUrl = 'https://otx.alienvault.com/api';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your OTX API key (sent as the X-OTX-API-KEY header)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://otx.alienvault.com',
			placeholder: 'e.g. https://otx.alienvault.com',
			description: 'Server root, e.g. a mirror for tests. Default: the public OTX server.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'X-OTX-API-KEY': '={{$credentials.apiKey}}',
			},
		},
	};

	// The key owner's profile.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.baseUrl || "").trim().replace(/\\/+$/, "")}}',
			url: '/api/v1/users/me',
			method: 'GET',
		},
	};
}
