/**
 * The IoC Enrich panel (issue 23 point 4): the default IoC Type first, provider settings shown only
 * for picked providers, Rate Limits as its own list (not an empty entry left in "Add Option"), and
 * the settings read from where the panel now puts them.
 */
import type { INodeParameters, INodeProperties } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { IocEnrich } from '../../nodes/IocEnrich/IocEnrich.node';
import { FakeProviders, SAMPLES } from '../fakes/providers.ts';
import { runNode } from '../harness/n8n.ts';
import { fastLimits, providerResult } from './enrich.helpers.ts';

const description = new IocEnrich().description;
const prop = (name: string) => description.properties.find((p) => p.name === name)!;
const node = { typeVersion: 1 };

/** What n8n's editor shows for these parameter values: top-level names, and the options a collection offers. */
function visible(values: INodeParameters) {
	const root = NodeHelpers.getNodeParameters(description.properties, values, true, false, null, description)!;
	const top = description.properties.filter((p) => NodeHelpers.displayParameter(root, p, node, description, root)).map((p) => p.name);
	const offered = (name: string) =>
		((prop(name).options ?? []) as INodeProperties[])
			.filter((o) => NodeHelpers.displayParameter((root[name] ?? {}) as INodeParameters, o, node, description, root))
			.map((o) => o.name);
	return { top, offered };
}

test('IoC Type lists its default first', () => {
	const type = prop('iocType');
	expect((type.options as Array<{ value: string }>)[0].value).toBe(type.default);
});

test('provider settings show only while their provider is picked', () => {
	const abuseCh = visible({ providers: ['threatfox', 'urlhaus', 'malwarebazaar'] });
	expect(abuseCh.top).not.toContain('providerOptions');
	expect(abuseCh.offered('options')).not.toContain('internetDbUrl');
	expect(abuseCh.offered('options')).not.toContain('virusTotalRequestsPerMinute');

	const vt = visible({ providers: ['virustotal', 'threatfox'] });
	expect(vt.top).toContain('providerOptions');
	expect(vt.offered('providerOptions')).toEqual(['virusTotalRequestsPerMinute']);

	const both = visible({ providers: ['internetdb', 'virustotal'] });
	expect(both.offered('providerOptions')).toEqual(['internetDbUrl', 'virusTotalRequestsPerMinute']);
});

test('general options and provider settings are separate groups', () => {
	const general = (prop('options').options as INodeProperties[]).map((o) => o.name);
	expect(general).toEqual(['deadline', 'parallel', 'knownBenignWins', 'maxRetryWait', 'timeout', 'retries']);
});

test('no list inside a collection: Rate Limits is its own list, empty until a limit is added', () => {
	for (const collection of description.properties.filter((p) => p.type === 'collection')) {
		for (const option of collection.options as INodeProperties[]) expect(option.type).not.toBe('fixedCollection');
	}
	const rateLimits = prop('rateLimits');
	expect(rateLimits.type).toBe('fixedCollection');
	expect(rateLimits.typeOptions?.multipleValues).toBe(true);
	// With every default, n8n stores no rate-limit entry at all.
	const stored = NodeHelpers.getNodeParameters(description.properties, { providers: ['virustotal'] }, false, false, null, description)!;
	expect(stored.rateLimits).toBeUndefined();
});

describe('the settings are read from their new places', () => {
	let fake: FakeProviders;
	beforeAll(async () => {
		fake = await new FakeProviders().start();
	});
	afterAll(() => fake.stop());
	beforeEach(() => fake.reset());

	const run = (providers: string[], parameters: INodeParameters, values: string[]) =>
		runNode({
			node: new IocEnrich(),
			parameters: { providers, value: '={{ $json.value }}', iocType: 'auto', simplify: false, includeRaw: false, options: { timeout: 3, deadline: 3, retries: 0 }, ...parameters },
			input: values.map((value) => ({ value })),
			credentials: fake.credentials(),
		});

	test('Provider Options › InternetDB Base URL', async () => {
		const result = await run(['internetdb'], { providerOptions: { internetDbUrl: fake.baseUrl('internetdb') } }, [SAMPLES.badIp]);
		expect(result.error).toBeUndefined();
		expect(fake.requestsTo('internetdb')).toHaveLength(1);
		expect(providerResult(result.outputs[0][0].json, 'internetdb').status).toBe('ok');
	});

	test('Rate Limits, top level: overrides VirusTotal\'s public pace of 4 a minute', async () => {
		const values = [SAMPLES.badIp, SAMPLES.benignIp, SAMPLES.unknownIp];
		const paced = await run(['virustotal'], {}, values);
		const statuses = (r: typeof paced) => r.outputs[0].map((item) => providerResult(item.json, 'virustotal').status);
		// 4 a minute leaves no slot for the 2nd and 3rd within the 3 s deadline.
		expect(statuses(paced)).toEqual(['ok', 'rate_limited', 'rate_limited']);
		fake.reset();
		const raised = await run(['virustotal'], { rateLimits: fastLimits(['virustotal']) as INodeParameters }, values);
		expect(statuses(raised)).toEqual(['ok', 'ok', 'not_found']);
		fake.reset();
		const viaProviderOptions = await run(['virustotal'], { providerOptions: { virusTotalRequestsPerMinute: 0 } }, values);
		expect(statuses(viaProviderOptions)).toEqual(['ok', 'ok', 'not_found']);
		expect(fake.requestsTo('virustotal')).toHaveLength(3);
	});
});
