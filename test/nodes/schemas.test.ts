/**
 * Schemas at the boundary (nodes/shared/schema.ts, nodes/shared/assemblyline.ts): an Assemblyline
 * answer of a changed or hostile shape fails with a message naming the endpoint and the field,
 * and nothing of it reaches Block.
 *
 * The server here is a stand-in for an Assemblyline whose answers changed shape: it speaks
 * Assemblyline's envelope (assemblyline-ui api/base.py make_api_response) around the fixture
 * summary, with one field altered per test. The fake Assemblyline in test/fakes always answers
 * well-formed data, so it cannot play this part.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { AssemblylineSubmissionIocs } from '../../nodes/AssemblylineSubmissionIocs/AssemblylineSubmissionIocs.node';
import { FilterBlockableIocs } from '../../nodes/FilterBlockableIocs/FilterBlockableIocs.node';
import { ALERT, ALERT_PAGE, ONTOLOGY_RECORD, SUBMISSION_SUMMARY, WHOAMI } from '../../nodes/shared/assemblyline';
import { checkShape, formatPath, ShapeError } from '../../nodes/shared/schema';
import { runNode } from '../harness/n8n.ts';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const fixture = (name: string) => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as IDataObject;
const SID = 'ushStdLVanDgTCEgfcfS3';

/** What the server answers for GET /api/v4/submission/summary/<sid>/, set per test. */
let summaryAnswer: unknown;
/** What it answers for GET /api/v4/submission/is_completed/<sid>/ (Assemblyline: true or false). */
let completedAnswer: unknown;
let requests: string[] = [];
let server: Server;
let url: string;

