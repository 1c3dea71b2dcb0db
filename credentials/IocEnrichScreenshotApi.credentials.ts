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
 * ScreenshotAPI (screenshotapi.net) for IoC Enrich: the API token from the ScreenshotAPI dashboard, sent as the `token` query parameter (IoC Enrich removes it from any text it outputs).
 * ScreenshotAPI visits each URL from its own network to take the picture: the site's owner can see the visit.
 */
export class IocEnrichScreenshotApi implements ICredentialType {
	name = 'iocEnrichScreenshotApi';

	displayName = 'IoC Enrich: ScreenshotAPI.net API';

	icon: Icon = ENRICH_ICON;

	documentationUrl =
		'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#ioc-enrich-credentials';

	properties: INodeProperties[] = [
		{
			displayName:
				'ScreenshotAPI visits every URL it is given, from its own network: the site (perhaps the attacker) sees the visit. IoC Enrich never sends it private or internal addresses.',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		apiKeyField('ScreenshotAPI', 'the token query parameter', 'API Token'),
		baseUrlField('https://shot.screenshotapi.net/v3', 'API root'),
	];

	authenticate: IAuthenticateGeneric = queryKeyAuth('token');

	// One cached screenshot of a harmless page: needs a valid token, looks nothing of ours up.
	test: ICredentialTestRequest = baseUrlTest({
		url: '/screenshot',
		qs: { url: 'https://example.com/', output: 'json' },
		method: 'GET',
	});
}
