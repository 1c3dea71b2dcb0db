/** The parameters of Block on Firewall / EDR. */
import type { INodeProperties } from 'n8n-workflow';

const forTarget = (...target: string[]) => ({ show: { target } });
/** Option lists written as [name, value, description] rows. */
const choices = (rows: Array<[string, string, string]>) =>
	rows.map(([name, value, description]) => ({ name, value, description }));
/** Shown when adding to `target`. */
const forAdd = (target: string) => ({ show: { target: [target], operation: ['add'] } });

export const properties: INodeProperties[] = [
	{
		displayName: 'Target',
		name: 'target',
		type: 'options',
		noDataExpression: true,
		default: 'panos',
		options: [
			{
				name: 'Cloudflare',
				value: 'cloudflare',
				description:
					'IP addresses in an account IP list that a WAF rule uses (no expiry: the item comment says when the block ends; remove it then)',
			},
			{
				name: 'CrowdStrike Falcon',
				value: 'crowdstrike',
				description: 'IOC management indicators (IP address, domain) with an expiry',
			},
			{
				name: 'Fortinet FortiGate',
				value: 'fortigate',
				description:
					'Threat feeds with the Push API (FortiOS 7.2.1+), or address objects in an address group (older FortiOS); no expiry: remove them later',
			},
			{
				name: 'Microsoft Defender for Endpoint',
				value: 'defender',
				description: 'Custom indicators (IP address, domain, URL) with an expiry',
			},
			{
				name: 'OPNsense',
				value: 'opnsense',
				description: 'Add IP addresses to a firewall alias (no expiry: remove them later)',
			},
			{
				name: 'Palo Alto PAN-OS',
				value: 'panos',
				description: 'Tag IP addresses for a Dynamic Address Group, with a timeout',
			},
		],
		description: 'The firewall or EDR that gets the blocks',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'add',
		options: [
			{
				name: 'Add',
				value: 'add',
				action: 'Add blocks',
				description: 'Block the IoCs (already blocked ones are a success: already_present)',
			},
			{
				name: 'Remove',
				value: 'remove',
				action: 'Remove blocks',
				description: 'Unblock the IoCs (ones that are not there are a success: not_present)',
			},
		],
	},
	{
		displayName: 'IoC Type',
		name: 'iocType',
		type: 'string',
		default: '={{ $json.type }}',
		description:
			'The IoC type: ip, domain or uri. The default reads the "type" field of Filter Blockable IoCs\' Block items and of blocklist rows.',
	},
	{
		displayName: 'IoC Value',
		name: 'iocValue',
		type: 'string',
		default: '={{ $json.value }}',
		description:
			'The IP address, domain or URL. It is checked again with the rules of Filter Blockable IoCs before anything is sent.',
	},
	{
		displayName: 'Expires At',
		name: 'expiresAt',
		type: 'string',
		default: '={{ $json.expires_at }}',
		displayOptions: { show: { operation: ['add'] } },
		description:
			"When the block should end (ISO 8601, e.g. a blocklist row's expires_at). Empty: Expire After (Hours) from now.",
	},
	{
		displayName: 'Tag',
		name: 'tag',
		type: 'string',
		default: 'n8n-block',
		required: true,
		displayOptions: forTarget('panos'),
		description:
			"The tag your Dynamic Address Group matches (e.g. match criteria 'n8n-block'). IPs are registered to it.",
	},
	{
		displayName: 'Alias',
		name: 'alias',
		type: 'string',
		default: 'n8n_block',
		required: true,
		displayOptions: forTarget('opnsense'),
		description:
			'The OPNsense alias (type Host(s) or External (advanced)) that your block rule uses',
	},
	{
		displayName: 'List ID',
		name: 'cloudflareListId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '2c0fc9fa937b11eaa1b71c4d701ab86e',
		displayOptions: forTarget('cloudflare'),
		description:
			'The ID of the Cloudflare IP list (Manage Account → Configurations → Lists; the last part of its address) that a WAF custom rule uses, e.g. ip.src in $n8n_block',
	},
	{
		displayName: 'API',
		name: 'fortiApi',
		type: 'options',
		default: 'feed',
		displayOptions: forTarget('fortigate'),
		options: [
			{
				name: 'Threat Feed (FortiOS 7.2.1+)',
				value: 'feed',
				description: 'Push entries to external threat feeds whose update method is Push API',
			},
			{
				name: 'Address Objects (Older FortiOS)',
				value: 'address',
				description:
					'One address object per IP or domain, made a member of an address group that a deny policy uses',
			},
		],
	},
	{
		displayName: 'Address Group',
		name: 'fortiGroup',
		type: 'string',
		default: 'n8n-block',
		displayOptions: { show: { target: ['fortigate'], fortiApi: ['address'] } },
		description:
			'The IPv4 address group (Policy & Objects → Addresses) that a deny policy uses; IPv4 addresses and domains (FQDN objects) become its members',
	},
	{
		displayName: 'IPv6 Address Group',
		name: 'fortiGroup6',
		type: 'string',
		default: '',
		placeholder: 'n8n-block6',
		displayOptions: { show: { target: ['fortigate'], fortiApi: ['address'] } },
		description:
			'The IPv6 address group that a deny policy uses. Empty: IPv6 addresses go to Not Pushed.',
	},
	{
		displayName: 'IP Address Feed',
		name: 'fortiIpFeed',
		type: 'string',
		default: 'n8n-ip-block',
		displayOptions: { show: { target: ['fortigate'], fortiApi: ['feed'] } },
		description:
			'The name of the FortiGate IP Address threat feed (update method Push API) that a block policy uses. Empty: IP addresses go to Not Pushed.',
	},
	{
		displayName: 'Domain Name Feed',
		name: 'fortiDomainFeed',
		type: 'string',
		default: '',
		placeholder: 'n8n-domain-block',
		displayOptions: { show: { target: ['fortigate'], fortiApi: ['feed'] } },
		description:
			'The name of the FortiGate Domain Name threat feed (update method Push API) that a DNS filter profile blocks. Empty: domains go to Not Pushed.',
	},
	{
		displayName: 'FortiGuard Category Feed',
		name: 'fortiUrlFeed',
		type: 'string',
		default: '',
		placeholder: 'n8n-url-block',
		displayOptions: { show: { target: ['fortigate'], fortiApi: ['feed'] } },
		description:
			'The name of the FortiGate FortiGuard Category threat feed (update method Push API) that a web filter profile blocks. Empty: URLs go to Not Pushed.',
	},
	{
		displayName: 'Falcon Action',
		name: 'falconAction',
		type: 'options',
		default: 'detect',
		displayOptions: forAdd('crowdstrike'),
		options: choices([
			['Detect', 'detect', 'Raise a detection when a host contacts it'],
			['No Action', 'no_action', 'Only record it'],
			['Prevent', 'prevent', 'Block (where Falcon allows it for the type)'],
		]),
	},
	{
		displayName: 'Falcon Severity',
		name: 'falconSeverity',
		type: 'options',
		default: 'high',
		displayOptions: forAdd('crowdstrike'),
		options: ['informational', 'low', 'medium', 'high', 'critical'].map((value) => ({
			name: value[0].toUpperCase() + value.slice(1),
			value,
		})),
	},
	{
		displayName: 'Indicator Action',
		name: 'indicatorAction',
		type: 'options',
		default: 'Block',
		displayOptions: forAdd('defender'),
		options: choices([
			[
				'Block',
				'Block',
				'Block the connection (needs network protection in block mode for IPs, domains and URLs)',
			],
			['Audit', 'Audit', 'Only raise an alert'],
			['Warn', 'Warn', 'Warn the user, who may continue'],
		]),
	},
	{
		displayName: 'Severity',
		name: 'severity',
		type: 'options',
		default: 'High',
		displayOptions: forAdd('defender'),
		options: ['Informational', 'Low', 'Medium', 'High'].map((name) => ({ name, value: name })),
	},
	{
		displayName: 'Title',
		name: 'title',
		type: 'string',
		default: 'Blocked by n8n',
		displayOptions: forAdd('defender'),
		description: 'The indicator title shown in the Defender portal and in its alerts',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Dry Run',
				name: 'dryRun',
				type: 'boolean',
				default: false,
				description:
					'Whether to output the requests the node would send (one item per request) and send nothing',
			},
			{
				displayName: 'Expire After (Hours)',
				name: 'expireAfterHours',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 168,
				description:
					'How long a block lasts when the item has no Expires At. 0 = never (PAN-OS: at most 30 days).',
			},
			{
				displayName: 'Generate Alert',
				name: 'generateAlert',
				type: 'boolean',
				default: true,
				displayOptions: forTarget('defender'),
				description: 'Whether Defender raises an alert when the indicator matches',
			},
			{
				displayName: 'Max Retries',
				name: 'retries',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 5,
				description:
					'How often a request is retried after 429 Too Many Requests, a 5xx answer or a network error',
			},
			{
				displayName: 'Max Retry Wait (Seconds)',
				name: 'maxRetryWait',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 120,
				description: 'The longest Retry-After the node waits for; a longer one fails the request',
			},
			{
				displayName: 'Requests per Minute',
				name: 'requestsPerMinute',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description:
					"Pace requests to this rate instead of the target's documented limit. 0 = the documented limit.",
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 60,
				description: 'How long to wait for one answer',
			},
		],
	},
];
