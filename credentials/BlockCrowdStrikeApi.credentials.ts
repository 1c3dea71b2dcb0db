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

const FALCON_API = 'https://api.crowdstrike.com';

/**
 * CrowdStrike Falcon API client, for Block on Firewall / EDR: n8n gets a bearer token with
 * `POST /oauth2/token` (form `client_id`, `client_secret`; the token lasts 30 minutes) before the
 * first request and again on a 401, and keeps it in the hidden Access Token field. The client needs
 * the scope "IOC Manager APIs: Write". Sources: CrowdStrike/falconpy (oauth2 endpoint), PSFalcon
 * wiki Request-FalconToken and New-FalconIoc.
 */
export class BlockCrowdStrikeApi implements ICredentialType {
	name = 'blockCrowdStrikeApi';

	displayName = 'CrowdStrike Falcon (Block on Firewall) API';

	icon: Icon = BLOCK_ICON;

	documentationUrl =
		'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#crowdstrike-falcon';

	properties: INodeProperties[] = [
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			description: "The API client's Client ID (Support and resources → API clients and keys)",
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: "The API client's secret (shown once when the client is created)",
		},
		apiUrlField(
			'Base URL',
			'baseUrl',
			FALCON_API,
			'Your Falcon cloud: US-1 https://api.crowdstrike.com, US-2 https://api.us-2.crowdstrike.com, EU-1 https://api.eu-1.crowdstrike.com, US-GOV-1 https://api.laggar.gcw.crowdstrike.com',
		),
		ACCESS_TOKEN_FIELD,
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const base = credentialUrl(credentials.baseUrl, FALCON_API);
		const { answer, unreachable } = await requestToken<{
			access_token?: string;
			errors?: Array<{ message?: string }>;
		}>(this, `${base}/oauth2/token`, {
			client_id: String(credentials.clientId ?? '').trim(),
			client_secret: String(credentials.clientSecret ?? ''),
		});
		if (unreachable)
			throw new Error(
				`[token] Could not reach CrowdStrike at ${base} (${unreachable}). Check the Base URL (your Falcon cloud).`,
			);
		if (!answer?.access_token) {
			const said =
				(answer?.errors ?? [])
					.map((e) => String(e.message ?? ''))
					.join('; ')
					.slice(0, 200) || 'no access token in the answer';
			throw new Error(
				`[token] CrowdStrike gave no access token: ${said}. Check the Client ID, the Client Secret and that the Base URL is your Falcon cloud.`,
			);
		}
		return { accessToken: answer.access_token };
	}

	authenticate: IAuthenticateGeneric = BEARER_TOKEN;

	// Reads one indicator: needs a token and the IOC Manager scope, changes nothing.
	test: ICredentialTestRequest = {
		request: {
			baseURL: baseUrlOf('baseUrl', FALCON_API),
			url: '/iocs/combined/indicator/v1',
			qs: { limit: 1 },
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'CrowdStrike refused the access token (401). Check the Client ID and Client Secret.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'CrowdStrike denied access (403): give the API client the scope "IOC Manager APIs: Write".',
				},
			},
		],
	};
}
