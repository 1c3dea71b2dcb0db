import type { INodePropertyOptions, INodeProperties } from 'n8n-workflow';

import { HISTORY_SIZE } from '../shared/blockedHistory';
import { DEFAULT_CAP } from '../shared/ioc';

export type ShapeChoice = 'auto' | 'alert' | 'submission' | 'field';
export type OutputChoice = 'items' | 'files';

// Kept in rank order (lowest first), not alphabetical: it is a scale.
const VERDICT_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Safe', value: 'safe', description: 'Block everything with a verdict (not recommended)' },
	{ name: 'Info', value: 'info' },
	{
		name: 'Suspicious',
		value: 'suspicious',
		description: 'Block suspicious, highly suspicious and malicious IoCs',
	},
	{ name: 'Highly Suspicious', value: 'highly suspicious' },
	{
		name: 'Malicious',
		value: 'malicious',
		description: 'Block only IoCs Assemblyline scored malicious',
	},
];

// Only Custom Fields reads them; Auto-Detect and the Assemblyline shapes know their fields.
const CUSTOM = { show: { inputShape: ['field'] } };

/** The cap; its default is the IoC library's DEFAULT_CAP. */
export const MAX_TO_BLOCK: INodeProperties = {
	displayName: 'Max IoCs to Block per Run',
	name: 'maxToBlock',
	type: 'number',
	default: DEFAULT_CAP,
	typeOptions: { minValue: 0 },
	description:
		'Safety cap so a flood of IoCs (a poisoned sample, a bad feed) cannot fill your firewall. The highest verdicts go first; the rest go to Skipped as "over_cap" and are not remembered as blocked, so a later run can send them. 0 means no cap.',
};

