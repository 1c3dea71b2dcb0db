/**
 * AL Submission IoCs against the fake Assemblyline, through n8n-core's engine with real HTTP.
 * The expected mappings are computed with the "Collecting Network IoCs" exercise's own loops
 * over what the server answers, not with the node's code.
 */
import type { IDataObject } from 'n8n-workflow';

import { AssemblylineSubmissionIocs } from '../../nodes/AssemblylineSubmissionIocs/AssemblylineSubmissionIocs.node';
import {
	DEFAULT_APIKEY,
	FIXTURE_SID,
	fixturesDataset,
	generateDataset,
	mergeDatasets,
	startFakeAssemblyline,
	type FakeAssemblyline,
} from '../fakes/assemblyline/index.ts';
import { runNode } from '../harness/n8n.ts';
import { groupByTagType } from '../../nodes/AssemblylineSubmissionIocs/tags';
import { FilterBlockableIocs } from '../../nodes/FilterBlockableIocs/FilterBlockableIocs.node';

const node = new AssemblylineSubmissionIocs();
const filterNode = new FilterBlockableIocs();
const USER = 'svc_soc';

let fake: FakeAssemblyline;
let generatedSids: string[];

beforeAll(async () => {
	const generated = generateDataset({ seed: 7, alerts: 60, submissions: 50, inProgressRatio: 0 });
	generatedSids = generated.submissions.map((spec) => spec.sid);
	fake = await startFakeAssemblyline({ dataset: mergeDatasets(fixturesDataset(), generated) });
});

afterAll(async () => {
	await fake.close();
});

beforeEach(() => {
	fake.faults.clear();
	fake.clearRequests();
});

function credentials(apiKey = DEFAULT_APIKEY) {
	return { assemblylineApi: { url: fake.url, username: USER, apiKey } };
}

async function api(path: string): Promise<Response> {
	return await fetch(`${fake.url}${path}`, { headers: { 'X-USER': USER, 'X-APIKEY': DEFAULT_APIKEY } });
}

/** The exercise, option 1: `client.submission.summary(SID)['tags']['ioc']`. */
async function exerciseSummaryMapping(sid: string): Promise<Record<string, unknown[]>> {
	const summary = (await (await api(`/api/v4/submission/summary/${sid}/`)).json()).api_response;
	const collected: Record<string, unknown[]> = {};
	for (const [tagName, tagValues] of Object.entries(summary.tags.ioc as Record<string, unknown[][]>)) {
		for (const [tagValue] of tagValues) {
			if (tagName.startsWith('network')) (collected[tagName] ??= []).push(tagValue);
		}
	}
	return dedupe(collected);
}

/** The exercise, option 2: every `network*` tag of every ontology record. */
async function exerciseOntologyMapping(sid: string): Promise<Record<string, unknown[]>> {
	const text = await (await api(`/api/v4/ontology/submission/${sid}/`)).text();
	const collected: Record<string, unknown[]> = {};
	for (const line of text.split('\n').filter(Boolean)) {
		const record = JSON.parse(line);
		for (const [tagName, tagValues] of Object.entries(record.results.tags as Record<string, unknown[]>)) {
			if (tagName.startsWith('network')) (collected[tagName] ??= []).push(...tagValues);
		}
	}
	return dedupe(collected);
}

/** `details` as the summary gives it: each value's verdict, safelisted flag and classification,
 * first tuple of a value wins (the node de-duplicates the same way). */
async function summaryDetails(sid: string): Promise<Record<string, unknown[]>> {
	const summary = (await (await api(`/api/v4/submission/summary/${sid}/`)).json()).api_response;
	const details: Record<string, Array<Record<string, unknown>>> = {};
	for (const [tagName, tagValues] of Object.entries(summary.tags.ioc as Record<string, unknown[][]>)) {
		if (!tagName.startsWith('network')) continue;
		for (const [value, verdict, safelisted, classification] of tagValues) {
			const list = (details[tagName] ??= []);
			if (!list.some((d) => d.value === value)) list.push({ value, verdict, safelisted, classification, source: 'summary' });
		}
	}
	return details;
}

/** The ontology has no verdicts: every value says so. */
function ontologyDetails(mapping: Record<string, unknown[]>): Record<string, unknown[]> {
	return Object.fromEntries(
		Object.entries(mapping).map(([tag, values]) => [tag, values.map((value) => ({ value, verdict: null, safelisted: null, classification: null, source: 'ontology' }))]),
	);
}

