import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import {
	bearerField,
	BLOCK_ICON,
	FIREWALL_BASE_URL,
	firewallUrlField,
	ignoreSslField,
	secretField,
} from './blockFields';

/**
 * FortiGate REST API administrator token, for Block on Firewall / EDR's threat feed pushes. Sent as
 * `Authorization: Bearer <token>` (docs.fortinet.com/document/fortigate/7.6.2/administration-guide/399023:
 * the token is shown once; the administrator's Trusted Hosts are enforced).
 */
export class BlockFortiGateApi implements ICredentialType {
	name = 'blockFortiGateApi';

	displayName = 'FortiGate (Block on Firewall) API';

	icon: Icon = BLOCK_ICON;

	documentationUrl = 'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#fortigate';

	properties: INodeProperties[] = [
		firewallUrlField(
			'https://fortigate.example.org',
			'The management address of the FortiGate (with its port if not 443), without "/api"',
		),
		secretField(
			'API Token',
			'apiToken',
			'The key of a REST API administrator (System → Administrators → Create New → REST API Admin), shown once when it is created',
		),
		{
			displayName: 'VDOM',
			name: 'vdom',
			type: 'string',
			default: '',
			placeholder: 'root',
			description:
				"The virtual domain that holds the threat feeds, when VDOMs are enabled. Empty: the administrator's default.",
		},
		ignoreSslField('the default self-signed one'),
	];

	authenticate: IAuthenticateGeneric = bearerField('apiToken');

	// The system status: answers any valid token with the FortiOS version and changes nothing.
	test: ICredentialTestRequest = {
		request: {
			baseURL: FIREWALL_BASE_URL,
			url: '/api/v2/monitor/system/status',
			method: 'GET',
			skipSslCertificateValidation: '={{$credentials.ignoreSslIssues}}',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						"FortiGate refused the API token (401). Check the token, and that n8n's address is in the administrator's Trusted Hosts.",
				},
			},
		],
	};
}
