import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import {
	BLOCK_ICON,
	FIREWALL_BASE_URL,
	firewallUrlField,
	ignoreSslField,
	secretField,
} from './blockFields';

/**
 * PAN-OS XML API key, for Block on Firewall / EDR. The key goes in the `X-PAN-KEY` header
 * (docs.paloaltonetworks.com/pan-os/10-1/pan-os-panorama-api/about-the-pan-os-xml-api/structure-of-a-pan-os-xml-api-request/api-authentication-and-security.html);
 * create it once with `POST https://<firewall>/api/?type=keygen` and the fields `user` and `password`
 * (docs.paloaltonetworks.com/pan-os/9-1/pan-os-panorama-api/get-started-with-the-pan-os-xml-api/get-your-api-key).
 */
export class BlockPanOsApi implements ICredentialType {
	name = 'blockPanOsApi';

	displayName = 'PAN-OS (Block on Firewall) API';

	icon: Icon = BLOCK_ICON;

	documentationUrl = 'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#pan-os';

	properties: INodeProperties[] = [
		firewallUrlField(
			'https://fw.example.org',
			'The management address of the firewall (or Panorama), without "/api"',
		),
		secretField(
			'API Key',
			'apiKey',
			"An XML API key (sent as X-PAN-KEY). Create it with POST /api/?type=keygen for an administrator whose Admin Role allows the XML API's User-ID Agent.",
		),
		{
			displayName: 'Virtual System',
			name: 'vsys',
			type: 'string',
			default: '',
			placeholder: 'vsys1',
			description:
				'The virtual system that holds the Dynamic Address Group, on a multi-vsys firewall. Empty: the default.',
		},
		ignoreSslField('a self-signed management certificate'),
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { 'X-PAN-KEY': '={{$credentials.apiKey}}' } },
	};

	// `type=version` answers any valid key with the software version and changes nothing.
	test: ICredentialTestRequest = {
		request: {
			baseURL: FIREWALL_BASE_URL,
			url: '/api/',
			qs: { type: 'version' },
			method: 'GET',
			skipSslCertificateValidation: '={{$credentials.ignoreSslIssues}}',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'PAN-OS refused the API key (403 Invalid Credential). Generate a new key with type=keygen and paste it whole.',
				},
			},
		],
	};
}
