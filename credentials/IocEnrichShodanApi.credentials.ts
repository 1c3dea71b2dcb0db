import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import {
	apiKeyField,
	baseUrlField,
	baseUrlTest,
	ENRICH_ICON,
	queryKeyAuth,
} from './iocEnrichFields';

/**
 * Shodan host API for IoC Enrich. Shodan only takes the key as the `key` query parameter; IoC Enrich never puts request URLs in its output or errors, and removes the key from any text it does output.
 * The base URL can point at an on-prem mirror or a test server.
 */
export class IocEnrichShodanApi implements ICredentialType {
	name = 'iocEnrichShodanApi';

	displayName = 'IoC Enrich: Shodan API';

	icon: Icon = ENRICH_ICON;

	documentationUrl =
		'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#ioc-enrich-credentials';

	properties: INodeProperties[] = [
		apiKeyField('Shodan', 'the key query parameter, which Shodan requires'),
		baseUrlField('https://api.shodan.io', 'API root'),
	];

	authenticate: IAuthenticateGeneric = queryKeyAuth();

	// The key's plan and credits.
	test: ICredentialTestRequest = baseUrlTest({
		url: '/api-info',
		method: 'GET',
	});
}
