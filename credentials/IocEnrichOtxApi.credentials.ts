import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { apiKeyField, baseUrlField, baseUrlTest, ENRICH_ICON } from './iocEnrichFields';

/**
 * AlienVault OTX for IoC Enrich: the key goes in the `X-OTX-API-KEY` header.
 * The base URL can point at an on-prem mirror or a test server.
 */
export class IocEnrichOtxApi implements ICredentialType {
	name = 'iocEnrichOtxApi';

	displayName = 'IoC Enrich: AlienVault OTX API';

	icon: Icon = ENRICH_ICON;

	documentationUrl =
		'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#ioc-enrich-credentials';

	properties: INodeProperties[] = [
		apiKeyField('OTX', 'the X-OTX-API-KEY header'),
		baseUrlField('https://otx.alienvault.com', 'Server root'),
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
	test: ICredentialTestRequest = baseUrlTest({
		url: '/api/v1/users/me',
		method: 'GET',
	});
}
