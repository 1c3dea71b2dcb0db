import type {
	IAuthenticateGeneric,
	IAuthenticateRuleResponseCode,
	IAuthenticateRuleResponseSuccessBody,
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

	icon: Icon = {
		light: 'file:../icons/assemblyline.svg',
		dark: 'file:../icons/assemblyline.dark.svg',
	};

	documentationUrl =
		'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#the-credential-assemblyline-api';

	properties: INodeProperties[] = [
		{
			displayName: 'Server URL',
			name: 'url',
			type: 'string',
			default: '',
			placeholder: 'https://assemblyline.example.org',
			required: true,
			description:
				'Base URL of your Assemblyline instance (the web UI\'s address). "https://" is assumed when no scheme is given; a trailing slash is ignored. If Test says ECONNREFUSED, ENOTFOUND or ETIMEDOUT, n8n could not reach this host and port.',
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

	/**
	 * n8n's credential test sends `request` and then applies `rules` (packages/cli/src/services/
	 * credentials-tester.service.ts): a `responseCode` rule replaces the message of a failed status,
	 * a `responseSuccessBody` rule fails a 2xx answer whose `key` equals `value`.
	 *
	 * The request reads the user's own account, `GET /api/v4/user/<username>/`, rather than whoami:
	 * Assemblyline exempts whoami from its Terms of Service check, so whoami passes for a user who has
	 * not accepted them and every node call then fails with 403; whoami's `agrees_with_tos` is null for
	 * every user of a server without Terms of Service too, and a rule can only test one field for
	 * equality. The account route needs no role, does not count toward the quota and is refused with
	 * 403 exactly when the Terms of Service are not accepted (assemblyline-ui api/base.py api_login,
	 * api/v4/user.py get_user_account). Its answer is the envelope `{api_response: {uname, ...}}`: an
	 * HTML page or any other JSON answered with 200 has no `api_response.uname` and fails.
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ (/^https?:\\/\\//i.test($credentials.url.trim()) ? $credentials.url.trim() : "https://" + $credentials.url.trim()).replace(/\\/+$/, "") }}',
			url: '={{ "/api/v4/user/" + encodeURIComponent($credentials.username.trim()) + "/" }}',
			method: 'GET',
			skipSslCertificateValidation: '={{$credentials.ignoreSslIssues}}',
		},
		// n8n-workflow types `rules` as an array of one kind; the CLI checks each rule by its `type`.
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Assemblyline refused the Username or API Key (401). Check the Username, and that the API Key is the whole key Assemblyline showed when it was created, "key_name:secret" (a key without its "key_name:" part is refused), and that the user may use API keys.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'Assemblyline refused access (403): the user has not accepted the Terms of Service. Log in to the Assemblyline web UI as this user, accept them, then test again. The nodes also need the R (read) ACL on the API Key.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'No Assemblyline API at this address (404). Check the Server URL: the address of the Assemblyline web UI, without "/api" or any other path.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'api_response.uname',
					value: undefined,
					message:
						'The server at the Server URL answered, but not as Assemblyline does (a web page, a proxy or another application?). Check the Server URL: the address of the Assemblyline web UI, such as https://assemblyline.example.org.',
				},
			},
		] as Array<
			IAuthenticateRuleResponseCode | IAuthenticateRuleResponseSuccessBody
		> as IAuthenticateRuleResponseCode[],
	};
}
