import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { apiKeyField, baseUrlField, baseUrlTest, ENRICH_ICON } from './iocEnrichFields';

/**
 * GreyNoise Community API for IoC Enrich: the key goes in the `key` header. Community lookups are limited per day.
 * The base URL can point at an on-prem mirror or a test server.
 */
export class IocEnrichGreyNoiseApi implements ICredentialType {
	name = 'iocEnrichGreyNoiseApi';

	displayName = 'IoC Enrich: GreyNoise API';

	icon: Icon = ENRICH_ICON;

	documentationUrl =
		'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#ioc-enrich-credentials';

	properties: INodeProperties[] = [
		apiKeyField('GreyNoise', 'the key header'),
		baseUrlField('https://api.greynoise.io', 'API root'),
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				key: '={{$credentials.apiKey}}',
			},
		},
	};

	// Google's public resolver is in RIOT: a known answer that reveals nothing.
	test: ICredentialTestRequest = baseUrlTest({
		url: '/v3/community/8.8.8.8',
		method: 'GET',
	});
}
