import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { apiKeyField, baseUrlField, baseUrlTest, ENRICH_ICON } from './iocEnrichFields';

/**
 * Intelligence X for IoC Enrich: the API key goes in the `x-key` header. Use the API root your key belongs to (https://2.intelx.io for paid keys, https://free.intelx.io for free ones).
 * Intelligence X's licence requires a paid licence for use in a commercial service or product.
 */
export class IocEnrichIntelxApi implements ICredentialType {
	name = 'iocEnrichIntelxApi';

	displayName = 'IoC Enrich: Intelligence X API';

	icon: Icon = ENRICH_ICON;

	documentationUrl =
		'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#ioc-enrich-credentials';

	properties: INodeProperties[] = [
		apiKeyField('Intelligence X', 'the x-key header'),
		baseUrlField('https://2.intelx.io', 'API root (free keys: https://free.intelx.io)'),
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'x-key': '={{$credentials.apiKey}}',
			},
		},
	};

	// The key's remaining credits; searches nothing.
	test: ICredentialTestRequest = baseUrlTest({
		url: '/authenticate/info',
		method: 'GET',
	});
}
