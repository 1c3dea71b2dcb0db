import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

/**
 * Assemblyline API key authentication: Assemblyline checks the `X-USER` and `X-APIKEY` headers on
 * every request. Because `authenticate` is generic, the credential also works in n8n's HTTP Request
 * node ("Predefined Credential Type") for endpoints these nodes do not cover.
 */
export class AssemblylineApi implements ICredentialType {
	name = 'assemblylineApi';

	displayName = 'Assemblyline API';

	icon: Icon = { light: 'file:../icons/assemblyline.svg', dark: 'file:../icons/assemblyline.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#the-credential-assemblyline-api';

	properties: INodeProperties[] = [
		{
			displayName: 'Server URL',
			name: 'url',
			type: 'string',
			default: '',
			placeholder: 'https://assemblyline.example.org',
			required: true,
			description:
				'Base URL of your Assemblyline instance. "https://" is assumed when no scheme is given; a trailing slash is ignored.',
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			placeholder: 'svc_soc',
			required: true,
			description: 'The Assemblyline user that owns the API key (sent as X-USER)',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'n8n_prod:Xk4p...',
			required: true,
			description:
				'The whole key as Assemblyline shows it when created, "key_name:secret" (sent as X-APIKEY). Give the key the R (read) ACL for the search and IoC nodes.',
		},
		{
			displayName: 'Allow Unauthorized Certificates',
			name: 'ignoreSslIssues',
			type: 'boolean',
			default: false,
			description:
				'Whether to connect even if the TLS certificate cannot be validated (for example a self-signed certificate on a lab instance)',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'X-USER': '={{$credentials.username}}',
				'X-APIKEY': '={{$credentials.apiKey}}',
			},
		},
	};

	// whoami is the endpoint Assemblyline allows for every valid key; it shows the key's effective roles.
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ (/^https?:\\/\\//i.test($credentials.url.trim()) ? $credentials.url.trim() : "https://" + $credentials.url.trim()).replace(/\\/+$/, "") }}',
			url: '/api/v4/user/whoami/',
			method: 'GET',
			skipSslCertificateValidation: '={{$credentials.ignoreSslIssues}}',
		},
	};
}
