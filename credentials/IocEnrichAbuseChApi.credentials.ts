import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

/**
 * One abuse.ch Auth-Key for ThreatFox, URLhaus and MalwareBazaar (IoC Enrich); it goes in the `Auth-Key` header. Free from auth.abuse.ch, fair use.
 * The base URL can point at an on-prem mirror or a test server.
 */
export class IocEnrichAbuseChApi implements ICredentialType {
	name = 'iocEnrichAbuseChApi';

	displayName = 'IoC Enrich: abuse.ch API';

	icon: Icon = { light: 'file:../icons/enrich.svg', dark: 'file:../icons/enrich.dark.svg' };

	documentationUrl = 'https://auth.abuse.ch/';

	properties: INodeProperties[] = [
		{
			displayName: 'Auth-Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your abuse.ch Auth-Key (sent as the Auth-Key header)',
		},
		{
			displayName: 'ThreatFox Base URL',
			name: 'threatFoxUrl',
			type: 'string',
			default: 'https://threatfox-api.abuse.ch/api/v1',
			placeholder: 'e.g. https://threatfox-api.abuse.ch/api/v1',
			description: 'ThreatFox API root, e.g. a mirror for tests',
		},
		{
			displayName: 'URLhaus Base URL',
			name: 'urlhausUrl',
			type: 'string',
			default: 'https://urlhaus-api.abuse.ch/v1',
			placeholder: 'e.g. https://urlhaus-api.abuse.ch/v1',
			description: 'URLhaus API root, e.g. a mirror for tests',
		},
		{
			displayName: 'MalwareBazaar Base URL',
			name: 'malwareBazaarUrl',
			type: 'string',
			default: 'https://mb-api.abuse.ch/api/v1',
			placeholder: 'e.g. https://mb-api.abuse.ch/api/v1',
			description: 'MalwareBazaar API root, e.g. a mirror for tests',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'Auth-Key': '={{$credentials.apiKey}}',
			},
		},
	};

	// ThreatFox's list of IoC types: small, and it needs a valid Auth-Key.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.threatFoxUrl || "").trim().replace(/\\/+$/, "")}}',
			url: '/',
			method: 'POST',
			body: { query: 'types' },
		},
	};
}
