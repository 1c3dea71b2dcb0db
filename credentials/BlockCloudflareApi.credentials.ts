import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { apiUrlField, baseUrlOf, bearerField, BLOCK_ICON, secretField } from './blockFields';

const CLOUDFLARE_API = 'https://api.cloudflare.com/client/v4';

/**
 * Cloudflare API token, for Block on Firewall / EDR's IP list pushes, sent as
 * `Authorization: Bearer <token>` (developers.cloudflare.com/fundamentals/api/get-started/). The token
 * needs the account permission "Account Filter Lists: Edit".
 */
export class BlockCloudflareApi implements ICredentialType {
	name = 'blockCloudflareApi';

	displayName = 'Cloudflare (Block on Firewall) API';

	icon: Icon = BLOCK_ICON;

	documentationUrl = 'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#cloudflare';

	properties: INodeProperties[] = [
		secretField(
			'API Token',
			'apiToken',
			'An API token (My Profile → API Tokens → Create Token) with the permission Account → Account Filter Lists → Edit',
		),
		{
			displayName: 'Account ID',
			name: 'accountId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '023e105f4ecef8ad9ca31a8372d0c353',
			description: 'The ID of the account that holds the list (shown on the account home page)',
		},
		apiUrlField(
			'API URL',
			'apiUrl',
			CLOUDFLARE_API,
			'The Cloudflare API base URL; change it only for a proxy',
		),
	];

	authenticate: IAuthenticateGeneric = bearerField('apiToken');

	// The account's lists: needs a valid token with the lists permission, and changes nothing.
	test: ICredentialTestRequest = {
		request: {
			baseURL: baseUrlOf('apiUrl', CLOUDFLARE_API),
			url: '={{"/accounts/" + encodeURIComponent(($credentials.accountId || "").trim()) + "/rules/lists"}}',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Cloudflare refused the API token (401). Check the token, or roll it and paste the new one.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'Cloudflare denied access (403). Give the token the permission Account → Account Filter Lists → Edit for this account, and check the Account ID.',
				},
			},
		],
	};
}
