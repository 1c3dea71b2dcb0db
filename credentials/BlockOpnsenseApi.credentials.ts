import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { BLOCK_ICON, FIREWALL_BASE_URL, firewallUrlField, ignoreSslField } from './blockFields';

/**
 * OPNsense API key and secret, for Block on Firewall / EDR: sent as HTTP Basic (key as user name,
 * secret as password), docs.opnsense.org/development/how-tos/api.html.
 */
export class BlockOpnsenseApi implements ICredentialType {
	name = 'blockOpnsenseApi';

	displayName = 'OPNsense (Block on Firewall) API';

	icon: Icon = BLOCK_ICON;

	documentationUrl = 'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#opnsense';

	properties: INodeProperties[] = [
		firewallUrlField(
			'https://opnsense.example.org',
			'The address of the OPNsense web interface, without "/api"',
		),
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The key of an API key pair (System → Access → Users → API keys)',
		},
		{
			displayName: 'API Secret',
			name: 'apiSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The secret of the same key pair (shown once, in the downloaded file)',
		},
		ignoreSslField('the default self-signed one'),
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			auth: { username: '={{$credentials.apiKey}}', password: '={{$credentials.apiSecret}}' },
		},
	};

	// Lists the alias names: needs a valid key pair and the alias privileges, changes nothing.
	test: ICredentialTestRequest = {
		request: {
			baseURL: FIREWALL_BASE_URL,
			url: '/api/firewall/alias_util/aliases',
			method: 'GET',
			skipSslCertificateValidation: '={{$credentials.ignoreSslIssues}}',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'OPNsense refused the API key and secret (401). Check both.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'OPNsense denied access (403): give the key\'s user the privilege "Firewall: Alias: Edit".',
				},
			},
		],
	};
}
