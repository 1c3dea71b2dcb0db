/**
 * The IoC Enrich panel. The Providers list, the credentials asked for and the per-provider
 * settings come from the provider registry (providers/index.ts): adding a provider adds them.
 */
import type {
	INodeCredentialDescription,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

import { PROVIDERS } from './providers';

/** The Providers list, alphabetically, as n8n's editor expects. */
function providerOptions(): INodePropertyOptions[] {
	return PROVIDERS.map((p) => ({
		name: p.option.name,
		value: p.id,
		description: p.option.description,
	})).sort((a, b) => a.name.localeCompare(b.name));
}

/** One entry per credential type, shown while any provider that uses it is picked. */
function credentialList(): INodeCredentialDescription[] {
	const byType = new Map<string, string[]>();
	for (const provider of PROVIDERS) {
		if (!provider.credentialType) continue;
		byType.set(provider.credentialType, [
			...(byType.get(provider.credentialType) ?? []),
			provider.id,
		]);
	}
	return [...byType].map(([name, providers]) => ({
		name,
		required: true,
		displayOptions: { show: { providers } },
	}));
}

/** Each provider's own settings, shown while it is picked. */
function providerSettings(): INodeProperties[] {
	return PROVIDERS.flatMap((provider) =>
		(provider.settings ?? []).map((setting) => ({
			...setting,
			displayOptions: { show: { '/providers': [provider.id] } },
		})),
	).sort((a, b) => a.displayName.localeCompare(b.displayName));
}

const TYPE_OPTIONS = [
	// The default first, then the rest alphabetically.
	{
		name: 'From Item Type Field, Else Detect',
		value: 'auto',
		description: 'Use the "type" field of the item (ip, domain, uri, md5…) when it has one',
	},
	{ name: 'Detect From Value', value: 'detect', description: "Ignore the item's type field" },
	{ name: 'Domain', value: 'domain' },
	{ name: 'IPv4', value: 'ipv4' },
	{ name: 'IPv6', value: 'ipv6' },
	{ name: 'MD5', value: 'md5' },
	{ name: 'SHA1', value: 'sha1' },
	{ name: 'SHA256', value: 'sha256' },
	{ name: 'URL', value: 'url' },
];

export const credentials: INodeCredentialDescription[] = credentialList();

export const properties: INodeProperties[] = [
	{
		displayName: 'Providers',
		name: 'providers',
		type: 'multiOptions',
		options: providerOptions(),
		default: [...PROVIDERS.filter((p) => p.pickedByDefault).map((p) => p.id)],
		required: true,
		description:
			'Threat-intel services to ask, all at once. Only passive lookups: nothing is submitted for scanning. Each needs its credential, except InternetDB.',
	},
	{
		displayName: 'Look Up',
		name: 'lookUp',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'IoC Value', value: 'value', description: 'The IP, domain, URL or hash in "IoC"' },
			{
				name: 'File of an Assemblyline Alert',
				value: 'file',
				description:
					'The file hash of each alert or submission item: file.sha256, else file.sha1, else file.md5',
			},
		],
		default: 'value',
		description: 'What to look up in each input item',
	},
	{
		displayName: 'IoC',
		displayOptions: { show: { lookUp: ['value'] } },
		name: 'value',
		type: 'string',
		default: '={{ $json.value }}',
		required: true,
		placeholder: '45.155.205.233',
		description:
			'The IP, domain, URL or hash to look up; defanged forms (hxxp, [.]) are accepted. Private IPs and internal names are never sent.',
	},
	{
		displayName: 'IoC Type',
		displayOptions: { show: { lookUp: ['value'] } },
		name: 'iocType',
		type: 'options',
		options: TYPE_OPTIONS,
		default: 'auto',
		description: 'How to know what the value is',
	},
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: false,
		description:
			'Whether to return a compact result: verdict, score, reasons and per provider only status, verdict, score and link',
	},
	{
		displayName: 'Include Raw Responses',
		name: 'includeRaw',
		type: 'boolean',
		default: false,
		description: 'Whether to add each provider\'s parsed answer as "raw" (large)',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Deadline per IoC (Seconds)',
				name: 'deadline',
				type: 'number',
				typeOptions: { minValue: 0.1, numberPrecision: 1 },
				default: 60,
				description:
					'The item is output by then at the latest; providers still busy are reported as timeout, and providers whose rate limit leaves no slot as rate_limited',
			},
			{
				displayName: 'IoCs in Parallel',
				name: 'parallel',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 10,
				description:
					'How many input items are looked up at the same time; every provider still keeps its own rate limit',
			},
			{
				displayName: 'Known-Benign Signals Win',
				name: 'knownBenignWins',
				type: 'boolean',
				default: true,
				description:
					'Whether a known-benign signal (an OTX allowlist entry, a scanner GreyNoise classifies benign) caps the verdict at benign even when another provider flags the IoC. GreyNoise RIOT and the AbuseIPDB whitelist never do.',
			},
			{
				displayName: 'Max Retry Wait (Seconds)',
				name: 'maxRetryWait',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 1 },
				default: 30,
				description:
					'Longest Retry-After to honour; a provider asking for longer is reported as rate_limited',
			},
			{
				displayName: 'Provider Timeout (Seconds)',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 0.1, numberPrecision: 1 },
				default: 15,
				description: 'How long one request may take',
			},
			{
				displayName: 'Retries',
				name: 'retries',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 2,
				description:
					'Retries of a 429 (honouring Retry-After), a 5xx or a dropped connection; other errors are not retried',
			},
		],
	},
	{
		displayName: 'Provider Options',
		name: 'providerOptions',
		type: 'collection',
		placeholder: 'Add Provider Option',
		default: {},
		// Only providers that have settings of their own; each shows while its provider is picked.
		displayOptions: {
			show: { providers: PROVIDERS.filter((p) => p.settings?.length).map((p) => p.id) },
		},
		options: providerSettings(),
	},
	{
		displayName: 'Rate Limits',
		name: 'rateLimits',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add Rate Limit',
		description: "Override a provider's default pace, e.g. for a paid plan",
		options: [
			{
				displayName: 'Limit',
				name: 'limit',
				values: [
					{
						displayName: 'Provider',
						name: 'provider',
						type: 'options',
						options: providerOptions().map(({ name, value }) => ({ name, value })),
						default: 'virustotal',
					},
					{
						displayName: 'Requests per Minute',
						name: 'requestsPerMinute',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 60,
						description: 'Spacing between request starts; 0 means no spacing',
					},
					{
						displayName: 'Concurrent Requests',
						name: 'concurrency',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 1,
					},
				],
			},
		],
	},
];
