import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { bodyText, classifyNetworkError, credentialSecrets, redactor } from '../shared/http';
import { mapItems } from '../shared/items';
import type { PaceLimit } from '../shared/pacing';
import type { Send } from './engine';
import { EnrichmentEngine } from './engine';
import { resolveIoc } from './ioc';
import { PROVIDERS, providerById } from './providers';
import type { Provider, ProviderResult } from './types';
import { aggregate } from './verdict';

const DEFAULT_INTERNETDB_URL = 'https://internetdb.shodan.io';

const PROVIDER_OPTIONS = [
	{ name: 'AbuseIPDB', value: 'abuseipdb', description: 'IPs: abuse confidence score, reports, whitelist' },
	{ name: 'AlienVault OTX', value: 'otx', description: 'All types: community pulses and its allowlist' },
	{ name: 'GreyNoise Community', value: 'greynoise', description: 'IPv4: internet scanners and known benign services (RIOT)' },
	{ name: 'MalwareBazaar (abuse.ch)', value: 'malwarebazaar', description: 'Hashes: known malware samples' },
	{ name: 'Shodan Host', value: 'shodan', description: 'IPs: open ports, vulnerabilities, tags (context)' },
	{ name: 'Shodan InternetDB (No Key)', value: 'internetdb', description: 'IPs: open ports and tags, keyless, non-commercial use' },
	{ name: 'ThreatFox (abuse.ch)', value: 'threatfox', description: 'IPs, domains, URLs, MD5/SHA256: C2 and payload IoCs with confidence' },
	{ name: 'URLhaus (abuse.ch)', value: 'urlhaus', description: 'URLs, hosts, payload hashes: malware distribution' },
	{ name: 'urlscan.io Search', value: 'urlscan', description: 'IPs, domains, URLs, SHA256: earlier public scans (search only)' },
	{ name: 'VirusTotal', value: 'virustotal', description: 'All types: engine detections (public key: 4 lookups a minute)' },
];

const TYPE_OPTIONS = [
	// The default first, then the rest alphabetically.
	{ name: 'From Item Type Field, Else Detect', value: 'auto', description: 'Use the "type" field of the item (ip, domain, uri, md5…) when it has one' },
	{ name: 'Detect From Value', value: 'detect', description: 'Ignore the item\'s type field' },
	{ name: 'Domain', value: 'domain' },
	{ name: 'IPv4', value: 'ipv4' },
	{ name: 'IPv6', value: 'ipv6' },
	{ name: 'MD5', value: 'md5' },
	{ name: 'SHA1', value: 'sha1' },
	{ name: 'SHA256', value: 'sha256' },
	{ name: 'URL', value: 'url' },
];

