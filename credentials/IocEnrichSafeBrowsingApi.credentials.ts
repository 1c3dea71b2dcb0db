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
 * Google Safe Browsing v4 Lookup API for IoC Enrich: a Google Cloud API key with the Safe Browsing API enabled, sent as the `key` query parameter (IoC Enrich removes it from any text it outputs).
 * The Lookup API is for non-commercial use only; for commercial use Google offers the Web Risk API.
 */
export class IocEnrichSafeBrowsingApi implements ICredentialType {
	name = 'iocEnrichSafeBrowsingApi';

	displayName = 'IoC Enrich: Google Safe Browsing API';

	icon: Icon = ENRICH_ICON;

	documentationUrl =
		'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#ioc-enrich-credentials';

	properties: INodeProperties[] = [
		{
			displayName:
				"Non-commercial use only: Google's Safe Browsing Lookup API may not be used in a commercial product or service. For commercial use, Google offers the Web Risk API.",
			name: 'notice',
			type: 'notice',
			default: '',
		},
		apiKeyField('Google Cloud', 'the key query parameter, which Google requires'),
		baseUrlField('https://safebrowsing.googleapis.com/v4', 'API root'),
	];

	authenticate: IAuthenticateGeneric = queryKeyAuth();

	// Google's own test page (developers.google.com/safe-browsing/v4/lookup-api); a wrong key is a 400.
	test: ICredentialTestRequest = baseUrlTest({
		url: '/threatMatches:find',
		method: 'POST',
		body: {
			client: { clientId: 'n8n-nodes-assemblyline', clientVersion: '1' },
			threatInfo: {
				threatTypes: ['MALWARE'],
				platformTypes: ['ANY_PLATFORM'],
				threatEntryTypes: ['URL'],
				threatEntries: [{ url: 'http://malware.testing.google.test/testing/malware/' }],
			},
		},
	});
}