export const properties: INodeProperties[] = [
	{
		displayName: 'Input Shape',
		name: 'inputShape',
		type: 'options',
		noDataExpression: true,
		default: 'auto',
		options: [
			{
				name: 'Auto-Detect',
				value: 'auto',
				description:
					'Recognise Assemblyline alerts, AL Submission IoCs items and submission summaries by their fields; any other item is an error (choose Custom Fields for those)',
			},
			{
				name: 'Assemblyline Alert',
				value: 'alert',
				description:
					'Alerts from AL Alert Search or AL Alert Trigger: the IPs, domains and URIs in "al.detailed", with their verdicts',
			},
			{
				name: 'AL Submission IoCs',
				value: 'submission',
				description:
					'Items from AL Submission IoCs (one per IoC, or grouped by tag type) or a raw submission summary',
			},
			{
				name: 'Custom Fields',
				value: 'field',
				description: 'Any other item (CSV row, MISP attribute, webhook body): you name the fields',
			},
		],
	},
	{
		displayName: 'Value Field',
		name: 'valueField',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. indicator or attribute.value',
		description:
			'Field that holds the IoC (an IP, domain or URL, defanged or not), or a list of them. Use dots for nested fields.',
		displayOptions: CUSTOM,
	},
	{
		displayName: 'Type Field',
		name: 'typeField',
		type: 'string',
		default: '',
		placeholder: 'e.g. type',
		description:
			'Optional field saying what the value is: an IP, a domain or a URL, in common words (ip, ip-dst, domain, hostname, URL, uri) or as an Assemblyline tag type such as network.dynamic.ip. Empty means the type is worked out from the value. Other types (email, md5…) go to Skipped as "unsupported_type".',
		displayOptions: CUSTOM,
	},
	{
		displayName: 'Verdict Field',
		name: 'verdictField',
		type: 'string',
		default: '',
		placeholder: 'e.g. verdict',
		description:
			'Optional field with a verdict in Assemblyline\'s words (safe, info, suspicious, highly suspicious, malicious). Empty means the IoCs have no verdict; see "Items Without a Verdict".',
		displayOptions: CUSTOM,
	},
	{
		displayName: 'Minimum Verdict',
		name: 'minVerdict',
		type: 'options',
		noDataExpression: true,
		default: 'suspicious',
		options: VERDICT_OPTIONS,
		description:
			'Lowest verdict that goes to Block; lower ones go to Skipped as "below_threshold". A verdict the node does not know is treated like malicious, never as safe.',
	},
	{
		displayName: 'Items Without a Verdict',
		name: 'noVerdict',
		type: 'options',
		noDataExpression: true,
		default: 'auto',
		options: [
			{
				name: 'Skip if From Assemblyline, Else Block',
				value: 'auto',
				description:
					'Assemblyline tags every network value a service saw, harmless ones too, and scores most of them: a value it did not score (an Ontology API value, an alert without "al.detailed") goes to Skipped as "no_verdict". Custom Fields items without a verdict (a feed you chose to block from) go to Block, with a warning.',
			},
			{
				name: 'Block',
				value: 'block',
				description:
					'Every IoC without a verdict goes to Block (with a warning); the other rules still apply',
			},
			{
				name: 'Skip',
				value: 'skip',
				description:
					'Send them to Skipped as "no_verdict", e.g. when a person should review them first',
			},
		],
		description:
			'What to do with IoCs that come without any verdict. Items from AL Submission IoCs carry their verdicts (also when grouped, in "details"); only its Ontology API values can lack one.',
	},
	{
		displayName: 'Allowlist',
		name: 'allowlist',
		type: 'string',
		typeOptions: { rows: 6 },
		default: '',
		placeholder:
			'# Our own networks and services\n10.0.0.0/8\nexample.com\nhttps://intranet.example.com/app/',
		description:
			'Your own assets and partners, one per line: IP addresses, CIDR ranges, domains (they cover all their subdomains) and URL prefixes. Text after # is a comment. The allowlist wins over everything: a matching IoC goes to Skipped as "allowlisted" even if Assemblyline says malicious (only values that cannot be read at all are reported as "invalid" instead). A bad entry stops the node with the line number.',
	},
	{
		displayName: 'Check Assemblyline Safelist',
		name: 'checkSafelist',
		type: 'boolean',
		default: false,
		description:
			'Whether to ask Assemblyline\'s safelist, when the node runs, about every IoC that would go to Block, and send the ones it holds to Skipped as "safelisted". An alert or summary only knows the safelist entries that existed when Assemblyline wrote it. Needs the Assemblyline API credential (role safelist_view); one request per distinct value.',
	},
	{
		displayName: 'Only IoCs Not Passed On Before',
		name: 'onlyNew',
		type: 'boolean',
		default: false,
		description:
			'Whether to send to Block only IoCs not sent to Block in an earlier execution of this workflow. Repeats go to Skipped as "already_blocked". Test runs in the editor ("Execute workflow", "Execute step") record nothing, the way AL Alert Search\'s "Only Alerts Not Returned Before" stays put: only executions of the active workflow count.',
	},
	{
		displayName: 'Remember an IoC',
		name: 'remember',
		type: 'options',
		noDataExpression: true,
		default: 'passedOn',
		options: [
			{
				name: 'When Confirm Blocked IoCs Records It',
				value: 'confirmed',
				description:
					'Recommended. Place a Confirm Blocked IoCs node after the step that blocks (firewall API). An IoC counts as blocked only once that node has run for it in an execution of the active workflow; if the firewall step fails or the execution dies before, the next run sends it again. Its History Size applies.',
			},
			{
				name: 'When It Goes to Block',
				value: 'passedOn',
				description:
					'This node remembers an IoC as soon as it passes it on (in executions of the active workflow), even if a later node fails or the execution dies; such an IoC is not sent again',
			},
		],
		description: 'When an IoC counts as blocked for later runs',
		displayOptions: { show: { onlyNew: [true] } },
	},
	{ ...HISTORY_SIZE, displayOptions: { show: { onlyNew: [true], remember: ['passedOn'] } } },
	MAX_TO_BLOCK,
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		noDataExpression: true,
		default: 'items',
		options: [
			{
				name: 'Items',
				value: 'items',
				description: 'One item per IoC on Block, with its verdict, tag types and sources',
			},
			{
				name: 'Blocklist Files',
				value: 'files',
				description:
					'One item per IoC type (ip, domain, uri) on Block, holding a ready blocklist as text and as a file. Skipped stays one item per IoC.',
			},
		],
	},
	{
		displayName: 'Blocklist Format',
		name: 'blocklistFormat',
		type: 'options',
		noDataExpression: true,
		default: 'plain',
		options: [
			{
				name: 'CSV',
				value: 'csv',
				description: 'Type, value, verdict, tag types, sources; safe to open in a spreadsheet',
			},
			{
				name: 'FortiGate Threat Feed',
				value: 'fortigate',
				description: 'One entry per line, URLs without http(s)://',
			},
			{
				name: 'Palo Alto EDL',
				value: 'paloalto_edl',
				description: 'External Dynamic List: one entry per line, URLs without http(s)://',
			},
			{ name: 'Plain List', value: 'plain', description: 'One value per line' },
			{
				name: 'STIX 2.1 Bundle',
				value: 'stix',
				description: 'A JSON bundle of STIX indicators (for MISP, OpenCTI, TAXII)',
			},
		],
		displayOptions: { show: { output: ['files'] } },
	},
];