export class IocEnrich implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'IoC Enrich',
		name: 'iocEnrich',
		icon: { light: 'file:../../icons/enrich.svg', dark: 'file:../../icons/enrich.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{($parameter["providers"] || []).join(", ")}}',
		documentationUrl: 'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#ioc-enrich',
		description: 'Look up one IoC in many threat-intel services at once and get one verdict',
		defaults: { name: 'IoC Enrich' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		// Only the picked providers' credentials are asked for (a multiOptions value matches when it contains the id).
		credentials: [
			{ name: 'iocEnrichVirusTotalApi', required: true, displayOptions: { show: { providers: ['virustotal'] } } },
			{ name: 'iocEnrichAbuseIpdbApi', required: true, displayOptions: { show: { providers: ['abuseipdb'] } } },
			{ name: 'iocEnrichGreyNoiseApi', required: true, displayOptions: { show: { providers: ['greynoise'] } } },
			{
				name: 'iocEnrichAbuseChApi',
				required: true,
				displayOptions: { show: { providers: ['threatfox', 'urlhaus', 'malwarebazaar'] } },
			},
			{ name: 'iocEnrichOtxApi', required: true, displayOptions: { show: { providers: ['otx'] } } },
			{ name: 'iocEnrichUrlscanApi', required: true, displayOptions: { show: { providers: ['urlscan'] } } },
			{ name: 'iocEnrichShodanApi', required: true, displayOptions: { show: { providers: ['shodan'] } } },
		],
		properties: [
			{
				displayName: 'Providers',
				name: 'providers',
				type: 'multiOptions',
				options: PROVIDER_OPTIONS,
				default: ['threatfox', 'urlhaus', 'malwarebazaar'],
				required: true,
				description:
					'Threat-intel services to ask, all at once. Only passive lookups: nothing is submitted for scanning. Each needs its credential, except InternetDB.',
			},
			{
				displayName: 'IoC',
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
						description: 'How many input items are looked up at the same time; every provider still keeps its own rate limit',
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
						description: 'Longest Retry-After to honour; a provider asking for longer is reported as rate_limited',
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
						description: 'Retries of a 429 (honouring Retry-After), a 5xx or a dropped connection; other errors are not retried',
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
				displayOptions: { show: { providers: ['internetdb', 'virustotal'] } },
				options: [
					{
						displayName: 'InternetDB Base URL',
						name: 'internetDbUrl',
						type: 'string',
						default: DEFAULT_INTERNETDB_URL,
						displayOptions: { show: { '/providers': ['internetdb'] } },
						description: 'Keyless InternetDB has no credential; point this at a mirror or test server if needed',
					},
					{
						displayName: 'VirusTotal Requests per Minute',
						name: 'virusTotalRequestsPerMinute',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 4,
						displayOptions: { show: { '/providers': ['virustotal'] } },
						description: 'The public API allows 4. Raise it for a premium key; 0 means no spacing.',
					},
				],
			},
			{
				displayName: 'Rate Limits',
				name: 'rateLimits',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				placeholder: 'Add Rate Limit',
				description: 'Override a provider\'s default pace, e.g. for a paid plan',
				options: [
					{
						displayName: 'Limit',
						name: 'limit',
						values: [
							{
								displayName: 'Provider',
								name: 'provider',
								type: 'options',
								options: PROVIDER_OPTIONS.map(({ name, value }) => ({ name, value })),
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
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const providers = readProviders(this);
		const options = this.getNodeParameter('options', 0, {}) as IDataObject;
		const providerOptions = readProviderOptions(this);
		const simplify = this.getNodeParameter('simplify', 0, false) as boolean;
		const includeRaw = this.getNodeParameter('includeRaw', 0, false) as boolean;
		const credentials = await loadCredentials(this, providers);
		const scrub = scrubberFor(credentials);
		const engine = new EnrichmentEngine({
			send: sender(this, credentials, String(providerOptions.internetDbUrl || DEFAULT_INTERNETDB_URL), scrub),
			scrub,
			limits: effectiveLimits(providers, providerOptions),
			timeoutMs: seconds(options.timeout, 15),
			maxRetries: Math.max(0, Math.floor(Number(options.retries ?? 2))),
			maxRetryWaitMs: seconds(options.maxRetryWait, 30),
			includeRaw,
			credentialNames: credentialNames(),
		});
		const deadlineMs = seconds(options.deadline, 60);
		const knownBenignWins = options.knownBenignWins !== false;
		const parallel = Math.max(1, Math.floor(Number(options.parallel ?? 10)));

		return [
			await mapItems(
				this,
				async (itemIndex, item) => {
					const deadlineAt = Date.now() + deadlineMs;
					const value = this.getNodeParameter('value', itemIndex, '') as unknown;
					if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
						throw new NodeOperationError(this.getNode(), `Input item ${itemIndex} has no IoC value`, {
							itemIndex,
							description: 'Set "IoC", or feed items with a "value" field (for example from Filter Blockable IoCs).',
						});
					}
					const mode = this.getNodeParameter('iocType', itemIndex, 'auto') as string;
					const declared = mode === 'detect' ? undefined : mode === 'auto' ? itemType(item) : mode;
					const resolved = resolveIoc(typeof value === 'string' ? value.trim() : value, declared);
					const results = await engine.enrich(resolved.target, providers, deadlineAt);
					const verdict = aggregate(results, { knownBenignWins });
					const ioc: IDataObject = { ...resolved.ioc };
					if ('status' in resolved.target) {
						ioc.reason = resolved.target.reason;
						ioc.reason_text = resolved.target.reason_text;
					}
					const enrichment: IDataObject = simplify
						? {
								value: resolved.ioc.value,
								type: resolved.ioc.type,
								verdict: verdict.verdict,
								score: verdict.score,
								reasons: verdict.reasons,
								providers: Object.fromEntries(results.map((r) => [r.provider, simplified(r)])),
							}
						: {
								ioc,
								verdict: verdict.verdict,
								score: verdict.score,
								reasons: verdict.reasons,
								providers: results as unknown as IDataObject[],
								summary: verdict.summary as unknown as IDataObject,
							};
					return [{ ...item.json, enrichment }];
				},
				parallel,
			),
		];
	}
}

function readProviders(context: IExecuteFunctions): Provider[] {
	const ids = context.getNodeParameter('providers', 0, []) as string[] | string;
	const list = (Array.isArray(ids) ? ids : String(ids).split(','))
		.map((id) => String(id).trim())
		.filter(Boolean);
	const providers: Provider[] = [];
	for (const id of list) {
		const provider = providerById(id);
		if (!provider) {
			throw new NodeOperationError(context.getNode(), `Unknown provider "${id.slice(0, 40)}"`, {
				description: `Pick from: ${PROVIDERS.map((p) => p.id).join(', ')}.`,
			});
		}
		if (!providers.includes(provider)) providers.push(provider);
	}
	if (providers.length === 0) {
		throw new NodeOperationError(context.getNode(), 'No provider picked', {
			description: 'Pick at least one threat-intel provider in "Providers".',
		});
	}
	return providers;
}

/** Reads each picked provider's credential once per execution (the base URL lives there). */
async function loadCredentials(
	context: IExecuteFunctions,
	providers: Provider[],
): Promise<Map<string, ICredentialDataDecryptedObject>> {
	const credentials = new Map<string, ICredentialDataDecryptedObject>();
	for (const provider of providers) {
		const type = provider.credentialType;
		if (!type || credentials.has(type)) continue;
		try {
			credentials.set(type, await context.getCredentials(type));
		} catch {
			throw new NodeOperationError(context.getNode(), `No credential for ${provider.displayName}`, {
				description: `Select a "${credentialNames()[provider.id]}" credential, or remove ${provider.displayName} from "Providers".`,
			});
		}
	}
	return credentials;
}

function credentialNames(): Record<string, string> {
	const names: Record<string, string> = {
		iocEnrichVirusTotalApi: 'IoC Enrich: VirusTotal API',
		iocEnrichAbuseIpdbApi: 'IoC Enrich: AbuseIPDB API',
		iocEnrichGreyNoiseApi: 'IoC Enrich: GreyNoise API',
		iocEnrichAbuseChApi: 'IoC Enrich: abuse.ch API',
		iocEnrichOtxApi: 'IoC Enrich: AlienVault OTX API',
		iocEnrichUrlscanApi: 'IoC Enrich: urlscan.io API',
		iocEnrichShodanApi: 'IoC Enrich: Shodan API',
	};
	return Object.fromEntries(PROVIDERS.filter((p) => p.credentialType).map((p) => [p.id, names[p.credentialType as string]]));
}

/** Every secret of the loaded credentials (and any key=… query parameter) is cut from text that reaches output. */
function scrubberFor(credentials: Map<string, ICredentialDataDecryptedObject>): (text: string) => string {
	return redactor([...credentials.values()].flatMap((data) => credentialSecrets(data)));
}

function baseUrl(value: unknown, fallback: string): string {
	const text = typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback;
	return text.replace(/\/+$/, '');
}

function sender(
	context: IExecuteFunctions,
	credentials: Map<string, ICredentialDataDecryptedObject>,
	internetDbUrl: string,
	scrub: (text: string) => string,
): Send {
	return async (provider, request, timeoutMs) => {
		const options: IHttpRequestOptions = {
			...request,
			// Statuses and bodies are read by the engine and the provider file, not by n8n.
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			json: false,
			encoding: 'text',
			timeout: Math.max(1, Math.round(timeoutMs)),
		};
		let response: IN8nHttpFullResponse;
		try {
			if (provider.credentialType) {
				const data = credentials.get(provider.credentialType) ?? {};
				options.baseURL = baseUrl(provider.baseUrlField ? data[provider.baseUrlField] : undefined, provider.defaultBaseUrl);
				response = (await context.helpers.httpRequestWithAuthentication.call(
					context,
					provider.credentialType,
					options,
				)) as IN8nHttpFullResponse;
			} else {
				options.baseURL = baseUrl(internetDbUrl, provider.defaultBaseUrl);
				response = (await context.helpers.httpRequest(options)) as IN8nHttpFullResponse;
			}
		} catch (error) {
			// n8n's error carries the request config (headers, query with the key): keep only code and message.
			const problem = classifyNetworkError(error);
			const failure = new Error(scrub(problem.message || 'request failed')) as Error & { code?: string };
			failure.code = problem.code || undefined;
			throw failure;
		}
		return {
			statusCode: Number(response.statusCode),
			headers: (response.headers ?? {}) as Record<string, string | string[] | undefined>,
			body: bodyText(response.body),
		};
	};
}

function seconds(value: unknown, fallback: number): number {
	const number = Number(value ?? fallback);
	return Math.round((Number.isFinite(number) && number >= 0 ? number : fallback) * 1000);
}

/** InternetDB Base URL and VirusTotal Requests per Minute (Provider Options), and Rate Limits. */
function readProviderOptions(context: IExecuteFunctions): IDataObject {
	const own = context.getNodeParameter('providerOptions', 0, {}) as IDataObject;
	const rateLimits = context.getNodeParameter('rateLimits', 0, {}) as IDataObject;
	return { ...own, rateLimits };
}

function effectiveLimits(providers: Provider[], options: IDataObject): Record<string, PaceLimit> {
	const limits: Record<string, PaceLimit> = {};
	for (const provider of providers) limits[provider.id] = { ...provider.limits };
	if (limits.virustotal && options.virusTotalRequestsPerMinute !== undefined) {
		limits.virustotal.minIntervalMs = interval(options.virusTotalRequestsPerMinute);
	}
	const overrides = ((options.rateLimits as IDataObject | undefined)?.limit ?? []) as IDataObject[];
	for (const override of overrides) {
		const id = String(override.provider ?? '');
		if (!limits[id]) continue;
		limits[id] = {
			concurrency: Math.max(1, Math.floor(Number(override.concurrency ?? 1))),
			minIntervalMs: interval(override.requestsPerMinute),
		};
	}
	return limits;
}

function interval(requestsPerMinute: unknown): number {
	const rpm = Number(requestsPerMinute);
	return Number.isFinite(rpm) && rpm > 0 ? Math.ceil(60_000 / rpm) : 0;
}

function itemType(item: INodeExecutionData): string | undefined {
	const type = item.json?.type;
	return typeof type === 'string' && type.trim() !== '' && type !== 'unknown' ? type : undefined;
}

function simplified(result: ProviderResult): IDataObject {
	const out: IDataObject = { status: result.status, verdict: result.verdict };
	if (result.score !== undefined) out.score = result.score;
	if (result.link) out.link = result.link;
	if (result.error) out.error = result.error.message;
	if (result.reason_text) out.reason = result.reason_text;
	if (result.raw !== undefined) out.raw = result.raw as IDataObject;
	return out;
}
