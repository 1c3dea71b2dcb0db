import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import {
	ACCESS_TOKEN_FIELD,
	apiUrlField,
	baseUrlOf,
	BEARER_TOKEN,
	BLOCK_ICON,
	credentialUrl,
	requestToken,
} from './blockFields';

const DEFENDER_API = 'https://api.securitycenter.microsoft.com';
const ENTRA_LOGIN = 'https://login.microsoftonline.com';

/**
 * Microsoft Defender for Endpoint, for Block on Firewall / EDR: an Entra ID app registration with the
 * application permission Ti.ReadWrite (or Ti.ReadWrite.All) on the WindowsDefenderATP API and admin
 * consent. n8n gets an access token with the client-credentials grant before the first request and
 * again when the API answers 401 (the token lasts about an hour), and keeps it in the hidden Access
 * Token field. Source: MicrosoftDocs/defender-docs, defender-endpoint/api/exposed-apis-create-app-webapp.md.
 */
export class BlockDefenderApi implements ICredentialType {
	name = 'blockDefenderApi';

	displayName = 'Microsoft Defender for Endpoint (Block on Firewall) API';

	icon: Icon = BLOCK_ICON;

	documentationUrl =
		'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#microsoft-defender-for-endpoint';

	properties: INodeProperties[] = [
		{
			displayName: 'Tenant ID',
			name: 'tenantId',
			type: 'string',
			default: '',
			required: true,
			description: 'Directory (tenant) ID of the app registration, from the Entra admin center',
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			description: 'Application (client) ID of the app registration',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'A client secret of the app registration (its Value, not its ID)',
		},
		apiUrlField(
			'API URL',
			'apiUrl',
			DEFENDER_API,
			'The Defender API. A regional host (e.g. https://eu.api.security.microsoft.com) also works.',
		),
		apiUrlField(
			'Login URL',
			'loginUrl',
			ENTRA_LOGIN,
			"The Entra ID token endpoint's host (another one only for national clouds or tests)",
		),
		ACCESS_TOKEN_FIELD,
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const login = credentialUrl(credentials.loginUrl, ENTRA_LOGIN);
		const tenant = encodeURIComponent(String(credentials.tenantId ?? '').trim());
		const { answer, unreachable } = await requestToken<{
			access_token?: string;
			error?: string;
			error_description?: string;
		}>(this, `${login}/${tenant}/oauth2/v2.0/token`, {
			grant_type: 'client_credentials',
			client_id: String(credentials.clientId ?? '').trim(),
			client_secret: String(credentials.clientSecret ?? ''),
			scope: 'https://api.securitycenter.microsoft.com/.default',
		});
		if (unreachable)
			throw new Error(
				`[token] Could not reach the Entra ID login at ${login} (${unreachable}). Check the Login URL and that n8n can reach it.`,
			);
		if (!answer?.access_token) {
			const said = String(
				answer?.error_description ?? answer?.error ?? 'no access token in the answer',
			)
				.split(/\r?\n/)[0]
				.slice(0, 200);
			const hint = /AADSTS7000215|invalid_client/.test(said)
				? 'The Client Secret is wrong or expired: create a new one and paste its Value.'
				: /AADSTS700016|unauthorized_client/.test(said)
					? 'No app with this Client ID in this tenant: check the Client ID and the Tenant ID.'
					: /AADSTS90002|AADSTS900023|tenant/i.test(said)
						? 'Check the Tenant ID.'
						: 'Check the Tenant ID, Client ID and Client Secret.';
			throw new Error(`[token] Microsoft Entra ID gave no access token: ${said}. ${hint}`);
		}
		return { accessToken: answer.access_token };
	}

	authenticate: IAuthenticateGeneric = BEARER_TOKEN;

	// Reads one indicator: needs a token and the Ti.ReadWrite permission, changes nothing.
	test: ICredentialTestRequest = {
		request: {
			baseURL: baseUrlOf('apiUrl', DEFENDER_API),
			url: '/api/indicators',
			qs: { $top: 1 },
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Defender refused the access token (401). Check the Tenant ID, Client ID and Client Secret.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'Defender denied access (403): give the app the application permission Ti.ReadWrite on WindowsDefenderATP and grant admin consent.',
				},
			},
		],
	};
}
