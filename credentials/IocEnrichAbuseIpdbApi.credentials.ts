import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

/**
 * AbuseIPDB v2 for IoC Enrich: the key goes in the `Key` header. The free plan allows 1,000 checks a day.
 * The base URL can point at an on-prem mirror or a test server.
 */
export class IocEnrichAbuseIpdbApi implements ICredentialType {
	name = 'iocEnrichAbuseIpdbApi';

	displayName = 'IoC Enrich: AbuseIPDB API';

	icon: Icon = { light: 'file:../icons/enrich.svg', dark: 'file:../icons/enrich.dark.svg' };

	documentationUrl = 'https://docs.abuseipdb.com/';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your AbuseIPDB API key (sent as the Key header)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.abuseipdb.com/api/v2',
			placeholder: 'e.g. https://api.abuseipdb.com/api/v2',
			description: 'API root, e.g. a mirror for tests. Default: the public AbuseIPDB v2 API.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'Key': '={{$credentials.apiKey}}',
				'Accept': 'application/json',
			},
		},
	};

	// Checking a well-known public resolver costs one of the day's checks and reveals nothing.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.baseUrl || "").trim().replace(/\\/+$/, "")}}',
			url: '/check?ipAddress=8.8.8.8&maxAgeInDays=1',
			method: 'GET',
		},
	};
}
