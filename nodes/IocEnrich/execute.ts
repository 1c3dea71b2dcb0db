/**
 * IoC Enrich's run: read the panel, look every item's IoC up in the picked providers (engine.ts),
 * and combine their answers into one verdict (overallVerdict.ts).
 */
import type {
	IBinaryKeyData,
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	INodeExecutionData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { bodyText, classifyNetworkError, credentialSecrets, redactor } from '../shared/http';
import { mapItems } from '../shared/items';
import type { PaceLimit } from '../shared/pacing';
import type { Send } from './engine';
import { EnrichmentEngine } from './engine';
import { resolveIoc } from './lookupTarget';
import { PROVIDERS, providerById } from './providers';
import type { Provider, ProviderResult } from './types';
import { aggregate } from './overallVerdict';

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const providers = readProviders(this);
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const providerOptions = readProviderOptions(this);
	const simplify = this.getNodeParameter('simplify', 0, false) as boolean;
	const includeRaw = this.getNodeParameter('includeRaw', 0, false) as boolean;
	const credentials = await loadCredentials(this, providers);
	const scrub = scrubberFor(credentials);
	const engine = new EnrichmentEngine({
		send: sender(this, credentials, providerOptions, scrub),
		scrub,
		limits: effectiveLimits(providers, providerOptions),
		timeoutMs: seconds(options.timeout, 15),
		maxRetries: Math.max(0, Math.floor(Number(options.retries ?? 2))),
		maxRetryWaitMs: seconds(options.maxRetryWait, 30),
		includeRaw,
		settings: providerOptions,
		cancelled: () => this.getExecutionCancelSignal?.()?.aborted === true,
	});
	const deadlineMs = seconds(options.deadline, 60);
	const knownBenignWins = options.knownBenignWins !== false;
	const parallel = Math.max(1, Math.floor(Number(options.parallel ?? 10)));

	if (providers.some((provider) => provider.batch)) {
		// Batch providers ask for every item's IoC at once, ahead of the items.
		const targets = this.getInputData().flatMap((item, itemIndex) => {
			try {
				const { value, declared } =
					this.getNodeParameter('lookUp', itemIndex, 'value') === 'file'
						? fileHash(this, item, itemIndex)
						: iocValue(this, item, itemIndex);
				return [resolveIoc(typeof value === 'string' ? value.trim() : value, declared).target];
			} catch {
				return []; // The item's own turn reports it.
			}
		});
		engine.prefetch(targets, providers, Date.now() + deadlineMs);
	}

	/** Files the providers answered with, by input item (ScreenshotAPI's image). */
	const files = new Map<number, IBinaryKeyData>();
	const out = await mapItems(
		this,
		async (itemIndex, item) => {
			const deadlineAt = Date.now() + deadlineMs;
			const { value, declared, from } =
				this.getNodeParameter('lookUp', itemIndex, 'value') === 'file'
					? fileHash(this, item, itemIndex)
					: iocValue(this, item, itemIndex);
			const resolved = resolveIoc(typeof value === 'string' ? value.trim() : value, declared);
			const results = (await engine.enrich(resolved.target, providers, deadlineAt)).map(
				(result) => ({ ...result }),
			);
			for (const result of results) {
				if (!result.binary) continue;
				const { data, fileName, mimeType } = result.binary;
				delete result.binary;
				files.set(itemIndex, {
					...(files.get(itemIndex) ?? {}),
					[result.provider]: await this.helpers.prepareBinaryData(data, fileName, mimeType),
				});
				result.evidence = { ...result.evidence, binary_property: result.provider };
			}
			const verdict = aggregate(results, { knownBenignWins });
			const ioc: IDataObject = { ...resolved.ioc, ...(from ? { from } : {}) };
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
	);
	for (const output of out) {
		const itemIndex = (output.pairedItem as { item: number }).item;
		const binary = files.get(itemIndex);
		if (binary) output.binary = { ...(this.getInputData()[itemIndex]?.binary ?? {}), ...binary };
	}
	return [out];
}

interface Lookup {
	value: unknown;
	declared?: string;
	/** Where the value came from when IoC Enrich picked it (e.g. `file.sha256`). */
	from?: string;
}

function iocValue(context: IExecuteFunctions, item: INodeExecutionData, itemIndex: number): Lookup {
	const value = context.getNodeParameter('value', itemIndex, '') as unknown;
	if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
		throw new NodeOperationError(context.getNode(), `Input item ${itemIndex} has no IoC value`, {
			itemIndex,
			description:
				'Set "IoC", or feed items with a "value" field (for example from Filter Blockable IoCs).',
		});
	}
	const mode = context.getNodeParameter('iocType', itemIndex, 'auto') as string;
	return {
		value,
		declared: mode === 'detect' ? undefined : mode === 'auto' ? itemType(item) : mode,
	};
}

