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
 * Google Web Risk for IoC Enrich: a Google Cloud API key of a project with the Web Risk API enabled (and billing), sent as the `key` query parameter (IoC Enrich removes it from any text it outputs).
 * Web Risk is the commercial counterpart of the non-commercial Safe Browsing Lookup API.
 */
export class IocEnrichWebRiskApi implements ICredentialType {
	name = 'iocEnrichWebRiskApi';

	displayName = 'IoC Enrich: Google Web Risk API';

	icon: Icon = ENRICH_ICON;

	documentationUrl =
		'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#ioc-enrich-credentials';

	properties: INodeProperties[] = [
		{
			displayName:
				'Web Risk is for commercial use and is billed per lookup by Google Cloud. For non-commercial use, Google Safe Browsing is free.',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		apiKeyField('Google Cloud', 'the key query parameter, which Google requires'),
		baseUrlField('https://webrisk.googleapis.com/v1', 'API root'),
	];

	authenticate: IAuthenticateGeneric = queryKeyAuth();

	// Google's own test URL for the malware list; a wrong key is a 400.
	test: ICredentialTestRequest = baseUrlTest({
		url: '/uris:search?threatTypes=MALWARE&uri=http%3A%2F%2Ftestsafebrowsing.appspot.com%2Fs%2Fmalware.html',
		method: 'GET',
	});
}
