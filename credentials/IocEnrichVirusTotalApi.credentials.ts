import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { apiKeyField, baseUrlField, baseUrlTest, ENRICH_ICON } from './iocEnrichFields';

/**
 * VirusTotal v3 for IoC Enrich: the key goes in the `x-apikey` header. The public API allows 4 lookups a minute and 500 a day and must not be used in business workflows; set a premium key's rate in the node options.
 * The base URL can point at an on-prem mirror or a test server.
 */
export class IocEnrichVirusTotalApi implements ICredentialType {
	name = 'iocEnrichVirusTotalApi';

	displayName = 'IoC Enrich: VirusTotal API';

	icon: Icon = ENRICH_ICON;

	documentationUrl =
		'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#ioc-enrich-credentials';

	properties: INodeProperties[] = [
		apiKeyField('VirusTotal', 'the x-apikey header'),
		baseUrlField('https://www.virustotal.com/api/v3', 'API root'),
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
	test: ICredentialTestRequest = baseUrlTest({
		url: '/popular_threat_categories',
		method: 'GET',
	});
}
