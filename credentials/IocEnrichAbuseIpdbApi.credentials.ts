import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { apiKeyField, baseUrlField, baseUrlTest, ENRICH_ICON } from './iocEnrichFields';

/**
 * AbuseIPDB v2 for IoC Enrich: the key goes in the `Key` header. The free plan allows 1,000 checks a day.
 * The base URL can point at an on-prem mirror or a test server.
 */
export class IocEnrichAbuseIpdbApi implements ICredentialType {
	name = 'iocEnrichAbuseIpdbApi';

	displayName = 'IoC Enrich: AbuseIPDB API';

	icon: Icon = ENRICH_ICON;

	documentationUrl =
		'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#ioc-enrich-credentials';

	properties: INodeProperties[] = [
		apiKeyField('AbuseIPDB', 'the Key header'),
		baseUrlField('https://api.abuseipdb.com/api/v2', 'API root'),
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Key: '={{$credentials.apiKey}}',
				Accept: 'application/json',
			},
		},
	};

	// Checking a well-known public resolver costs one of the day's checks and reveals nothing.
	test: ICredentialTestRequest = baseUrlTest({
		url: '/check?ipAddress=8.8.8.8&maxAgeInDays=1',
		method: 'GET',
	});
}
