import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { apiKeyField, baseUrlField, baseUrlTest, ENRICH_ICON } from './iocEnrichFields';

/**
 * Triage (Hatching / Recorded Future Sandbox) for IoC Enrich: the API key from your tria.ge account page goes in the `Authorization: Bearer` header.
 * For a private instance (Recorded Future Sandbox, private.tria.ge), set its API root as the base URL.
 */
export class IocEnrichTriageApi implements ICredentialType {
	name = 'iocEnrichTriageApi';

	displayName = 'IoC Enrich: Triage API';

	icon: Icon = ENRICH_ICON;

	documentationUrl =
		'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#ioc-enrich-credentials';

	properties: INodeProperties[] = [
		apiKeyField('Triage', 'the Authorization: Bearer header'),
		baseUrlField(
			'https://tria.ge/api/v0',
			'API root (a private instance: e.g. https://private.tria.ge/api/v0)',
		),
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	// A one-result search: needs a valid key, looks nothing of ours up.
	test: ICredentialTestRequest = baseUrlTest({
		url: '/search',
		qs: { query: 'family:emotet', limit: 1 },
		method: 'GET',
	});
}