/** The node de-duplicates values, keeping Assemblyline's order. */
function dedupe(mapping: Record<string, unknown[]>): Record<string, unknown[]> {
	return Object.fromEntries(Object.entries(mapping).map(([tag, values]) => [tag, [...new Set(values)]]));
}

async function collect(sids: string[], parameters: IDataObject = {}, apiKey?: string, continueOnFail = false) {
	return await runNode({
		node,
		parameters: { sid: '={{ $json.sid }}', ...parameters },
		input: sids.map((sid) => ({ sid })),
		credentials: credentials(apiKey),
		continueOnFail,
	});
}

describe('grouped output equals the exercise mapping', () => {
	it('from the fixture summary', async () => {
		const { outputs, error } = await collect([FIXTURE_SID]);
		expect(error).toBeUndefined();
		const [item] = outputs[0];
		expect(item.json).toEqual({
			sid: FIXTURE_SID,
			partial: false,
			iocs: await exerciseSummaryMapping(FIXTURE_SID),
			details: await summaryDetails(FIXTURE_SID),
		});
		// Spelled out once, so a regression in the fake cannot hide a regression in the node.
		expect((item.json.iocs as IDataObject)['network.dynamic.ip']).toEqual(['203.0.113.45', '198.51.100.23', '192.0.2.53']);
		expect((item.json.iocs as IDataObject)['network.email.address']).toEqual(['billing@example.com']);
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('from 50 generated submissions, one item each, in input order', async () => {
		expect(generatedSids).toHaveLength(50);
		const { outputs, error } = await collect(generatedSids);
		expect(error).toBeUndefined();
		expect(outputs[0]).toHaveLength(50);
		let values = 0;
		for (const [index, sid] of generatedSids.entries()) {
			const expected = await exerciseSummaryMapping(sid);
			values += Object.values(expected).flat().length;
			expect(outputs[0][index].json).toEqual({ sid, partial: false, iocs: expected, details: await summaryDetails(sid) });
			expect(outputs[0][index].pairedItem).toEqual({ item: index });
		}
		expect(values).toBeGreaterThan(100);
	});

	it('from the ontology, with the exercise prefix "network"', async () => {
		const parameters = { source: 'ontology', tags: 'custom', tagPrefixes: 'network' };
		const { outputs, error } = await collect([FIXTURE_SID, ...generatedSids], parameters);
		expect(error).toBeUndefined();
		for (const [index, sid] of [FIXTURE_SID, ...generatedSids].entries()) {
			const mapping = await exerciseOntologyMapping(sid);
			expect(outputs[0][index].json).toEqual({ sid, partial: false, iocs: mapping, details: ontologyDetails(mapping) });
		}
		// The ontology keeps what the summary safelisted and the integer port tag.
		const fixture = outputs[0][0].json.iocs as IDataObject;
		expect(fixture['network.static.domain']).toContain('schemas.openxmlformats.org');
		expect(fixture['network.port']).toEqual([8080]);
	});

	it('from the ontology, default network IoCs: the exercise mapping less non-IoC network tags', async () => {
		const { outputs } = await collect([FIXTURE_SID], { source: 'ontology' });
		const expected = await exerciseOntologyMapping(FIXTURE_SID);
		delete expected['network.port'];
		delete expected['network.protocol'];
		expect(outputs[0][0].json.iocs).toEqual(expected);
	});

	it('the comma lists go through a schema: a list from an expression works, an object is an error naming the parameter', async () => {
		const listed = await collect([FIXTURE_SID], { source: 'ontology', services: '={{ ["ConfigExtractor"] }}' });
		expect(listed.outputs[0][0].json.iocs).toEqual({ 'network.static.ip': ['203.0.113.45'] });
		const wrong = await collect([FIXTURE_SID], { source: 'ontology', services: '={{ { name: "ConfigExtractor" } }}' });
		expect(wrong.error?.message).toMatch(/^"Services": does not match any accepted shape \(got an object\)/);
	});

	it('ontology filters by service', async () => {
		const { outputs } = await collect([FIXTURE_SID], { source: 'ontology', services: 'ConfigExtractor' });
		expect(outputs[0][0].json.iocs).toEqual({ 'network.static.ip': ['203.0.113.45'] });
		const ontologyCall = fake.requests.find((request) => request.path.startsWith('/api/v4/ontology/'));
		expect(ontologyCall?.query).toMatchObject({ service: 'ConfigExtractor' });
	});
});

describe('grouped output keeps the verdicts beside the mapping ("details")', () => {
	it('Both: the ontology mapping, with the summary\'s verdicts where it knows them and null where it does not', async () => {
		const { outputs } = await collect([FIXTURE_SID], { source: 'both', tags: 'custom', tagPrefixes: 'network' });
		const json = outputs[0][0].json as { iocs: Record<string, unknown[]>; details: Record<string, Array<Record<string, unknown>>> };
		const scored = await summaryDetails(FIXTURE_SID);
		for (const [tag, values] of Object.entries(json.iocs)) {
			// Index for index with the mapping.
			expect(json.details[tag].map((detail) => detail.value)).toEqual(values);
			for (const detail of json.details[tag]) {
				const known = (scored[tag] ?? []).find((d) => (d as IDataObject).value === detail.value) as IDataObject | undefined;
				if (known) expect(detail).toEqual({ ...known, source: 'both' });
				else expect(detail).toMatchObject({ verdict: null, safelisted: null, classification: null, source: 'ontology' });
			}
		}
		expect(json.details['network.port']).toEqual([{ value: 8080, verdict: null, safelisted: null, classification: null, source: 'ontology' }]);
	});

	it('a hostile tag type stays a plain key', () => {
		const grouped = groupByTagType([
			{ tag_type: '__proto__', value: 'evil.com', verdict: 'malicious', safelisted: false, classification: 'TLP:C', source: 'summary' },
			{ tag_type: 'constructor', value: 'x.com', verdict: 'info', safelisted: false, classification: null, source: 'summary' },
		]);
		expect(Object.getPrototypeOf(grouped.iocs)).toBe(Object.prototype);
		expect(Object.keys(grouped.iocs)).toEqual(['__proto__', 'constructor']);
		expect(JSON.parse(JSON.stringify(grouped.details))).toEqual({
			['__proto__']: [{ value: 'evil.com', verdict: 'malicious', safelisted: false, classification: 'TLP:C', source: 'summary' }],
			constructor: [{ value: 'x.com', verdict: 'info', safelisted: false, classification: null, source: 'summary' }],
		});
	});
});

describe('AL Submission IoCs → Filter Blockable IoCs, every default', () => {
	const RANK = ['safe', 'info', 'suspicious', 'highly suspicious', 'malicious'];

	/** The highest verdict the summary gives each network value, over all its tag types. */
	async function highestVerdicts(sids: string[]): Promise<Map<string, string>> {
		const highest = new Map<string, string>();
		for (const sid of sids) {
			for (const list of Object.values(await summaryDetails(sid))) {
				for (const { value, verdict } of list as Array<{ value: string; verdict: string }>) {
					const before = highest.get(value);
					if (before === undefined || RANK.indexOf(verdict) > RANK.indexOf(before)) highest.set(value, verdict);
				}
			}
		}
		return highest;
	}

	it('grouped (the default output): nothing Assemblyline scored safe or info reaches Block', async () => {
		const sids = [FIXTURE_SID, ...generatedSids.slice(0, 20)];
		const collected = await collect(sids);
		expect(collected.error).toBeUndefined();
		const filtered = await runNode({ node: filterNode, parameters: {}, input: collected.outputs[0].map((item) => item.json) });
		expect(filtered.error).toBeUndefined();
		const [block, skipped] = filtered.outputs;
		const highest = await highestVerdicts(sids);
		const low = [...highest].filter(([, verdict]) => verdict === 'safe' || verdict === 'info').map(([value]) => value);
		expect(low.length).toBeGreaterThan(5);
		expect(low).toEqual(expect.arrayContaining(['schemas.openxmlformats.org', 'ocsp.digicert.com']));
		const blocked = new Set(block.flatMap((item) => [item.json.value, item.json.original, ...((item.json.originals as string[]) ?? [])]));
		for (const value of low) expect(blocked.has(value)).toBe(false);
		expect(block.length).toBeGreaterThan(0);
		for (const item of block) expect(['suspicious', 'highly suspicious', 'malicious']).toContain(item.json.verdict);
		// The Filter saw the verdicts: none of the summary's values is "no_verdict".
		expect(skipped.filter((item) => item.json.reason === 'no_verdict')).toEqual([]);
		expect(filtered.hints).toEqual([]);
	});

	it('ontology only (no verdicts at all): nothing goes to Block, each value says Assemblyline did not score it', async () => {
		const collected = await collect([FIXTURE_SID], { source: 'ontology' });
		const filtered = await runNode({ node: filterNode, parameters: {}, input: collected.outputs[0].map((item) => item.json) });
		const [block, skipped] = filtered.outputs;
		expect(block).toEqual([]);
		const unscored = skipped.filter((item) => item.json.reason === 'no_verdict');
		expect(unscored.length).toBeGreaterThan(0);
		// The others are held back by a rule that comes before the verdict.
		const before = ['invalid', 'safelisted', 'non_global_ip', 'special_use_domain', 'public_suffix', 'unsupported_type'];
		for (const item of skipped) if (item.json.reason !== 'no_verdict') expect(before).toContain(item.json.reason);
		for (const item of unscored) expect(item.json.reason_text).toMatch(/Assemblyline gave no verdict/);
	});
});

describe('one item per IoC', () => {
	it('carries verdict, safelisted flag, classification and type from the summary', async () => {
		const { outputs } = await collect([FIXTURE_SID], { output: 'perIoc' });
		const items = outputs[0].map((item) => item.json);
		const total = Object.values(await exerciseSummaryMapping(FIXTURE_SID)).flat().length;
		expect(items).toHaveLength(total);
		expect(items).toContainEqual({
			sid: FIXTURE_SID,
			type: 'domain',
			value: 'schemas.openxmlformats.org',
			verdict: 'info',
			tag_type: 'network.static.domain',
			safelisted: true,
			classification: 'TLP:C',
			source: 'summary',
			partial: false,
		});
		expect(items.find((ioc) => ioc.tag_type === 'network.email.address')?.type).toBe('email');
		expect(outputs[0].every((item) => JSON.stringify(item.pairedItem) === '{"item":0}')).toBe(true);
	});

	it('Both: ontology values annotated with the summary verdicts where it knows them', async () => {
		const { outputs } = await collect([FIXTURE_SID], { output: 'perIoc', source: 'both' });
		const items = outputs[0].map((item) => item.json);
		const ip = items.find((ioc) => ioc.value === '203.0.113.45' && ioc.tag_type === 'network.dynamic.ip');
		expect(ip).toMatchObject({ verdict: 'malicious', source: 'both' });
		const safelisted = items.find((ioc) => ioc.value === 'schemas.openxmlformats.org');
		expect(safelisted).toMatchObject({ verdict: 'info', safelisted: true, source: 'both' });
	});
});

describe('submissions still in progress', () => {
	it('are flagged partial, never passed off as complete', async () => {
		const sid = fake.dataset.addSubmission({ ips: ['45.33.32.156'] });
		const summary = await collect([sid]);
		expect(summary.outputs[0][0].json).toMatchObject({ sid, partial: true });
		const ontology = await collect([sid], { source: 'ontology' });
		expect(ontology.outputs[0][0].json).toMatchObject({ sid, partial: true });
	});

	it('"Wait for Completion" polls is_completed until the submission is done', async () => {
		const sid = fake.dataset.addSubmission({ ips: ['45.33.32.157'] });
		const running = collect([sid], { waitForCompletion: true, waitTimeout: 30 });
		// Complete it once the node has asked at least once.
		for (let i = 0; i < 200 && !fake.requests.some((r) => r.path.includes('/is_completed/')); i++) {
			await new Promise((resolve) => setTimeout(resolve, 25));
		}
		fake.dataset.completeSubmission(sid);
		const { outputs, error } = await running;
		expect(error).toBeUndefined();
		expect(outputs[0][0].json).toMatchObject({ sid, partial: false });
		expect(Object.values(outputs[0][0].json.iocs as IDataObject).flat()).toContain('45.33.32.157');
	});

	it('after the wait timeout, outputs what there is, flagged partial', async () => {
		const sid = fake.dataset.addSubmission({ ips: ['45.33.32.158'] });
		const { outputs } = await collect([sid], { waitForCompletion: true, waitTimeout: 1 });
		expect(outputs[0][0].json).toMatchObject({ sid, partial: true });
	});
});

describe('faults', () => {
	it('succeeds through a 503 concurrency quota on every 2nd request', async () => {
		const sids = generatedSids.slice(0, 12);
		const expected = await Promise.all(sids.map((sid) => exerciseSummaryMapping(sid)));
		fake.clearRequests();
		fake.faults.add({ kind: '503-concurrency', nth: 2 });
		const { outputs, error } = await collect(sids);
		expect(error).toBeUndefined();
		expect(outputs[0].map((item) => item.json.iocs)).toEqual(expected);
		expect(fake.requests.filter((request) => request.status === 503).length).toBeGreaterThanOrEqual(5);
	});

	it('succeeds through 502s from the proxy', async () => {
		const expected = await exerciseSummaryMapping(FIXTURE_SID);
		fake.clearRequests();
		fake.faults.add({ kind: '502', times: 3 });
		const { outputs, error } = await collect([FIXTURE_SID]);
		expect(error).toBeUndefined();
		expect(outputs[0][0].json.iocs).toEqual(expected);
		expect(fake.requests.filter((request) => request.status === 502)).toHaveLength(3);
	});

	it('fails at once on 401, naming the credential problem and not the key', async () => {
		const wrongKey = 'n8n_test:WrongSecretWrongSecretWrongSecretWrongSecret1234';
		const { error, run } = await collect([FIXTURE_SID], {}, wrongKey);
		expect(error?.message).toMatch(/refused the credentials.*Invalid user or APIKey/);
		expect(error?.description).toMatch(/username and API key/);
		expect(fake.requests).toHaveLength(1);
		expect(JSON.stringify(run)).not.toContain('WrongSecret');
		expect(JSON.stringify(error)).not.toContain('WrongSecret');
	});

	it('fails at once on the daily quota (no retry helps)', async () => {
		fake.faults.add({ kind: '503-daily' });
		const { error } = await collect([FIXTURE_SID]);
		expect(error?.message).toMatch(/daily API quota/);
		expect(fake.requests).toHaveLength(1);
	});

	it('fails at once on an unknown sid, saying which one', async () => {
		const { error } = await collect(['NoSuchSid000000000000']);
		expect(error?.message).toMatch(/Submission ID NoSuchSid000000000000 does not exists/);
		expect(error?.description).toMatch(/NoSuchSid000000000000.*input item 0/);
		expect(error?.context?.itemIndex).toBe(0);
		expect(fake.requests).toHaveLength(1);
	});

	it('with "continue on fail", a bad item becomes an error item and the others go on', async () => {
		const { outputs, error } = await collect(['NoSuchSid000000000000', FIXTURE_SID, '../../user/whoami'], {}, undefined, true);
		expect(error).toBeUndefined();
		expect(outputs[0]).toHaveLength(3);
		expect(outputs[0][0].json.error).toMatch(/does not exists/);
		expect(outputs[0][1].json.sid).toBe(FIXTURE_SID);
		expect(outputs[0][2].json.error).toMatch(/is not an Assemblyline submission ID/);
		expect(outputs[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		// The path-like sid never reached the server.
		expect(fake.requests.some((request) => request.path.includes('whoami'))).toBe(false);
	});

	it('an item without a sid says what to do', async () => {
		const { error } = await runNode({ node, parameters: {}, input: [{ name: 'no sid here' }], credentials: credentials() });
		expect(error?.message).toMatch(/has no submission ID/);
		expect(error?.description).toMatch(/"sid" field/);
	});
});

describe('Timeout option', () => {
	test('a summary that does not answer within the timeout fails the item clearly and is not sent again', async () => {
		fake.faults.add({ kind: 'slow', path: '^/api/v4/submission/summary/', once: true, delayMs: 2500 });
		const { error } = await runNode({
			node,
			parameters: { sid: '={{ $json.sid }}', options: { timeoutSeconds: 0.5 } },
			input: [{ sid: FIXTURE_SID }],
			credentials: credentials(),
		});
		expect(error?.message).toBe('Assemblyline did not answer within 0.5 s');
		await new Promise((resolve) => setTimeout(resolve, 2500));
		expect(fake.requests.filter((r) => r.path.startsWith('/api/v4/submission/summary/'))).toHaveLength(1);
	});
});
