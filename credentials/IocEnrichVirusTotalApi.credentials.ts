import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

/**
 * VirusTotal v3 for IoC Enrich: the key goes in the `x-apikey` header. The public API allows 4 lookups a minute and 500 a day and must not be used in business workflows; set a premium key's rate in the node options.
 * The base URL can point at an on-prem mirror or a test server.
 */
export class IocEnrichVirusTotalApi implements ICredentialType {
	name = 'iocEnrichVirusTotalApi';

	displayName = 'IoC Enrich: VirusTotal API';

	icon: Icon = { light: 'file:../icons/enrich.svg', dark: 'file:../icons/enrich.dark.svg' };

	documentationUrl = 'https://docs.virustotal.com/reference/authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your VirusTotal API key (sent as the x-apikey header)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://www.virustotal.com/api/v3',
			placeholder: 'e.g. https://www.virustotal.com/api/v3',
			description: 'API root, e.g. a mirror for tests. Default: the public VirusTotal v3 API.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'x-apikey': '={{$credentials.apiKey}}',
			},
		},
	};

	// A cheap authenticated GET that does not look anything up.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.baseUrl || "").trim().replace(/\\/+$/, "")}}',
			url: '/popular_threat_categories',
			method: 'GET',
		},
	};
}