/** An Assemblyline alert or submission names its file by `file.sha256`, `file.sha1` and `file.md5`. */
const FILE_HASHES = ['sha256', 'sha1', 'md5'] as const;

function fileHash(context: IExecuteFunctions, item: INodeExecutionData, itemIndex: number): Lookup {
	const file = item.json?.file;
	if (file && typeof file === 'object' && !Array.isArray(file)) {
		for (const type of FILE_HASHES) {
			const value = (file as IDataObject)[type];
			if (typeof value === 'string' && value.trim() !== '')
				return { value, declared: type, from: `file.${type}` };
		}
	}
	throw new NodeOperationError(context.getNode(), `Input item ${itemIndex} has no file hash`, {
		itemIndex,
		description:
			'"Look Up" is set to the file of an Assemblyline alert, but the item has no file.sha256, file.sha1 or file.md5. Feed it alerts (AL Alert Trigger or AL Alert Search), or set "Look Up" to "IoC Value".',
	});
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
				description: `Select a "${provider.credentialName ?? provider.displayName}" credential, or remove ${provider.displayName} from "Providers".`,
			});
		}
	}
	return credentials;
}

/** Every secret of the loaded credentials (and any key=… query parameter) is cut from text that reaches output. */
function scrubberFor(
	credentials: Map<string, ICredentialDataDecryptedObject>,
): (text: string) => string {
	return redactor([...credentials.values()].flatMap((data) => credentialSecrets(data)));
}

function baseUrl(value: unknown, fallback: string): string {
	const text = typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback;
	return text.replace(/\/+$/, '');
}

function sender(
	context: IExecuteFunctions,
	credentials: Map<string, ICredentialDataDecryptedObject>,
	settings: IDataObject,
	scrub: (text: string) => string,
): Send {
	return async (provider, request, timeoutMs) => {
		const bytes = request.encoding === 'arraybuffer';
		const options: IHttpRequestOptions = {
			...request,
			// Statuses and bodies are read by the engine and the provider file, not by n8n.
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			json: false,
			encoding: bytes ? 'arraybuffer' : 'text',
			timeout: Math.max(1, Math.round(timeoutMs)),
		};
		let response: IN8nHttpFullResponse;
		try {
			if (provider.credentialType) {
				const data = credentials.get(provider.credentialType) ?? {};
				options.baseURL = baseUrl(
					provider.baseUrlField ? data[provider.baseUrlField] : undefined,
					provider.defaultBaseUrl,
				);
				response = (await context.helpers.httpRequestWithAuthentication.call(
					context,
					provider.credentialType,
					options,
				)) as IN8nHttpFullResponse;
			} else {
				options.baseURL = baseUrl(
					provider.baseUrlSetting ? settings[provider.baseUrlSetting] : undefined,
					provider.defaultBaseUrl,
				);
				response = (await context.helpers.httpRequest(options)) as IN8nHttpFullResponse;
			}
		} catch (error) {
			// n8n's error carries the request config (headers, query with the key): keep only code and message.
			const problem = classifyNetworkError(error);
			const failure = new Error(scrub(problem.message || 'request failed')) as Error & {
				code?: string;
			};
			failure.code = problem.code || undefined;
			throw failure;
		}
		return {
			statusCode: Number(response.statusCode),
			headers: (response.headers ?? {}) as Record<string, string | string[] | undefined>,
			body: bodyText(response.body),
			...(bytes && Buffer.isBuffer(response.body) ? { bytes: response.body } : {}),
		};
	};
}

function seconds(value: unknown, fallback: number): number {
	const number = Number(value ?? fallback);
	return Math.round((Number.isFinite(number) && number >= 0 ? number : fallback) * 1000);
}

/** The providers' own settings (Provider Options) and the Rate Limits list. */
function readProviderOptions(context: IExecuteFunctions): IDataObject {
	const own = context.getNodeParameter('providerOptions', 0, {}) as IDataObject;
	const rateLimits = context.getNodeParameter('rateLimits', 0, {}) as IDataObject;
	return { ...own, rateLimits };
}

function effectiveLimits(providers: Provider[], options: IDataObject): Record<string, PaceLimit> {
	const limits: Record<string, PaceLimit> = {};
	for (const provider of providers) limits[provider.id] = { ...provider.limits };
	for (const provider of providers) {
		const rate = provider.rateSetting ? options[provider.rateSetting] : undefined;
		if (rate !== undefined) limits[provider.id].minIntervalMs = interval(rate);
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
