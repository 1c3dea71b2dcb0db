import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

/**
 * OPNsense API key and secret, for Block on Firewall / EDR: sent as HTTP Basic (key as user name,
 * secret as password), docs.opnsense.org/development/how-tos/api.html.
 */
export class BlockOpnsenseApi implements ICredentialType {
	name = 'blockOpnsenseApi';

	displayName = 'OPNsense (Block on Firewall) API';

	icon: Icon = { light: 'file:../icons/block.svg', dark: 'file:../icons/block.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#opnsense';

	properties: INodeProperties[] = [
		{
			displayName: 'Firewall URL',
			name: 'url',
			type: 'string',
			default: '',
			placeholder: 'https://opnsense.example.org',
			required: true,
			description: 'The address of the OPNsense web interface, without "/api"',
		},
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
		{
			displayName: 'Allow Unauthorized Certificates',
			name: 'ignoreSslIssues',
			type: 'boolean',
			default: false,
			description: 'Whether to connect even if the TLS certificate cannot be validated (the default self-signed one)',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { auth: { username: '={{$credentials.apiKey}}', password: '={{$credentials.apiSecret}}' } },
	};

	// Lists the alias names: needs a valid key pair and the alias privileges, changes nothing.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.url || "").trim().replace(/\\/+$/, "")}}',
			url: '/api/firewall/alias_util/aliases',
			method: 'GET',
			skipSslCertificateValidation: '={{$credentials.ignoreSslIssues}}',
		},
		rules: [
			{ type: 'responseCode', properties: { value: 401, message: 'OPNsense refused the API key and secret (401). Check both.' } },
			{ type: 'responseCode', properties: { value: 403, message: 'OPNsense denied access (403): give the key\'s user the privilege "Firewall: Alias: Edit".' } },
		],
	};
}
