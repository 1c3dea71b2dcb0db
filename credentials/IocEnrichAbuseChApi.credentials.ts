import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { apiKeyField, baseUrlField, baseUrlTest, ENRICH_ICON } from './iocEnrichFields';

/**
 * One abuse.ch Auth-Key for ThreatFox, URLhaus and MalwareBazaar (IoC Enrich); it goes in the `Auth-Key` header. Free from auth.abuse.ch, fair use.
 * The base URL can point at an on-prem mirror or a test server.
 */
export class IocEnrichAbuseChApi implements ICredentialType {
	name = 'iocEnrichAbuseChApi';

	displayName = 'IoC Enrich: abuse.ch API';

	icon: Icon = ENRICH_ICON;

	documentationUrl =
		'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#ioc-enrich-credentials';

	properties: INodeProperties[] = [
		apiKeyField('abuse.ch', 'the Auth-Key header', 'Auth-Key'),
		baseUrlField(
			'https://threatfox-api.abuse.ch/api/v1',
			'ThreatFox API root',
			'threatFoxUrl',
			'ThreatFox Base URL',
		),
		baseUrlField(
			'https://urlhaus-api.abuse.ch/v1',
			'URLhaus API root',
			'urlhausUrl',
			'URLhaus Base URL',
		),
		baseUrlField(
			'https://mb-api.abuse.ch/api/v1',
			'MalwareBazaar API root',
			'malwareBazaarUrl',
			'MalwareBazaar Base URL',
		),
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
	test: ICredentialTestRequest = baseUrlTest(
		{
			url: '/',
			method: 'POST',
			body: { query: 'types' },
		},
		'threatFoxUrl',
	);
}