beforeAll(async () => {
	server = createServer((request, response) => {
		requests.push(`${request.method} ${request.url}`);
		const answers: Record<string, unknown> = {
			[`/api/v4/submission/summary/${SID}/`]: summaryAnswer,
			[`/api/v4/submission/is_completed/${SID}/`]: completedAnswer,
		};
		const known = request.method === 'GET' && request.url !== undefined && request.url in answers;
		const body = {
			api_response: known ? answers[request.url as string] : {},
			api_error_message: known ? '' : 'Not found',
			api_server_version: '4.5.1.stable1',
			api_status_code: known ? 200 : 404,
		};
		response.writeHead(known ? 200 : 404, { 'content-type': 'application/json' });
		response.end(JSON.stringify(body));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
	requests = [];
	completedAnswer = true;
	summaryAnswer = structuredClone(fixture('submission_summary.json').api_response);
	// The fixture's values are documentation addresses and names, which the Filter never blocks:
	// two global values make "nothing reaches Block" mean something.
	summaryTags()['network.dynamic.ip'].push(['45.33.32.156', 'malicious', false, 'TLP:C']);
	summaryTags()['network.dynamic.domain'].push(['c2-panel.ru', 'malicious', false, 'TLP:C']);
});

function summaryTags(): Record<string, unknown[][]> {
	return ((summaryAnswer as IDataObject).tags as IDataObject).ioc as Record<string, unknown[][]>;
}

async function collectThenFilter(parameters: IDataObject = {}) {
	const collected = await runNode({
		node: new AssemblylineSubmissionIocs(),
		parameters: { sid: '={{ $json.sid }}', ...parameters },
		input: [{ sid: SID }],
		credentials: { assemblylineApi: { url, username: 'svc_soc', apiKey: 'n8n_test:Secret0123456789Secret0123456789' } },
		continueOnFail: true,
	});
	const filtered = await runNode({
		node: new FilterBlockableIocs(),
		parameters: {},
		input: collected.outputs[0].map((item) => item.json),
		continueOnFail: true,
	});
	return { collected, filtered };
}

describe('AL Submission IoCs reads the summary through its schema', () => {
	it('the well-formed fixture summary still gives IoCs on Block (the server stand-in works)', async () => {
		const { collected, filtered } = await collectThenFilter();
		expect(requests).toEqual([`GET /api/v4/submission/summary/${SID}/`]);
		expect(collected.outputs[0][0].json.error).toBeUndefined();
		expect(filtered.outputs[0].map((item) => item.json.value).sort()).toEqual(['45.33.32.156', 'c2-panel.ru']);
	});

	it('a tag tuple one entry short: the error names the endpoint and the field, and nothing reaches Block', async () => {
		summaryTags()['network.dynamic.ip'][0] = ['203.0.113.45', 'malicious', false];
		const { collected, filtered } = await collectThenFilter();
		const failure = collected.outputs[0][0].json;
		expect(failure.error).toBe(
			`Unexpected answer from GET /api/v4/submission/summary/${SID}/: field tags.ioc["network.dynamic.ip"][0][3]: expected text, got nothing`,
		);
		expect(failure.error_description).toMatch(/nothing from this answer was used/);
		expect(filtered.outputs[0]).toEqual([]);
		expect(filtered.outputs[1].map((item) => item.json.reason)).toEqual(['error']);
	});

	it('a tag tuple one entry long: named too', async () => {
		summaryTags()['network.dynamic.domain'][1] = ['telemetry.example.org', 'suspicious', false, 'TLP:C', 'extra'];
		const { collected, filtered } = await collectThenFilter();
		expect(collected.outputs[0][0].json.error).toMatch(
			/field tags\.ioc\["network\.dynamic\.domain"\]\[1\]: expected at most 4 entries, got a list of 5$/,
		);
		expect(filtered.outputs[0]).toEqual([]);
	});

	it('the whole tag group replaced by text: named, not read as "no IoCs"', async () => {
		(summaryAnswer as IDataObject).tags = { attribution: {}, behavior: {}, ioc: 'none' };
		const { collected, filtered } = await collectThenFilter();
		expect(collected.outputs[0][0].json.error).toMatch(/field tags\.ioc: expected an object, got text "none"$/);
		expect(filtered.outputs[0]).toEqual([]);
	});
});

describe('Wait for Completion reads is_completed through its schema (nodes/shared/submissionWait.ts)', () => {
	it('true: the summary is read after one question', async () => {
		const { collected } = await collectThenFilter({ waitForCompletion: true, waitTimeout: 5 });
		expect(requests).toEqual([`GET /api/v4/submission/is_completed/${SID}/`, `GET /api/v4/submission/summary/${SID}/`]);
		expect(collected.outputs[0][0].json.partial).toBe(false);
	});

	it('an answer that is not true or false: named, the summary is not read, nothing reaches Block', async () => {
		completedAnswer = 'yes';
		const { collected, filtered } = await collectThenFilter({ waitForCompletion: true, waitTimeout: 5 });
		expect(collected.outputs[0][0].json.error).toBe(
			`Unexpected answer from GET /api/v4/submission/is_completed/${SID}/: the whole answer: expected true or false, got text "yes"`,
		);
		expect(requests).toEqual([`GET /api/v4/submission/is_completed/${SID}/`]);
		expect(filtered.outputs[0]).toEqual([]);
	});
});

describe('the Assemblyline schemas, on their own', () => {
	it('an alert whose al.detailed.ip is a string: the error names al.detailed.ip', () => {
		const alert = structuredClone((fixture('search_alert_page1.json').api_response as { items: IDataObject[] }).items[0]);
		expect(checkShape(ALERT, alert, 'POST /api/v4/search/alert/')).toBe(alert);
		((alert.al as IDataObject).detailed as IDataObject).ip = '203.0.113.45';
		expect(() => checkShape(ALERT, alert, 'POST /api/v4/search/alert/')).toThrow(
			'Unexpected answer from POST /api/v4/search/alert/: field al.detailed.ip: expected a list, got text "203.0.113.45"',
		);
	});

	it('an alert page names the alert by its index', () => {
		const page = structuredClone(fixture('search_alert_page1.json').api_response as { items: IDataObject[] });
		expect(checkShape(ALERT_PAGE, page, 'POST /api/v4/search/alert/')).toBe(page);
		((page.items[1].al as IDataObject).detailed as IDataObject).domain = [{ value: 42 }];
		try {
			checkShape(ALERT_PAGE, page, 'POST /api/v4/search/alert/');
			throw new Error('no error');
		} catch (error) {
			expect(error).toBeInstanceOf(ShapeError);
			expect((error as ShapeError).field).toBe('items[1].al.detailed.domain[0].value');
		}
	});

	it('the fixtures fit their schemas, and the value comes back as it was (not a copy)', () => {
		const summary = fixture('submission_summary.json').api_response;
		expect(checkShape(SUBMISSION_SUMMARY, summary, 'summary')).toBe(summary);
		const whoami = fixture('whoami.json').api_response;
		expect(checkShape(WHOAMI, whoami, 'whoami')).toBe(whoami);
		const lines = readFileSync(path.join(FIXTURES, 'ontology_submission.ndjson'), 'utf8').split('\n').filter(Boolean);
		for (const line of lines) expect(() => checkShape(ONTOLOGY_RECORD, JSON.parse(line), 'ontology')).not.toThrow();
	});

	it('a hostile "__proto__" tag type stays a plain own key of the value the caller gets', () => {
		const summary = JSON.parse('{"tags":{"ioc":{"__proto__":[["evil.example","malicious",false,"TLP:C"]]}}}');
		const checked = checkShape(SUBMISSION_SUMMARY, summary, 'summary');
		expect(Object.keys(checked.tags?.ioc ?? {})).toEqual(['__proto__']);
		expect(Object.getPrototypeOf(checked.tags?.ioc)).toBe(Object.prototype);
	});

	it('an ontology record whose tags are a list is refused, naming results.tags', () => {
		expect(() => checkShape(ONTOLOGY_RECORD, { results: { tags: ['network.static.ip'] } }, 'ontology')).toThrow(
			/field results\.tags: expected an object, got a list of 1$/,
		);
	});

	it('field paths read like code: dots for names, brackets for indexes and other keys', () => {
		expect(formatPath(['tags', 'ioc', 'network.static.ip', 0, 3])).toBe('tags.ioc["network.static.ip"][0][3]');
		expect(formatPath([2, 'results'])).toBe('[2].results');
		expect(formatPath([])).toBe('');
	});
});

describe('structured parameters go through their schema', () => {
	it('Filter, Custom Fields: a field name that is not text names the parameter and the field, and nothing reaches Block', async () => {
		const { outputs, error } = await runNode({
			node: new FilterBlockableIocs(),
			parameters: { inputShape: 'field', valueField: 'indicator', typeField: '={{ $json.names }}' },
			input: [{ indicator: '45.33.32.156', names: { type: 'kind' } }],
		});
		expect(error?.message).toBe('"Custom Fields" (typeField): expected text, got an object');
		expect(error?.context?.itemIndex).toBe(0);
		expect(outputs).toEqual([]);
	});

	it('Filter, Custom Fields given as text: the IoC is read (the schema lets good input through)', async () => {
		const { outputs, error } = await runNode({
			node: new FilterBlockableIocs(),
			parameters: { inputShape: 'field', valueField: ' indicator ', typeField: 'kind' },
			input: [{ indicator: '45.33.32.156', kind: 'ip' }],
		});
		expect(error).toBeUndefined();
		expect(outputs[0].map((item) => item.json.value)).toEqual(['45.33.32.156']);
	});
});
