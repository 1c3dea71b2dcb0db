import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { apiKeyField, baseUrlField, baseUrlTest, ENRICH_ICON } from './iocEnrichFields';

/**
 * urlscan.io for IoC Enrich (search only, nothing is submitted): the key goes in the `API-Key` header.
 * The base URL can point at an on-prem mirror or a test server.
 */
export class IocEnrichUrlscanApi implements ICredentialType {
	name = 'iocEnrichUrlscanApi';

	displayName = 'IoC Enrich: urlscan.io API';

	icon: Icon = ENRICH_ICON;

	documentationUrl =
		'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#ioc-enrich-credentials';

	properties: INodeProperties[] = [
		apiKeyField('urlscan.io', 'the API-Key header'),
		baseUrlField('https://urlscan.io', 'Server root'),
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'API-Key': '={{$credentials.apiKey}}',
			},
		},
	};

	// The key's own quotas, at the documented endpoint (docs.urlscan.io quotas API; urlscan/urlscan-python
	// client.py `get_quotas`); the older `/user/quotas/` is legacy.
	test: ICredentialTestRequest = baseUrlTest({
		url: '/api/v1/quotas',
		method: 'GET',
	});
}
