// Shared by the IoC Enrich tests: the node on n8n-core's engine against the fake providers.
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { IocEnrichAbuseChApi } from '../../credentials/IocEnrichAbuseChApi.credentials';
import { IocEnrichAbuseIpdbApi } from '../../credentials/IocEnrichAbuseIpdbApi.credentials';
import { IocEnrichGreyNoiseApi } from '../../credentials/IocEnrichGreyNoiseApi.credentials';
import { IocEnrichIntelxApi } from '../../credentials/IocEnrichIntelxApi.credentials';
import { IocEnrichOtxApi } from '../../credentials/IocEnrichOtxApi.credentials';
import { IocEnrichSafeBrowsingApi } from '../../credentials/IocEnrichSafeBrowsingApi.credentials';
import { IocEnrichScreenshotApi } from '../../credentials/IocEnrichScreenshotApi.credentials';
import { IocEnrichShodanApi } from '../../credentials/IocEnrichShodanApi.credentials';
import { IocEnrichTriageApi } from '../../credentials/IocEnrichTriageApi.credentials';
import { IocEnrichUrlscanApi } from '../../credentials/IocEnrichUrlscanApi.credentials';
import { IocEnrichVirusTotalApi } from '../../credentials/IocEnrichVirusTotalApi.credentials';
import { IocEnrichWebRiskApi } from '../../credentials/IocEnrichWebRiskApi.credentials';
import { IocEnrich } from '../../nodes/IocEnrich/IocEnrich.node';
import type { ProviderId } from '../fakes/providers.ts';
import { FakeProviders, KEYS } from '../fakes/providers.ts';
import type { RunNodeResult } from '../harness/n8n.ts';
import { registerCredentialType, runNode } from '../harness/n8n.ts';

for (const type of [
	new IocEnrichVirusTotalApi(),
	new IocEnrichAbuseIpdbApi(),
	new IocEnrichGreyNoiseApi(),
	new IocEnrichAbuseChApi(),
	new IocEnrichOtxApi(),
	new IocEnrichUrlscanApi(),
	new IocEnrichShodanApi(),
	new IocEnrichTriageApi(),
	new IocEnrichSafeBrowsingApi(),
	new IocEnrichIntelxApi(),
	new IocEnrichScreenshotApi(),
	new IocEnrichWebRiskApi(),
]) {
	registerCredentialType(type);
}

export interface EnrichRun {
	providers: ProviderId[];
	input: IDataObject[];
	options?: IDataObject;
	simplify?: boolean;
	includeRaw?: boolean;
	iocType?: string;
	value?: string;
	/** 'value' (default) or 'file': the file hash of an Assemblyline alert item. */
	lookUp?: string;
	credentials?: Record<string, Record<string, string>>;
	continueOnFail?: boolean;
	/** More Provider Options (e.g. ScreenshotAPI's screenshotFileType). */
	providerOptions?: IDataObject;
}

/** Fast test defaults: no spacing, short timeouts. */
export function fastLimits(providers: ProviderId[], requestsPerMinute = 0, concurrency = 8): IDataObject {
	return { limit: providers.map((provider) => ({ provider, requestsPerMinute, concurrency })) };
}

export async function enrich(fake: FakeProviders, run: EnrichRun): Promise<RunNodeResult & { items: IDataObject[] }> {
	// `run.options` may name any setting; the provider ones live in Provider Options and Rate Limits.
	const { internetDbUrl, virusTotalRequestsPerMinute, rateLimits, ...general } = run.options ?? {};
	const parameters: INodeParameters = {
		providers: run.providers,
		lookUp: run.lookUp ?? 'value',
		value: run.value ?? '={{ $json.value }}',
		iocType: run.iocType ?? 'auto',
		simplify: run.simplify ?? false,
		includeRaw: run.includeRaw ?? false,
		options: { timeout: 5, deadline: 10, retries: 2, maxRetryWait: 5, ...general } as INodeParameters,
		providerOptions: {
			virusTotalRequestsPerMinute: virusTotalRequestsPerMinute ?? 0,
			internetDbUrl: internetDbUrl ?? fake.baseUrl('internetdb'),
			...(run.providerOptions ?? {}),
		} as INodeParameters,
		rateLimits: (rateLimits ?? fastLimits(run.providers)) as INodeParameters,
	};
	const result = await runNode({
		node: new IocEnrich(),
		parameters,
		input: run.input,
		credentials: run.credentials ?? fake.credentials(),
		continueOnFail: run.continueOnFail,
	});
	return { ...result, items: (result.outputs[0] ?? []).map((item) => item.json) };
}

export function providerResult(item: IDataObject, provider: string): IDataObject {
	const enrichment = item.enrichment as IDataObject;
	const list = enrichment.providers as IDataObject[];
	const found = list.find((p) => p.provider === provider);
	if (!found) throw new Error(`no result for ${provider} in ${JSON.stringify(list.map((p) => p.provider))}`);
	return found;
}

export const ALL_KEYS: string[] = Object.values(KEYS);

/** Every key string that appears anywhere in `value` (outputs, errors, raw bodies). */
export function leakedKeys(value: unknown, keys: string[] = ALL_KEYS): string[] {
	const text = JSON.stringify(value, (_key, v) => (v instanceof Error ? { message: v.message, description: (v as { description?: string }).description, stack: v.stack } : v));
	return keys.filter((key) => text.includes(key));
}

/** One set of fake providers per test file, reset after each test: `useFakeProviders((f) => (fake = f))`. */
export function useFakeProviders(started: (fake: FakeProviders) => void): void {
	let fake: FakeProviders;
	beforeAll(async () => {
		fake = await new FakeProviders().start();
		started(fake);
	});
	afterEach(() => fake.reset());
	afterAll(async () => {
		await fake.stop();
	});
}

/** The node's `enrichment` object of an output item. */
export const enrichment = (item: IDataObject): IDataObject => item.enrichment as IDataObject;
