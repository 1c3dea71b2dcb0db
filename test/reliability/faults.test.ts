/**
 * Fault suite (issue 8.1): every fault the fake Assemblyline can inject, against AL Submission IoCs,
 * AL Alert Search (Return All), AL Alert Trigger, AL Submission Trigger and the Assemblyline node (Alert Label, Badlist Add, Submit), each run on n8n-core's engine with n8n's real
 * HTTP stack. Every row has one of two outcomes:
 *
 *   complete  the fault fired (the recorded requests say so), was retried, and the output is exactly
 *             the output of a fault-free run: no alert or IoC lost, none duplicated, same order;
 *   fails     a clear error matching a pattern. Without "On Error: Continue" nothing is output at
 *             all; with it, exactly one error item per failed input item and nothing else for that
 *             item (never half the alerts). For the trigger: static data unchanged, and the next
 *             poll emits exactly the alerts the failed one did not.
 *
 * The transport's backoff is real (RETRY in nodes/shared/transport.ts), so retried faults fire a
 * few times only; one row per node lets a retryable fault (502) persist to show the bound.
 *
 * Single-call behaviour of each fault is in test/transport/transport.test.ts; the nodes' own fault
 * tests (test/nodes/*) cover a 503 every nth request, 401 and an expired cursor on their data sets.
 */
import { createHash } from 'node:crypto';
import type { IDataObject, INodeExecutionData, INodeParameters, INodeType } from 'n8n-workflow';

import { Assemblyline } from '../../nodes/Assemblyline/Assemblyline.node';
import { AssemblylineAlertSearch } from '../../nodes/AssemblylineAlertSearch/AssemblylineAlertSearch.node';
import { AssemblylineAlertTrigger } from '../../nodes/AssemblylineAlertTrigger/AssemblylineAlertTrigger.node';
import { AssemblylineSubmissionIocs } from '../../nodes/AssemblylineSubmissionIocs/AssemblylineSubmissionIocs.node';
import { AssemblylineSubmissionTrigger } from '../../nodes/AssemblylineSubmissionTrigger/AssemblylineSubmissionTrigger.node';
import { RETRY } from '../../nodes/shared/transport';
import { generateDataset, generatedAlertCore, startFakeAssemblyline } from '../fakes/assemblyline/index.ts';
import type { FakeAssemblyline, FaultRule, RecordedRequest } from '../fakes/assemblyline/index.ts';
import { poll, runNode } from '../harness/n8n.ts';
import { credentialsFor, faulted, sorted, withHttpTimeout } from './helpers.ts';

/**
 * `fires`: how often the fault answered: a number (1 = not retried, RETRY.attempts = retried up to
 * the bound), or 'once per call' when several parallel calls meet it and none may be repeated.
 */
type Fires = number | 'once per call';
type Expectation = { outcome: 'complete'; fires: number } | { outcome: 'fails'; message: RegExp; fires: Fires };

interface Row {
	fault: string;
	rule: FaultRule;
	expect: Expectation;
	/** n8n's HTTP timeout for this row (the nodes have no timeout option; see helpers.ts). */
	timeoutMs?: number;
}

const complete = (fires: number): Expectation => ({ outcome: 'complete', fires });
const fails = (message: RegExp, fires: Fires = 1): Expectation => ({ outcome: 'fails', message, fires });

// The test's HTTP timeout applies to every call of the run, so it is generous: a normal page that
// timed out on a loaded machine would end the run before the slow one is ever asked for (so the slow
// fault never fired: the flake at 1.2 s). The slow answer comes far later still; the client's timer is
// set before the fake (same process) receives the request and starts its longer one, so the client
// gives up first at any load.
const TIMEOUT_MS = 8000;
const SLOW = { delayMs: 2 * TIMEOUT_MS };
/** Per row: a slow row waits out the timeout twice, and the write rows the slow answer landing too. */
const ROW_MS = 120_000;
/** A read timeout is not retried: Assemblyline keeps running the request and holds a quota slot. */
const READ_TIMEOUT = /did not answer within/;
/** A retryable fault that does not clear: given up after RETRY.otherAttempts (the concurrency quota's own, longer bound is in transport.test.ts and retry-budget.test.ts). */
const PROXY_DOWN_TO_THE_BOUND = new RegExp(`unavailable \\(HTTP 502\\) \\(tried ${RETRY.otherAttempts} times\\)`);

const ALERTS = 1234;
const PAGE = 200; // Return All: the count (rows 0), then 7 pages, the last one 34 alerts: page N is request N + 1 (expire-cursor counts cursor pages only)
const SEARCH = '^/api/v4/search/alert/$';

/** `callKey` names the call a request makes (undefined: not one that counts); by default its method and path. */
function expectFired(fake: FakeAssemblyline, row: Row, callKey: (request: RecordedRequest) => string | undefined = (r) => `${r.method} ${r.path}`): void {
	const hits = faulted(fake, row.rule.kind);
	if (row.expect.fires !== 'once per call') {
		expect(hits).toHaveLength(row.expect.fires);
		return;
	}
	expect(hits.length).toBeGreaterThan(0);
	const calls = fake.requests.map(callKey).filter((key) => key !== undefined);
	expect(new Set(calls).size).toBe(calls.length);
}

/** Waits until calls still in flight from a failed run have landed (parallel items go on briefly):
 * no new request for `gapMs`. */
async function settle(fake: FakeAssemblyline, gapMs = 150): Promise<void> {
	for (let seen = -1; seen !== fake.requests.length; ) {
		seen = fake.requests.length;
		await new Promise((resolve) => setTimeout(resolve, gapMs));
	}
}

/** An "On Error: Continue" run of `inputs` items: one output item each, paired to it, either done
 * (`done` checks it) or an error item matching `message` (`failed` checks what it left); one error at least. */
function expectEachDoneOrFailed(
	result: Awaited<ReturnType<typeof runNode>>,
	inputs: number,
	message: RegExp,
	done: (json: IDataObject, index: number) => void,
	failed: (json: IDataObject, index: number) => void,
): void {
	expect(result.error).toBeUndefined();
	expect(result.outputs[0].map((item) => item.pairedItem)).toEqual(Array.from({ length: inputs }, (_, item) => ({ item })));
	let failedItems = 0;
	result.outputs[0].forEach(({ json }, index) => {
		if (!('error' in json)) return done(json, index);
		failedItems++;
		expect(json.error).toMatch(message);
		failed(json, index);
	});
	expect(failedItems).toBeGreaterThan(0);
}

// -------------------------------------------------------------------------------------------------
// AL Alert Search, Return All
// -------------------------------------------------------------------------------------------------

const SEARCH_ROWS: Row[] = [
	{ fault: '503 concurrency quota, a burst', rule: { kind: '503-concurrency', path: SEARCH, nth: 2, times: 3 }, expect: complete(3) },
	{ fault: '502 that does not clear (from page 4)', rule: { kind: '502', path: SEARCH, after: 4 }, expect: fails(PROXY_DOWN_TO_THE_BOUND, RETRY.otherAttempts) },
	{ fault: '503 daily quota (page 4)', rule: { kind: '503-daily', path: SEARCH, after: 4 }, expect: fails(/daily API quota is used up/) },
	{ fault: '502 twice (page 3)', rule: { kind: '502', path: SEARCH, after: 3, times: 2 }, expect: complete(2) },
	{ fault: '504 twice (page 5)', rule: { kind: '504', path: SEARCH, after: 5, times: 2 }, expect: complete(2) },
	{ fault: 'connection reset mid-body, twice (page 2)', rule: { kind: 'reset', path: SEARCH, after: 2, times: 2 }, expect: complete(2) },
	{ fault: 'truncated JSON, twice (page 6)', rule: { kind: 'truncated-json', path: SEARCH, after: 6, times: 2 }, expect: complete(2) },
	{ fault: 'connection reset on the last page (its retry finds no cursor: the search starts over once)', rule: { kind: 'reset', path: SEARCH, after: 7, once: true }, expect: complete(1) },
	{ fault: 'HTML page with status 200 (page 3)', rule: { kind: 'html-200', path: SEARCH, after: 3 }, expect: fails(/HTML page \(HTTP 200\) instead of JSON/) },
	{ fault: 'HTML error page with status 500, not retried (docs/architecture.md) (page 3)', rule: { kind: 'html-500', path: SEARCH, after: 3, once: true }, expect: fails(/answered HTTP 500/) },
	{ fault: 'slower than the timeout, once (page 4): not sent again, the server still runs it', rule: { kind: 'slow', path: SEARCH, after: 4, once: true, ...SLOW }, expect: fails(READ_TIMEOUT), timeoutMs: TIMEOUT_MS },
	{ fault: '401 in the middle of paging (page 4)', rule: { kind: '401', path: SEARCH, after: 4 }, expect: fails(/refused the credentials: Invalid user or APIKey/) },
	{ fault: 'deep-paging cursor that keeps expiring (from page 3)', rule: { kind: 'expire-cursor', path: SEARCH, after: 1 }, expect: fails(/search cursor expired on page \d+/, 2) },
];

describe('AL Alert Search, Return All, 1,234 alerts in pages of 200', () => {
	const node = new AssemblylineAlertSearch();
	let fake: FakeAssemblyline;
	let expected: string[];

	const run = (continueOnFail: boolean, timeoutMs?: number) =>
		runNode({
			node: timeoutMs ? withHttpTimeout(node, timeoutMs) : node,
			parameters: { query: '*', returnAll: true, options: { pageSize: PAGE } },
			credentials: credentialsFor(fake),
			continueOnFail,
		});

	beforeAll(async () => {
		const dataset = generateDataset({ seed: 81, alerts: ALERTS });
		fake = await startFakeAssemblyline({ dataset });
		// The oracle: the generator's own alert ids, not the node's output.
		const all = Array.from({ length: ALERTS }, (_, i) => generatedAlertCore(dataset.generated!, i).alert_id);
		const clean = await run(false);
		expected = clean.outputs[0].map((item) => String(item.json.alert_id));
		expect(sorted(expected)).toEqual(sorted(all));
	});
	afterAll(() => fake.close());
	beforeEach(() => {
		fake.faults.clear();
		fake.clearRequests();
	});

	test.each(SEARCH_ROWS.map((row) => [row.fault, row.expect.outcome, row] as const))('%s → %s', async (_fault, _outcome, row) => {
		fake.faults.add(row.rule);
		const result = await run(false, row.timeoutMs);
		expectFired(fake, row);
		if (row.expect.outcome === 'complete') {
			expect(result.error).toBeUndefined();
			expect(result.outputs[0].map((item) => String(item.json.alert_id))).toEqual(expected);
			return;
		}
		// Fails: no output at all, an error that says what happened and that nothing was output.
		expect(result.error?.message).toMatch(row.expect.message);
		expect(result.error?.description).toMatch(/Nothing was output for this search: \d+ results had arrived/);
		expect(result.outputs.flat()).toHaveLength(0);

		// With "On Error: Continue": one error item, paired to the input, and no alert.
		fake.faults.clear();
		fake.clearRequests();
		fake.faults.add(row.rule);
		const cont = await run(true, row.timeoutMs);
		expectFired(fake, row);
		expect(cont.error).toBeUndefined();
		expect(cont.outputs[0]).toHaveLength(1);
		const [item] = cont.outputs[0];
		expect(item.json.error).toMatch(row.expect.message);
		expect(item.json.error_description).toMatch(/Nothing was output/);
		expect(Object.keys(item.json).sort()).toEqual(['error', 'error_description']);
		expect(item.pairedItem).toEqual({ item: 0 });
	}, ROW_MS);
});

// -------------------------------------------------------------------------------------------------
// AL Submission IoCs: six submissions, Summary + Ontology (two calls each, four submissions at once)
// -------------------------------------------------------------------------------------------------

const SUBMISSIONS = 6;
/** Index of the submission that a targeted fault hits. */
const HIT = 2;

function submissionRows(sids: string[]): Row[] {
	const summary = `^/api/v4/submission/summary/${sids[HIT]}/$`;
	const ontology = `^/api/v4/ontology/submission/${sids[HIT]}/$`;
	return [
		{ fault: '503 concurrency quota, a burst', rule: { kind: '503-concurrency', nth: 2, times: 3 }, expect: complete(3) },
		{ fault: '502 that does not clear (one submission)', rule: { kind: '502', path: summary }, expect: fails(PROXY_DOWN_TO_THE_BOUND, RETRY.otherAttempts) },
		{ fault: '503 daily quota (from the 5th call)', rule: { kind: '503-daily', after: 4 }, expect: fails(/daily API quota is used up/, 'once per call') },
		{ fault: '502 twice', rule: { kind: '502', after: 3, times: 2 }, expect: complete(2) },
		{ fault: '504 twice', rule: { kind: '504', after: 5, times: 2 }, expect: complete(2) },
		{ fault: 'connection reset mid-body, twice (ontology NDJSON)', rule: { kind: 'reset', path: ontology, times: 2 }, expect: complete(2) },
		{ fault: 'truncated JSON, twice (summary)', rule: { kind: 'truncated-json', path: summary, times: 2 }, expect: complete(2) },
		{ fault: 'truncated NDJSON (ontology)', rule: { kind: 'truncated-json', path: ontology, once: true }, expect: fails(/ontology of submission ".*" could not be read/) },
		{ fault: 'HTML page with status 200 (ontology)', rule: { kind: 'html-200', path: ontology }, expect: fails(/HTML page \(HTTP 200\) instead of JSON/) },
		{ fault: 'HTML error page with status 500, not retried (docs/architecture.md)', rule: { kind: 'html-500', after: 2, once: true }, expect: fails(/answered HTTP 500/) },
		{ fault: 'slower than the timeout, once: not sent again, the server still runs it', rule: { kind: 'slow', path: summary, once: true, ...SLOW }, expect: fails(READ_TIMEOUT), timeoutMs: TIMEOUT_MS },
		{ fault: '401 half-way (key revoked from the 6th call)', rule: { kind: '401', after: 5 }, expect: fails(/refused the credentials: Invalid user or APIKey/, 'once per call') },
		// expire-cursor: not applicable (no deep paging in this node).
	];
}

describe('AL Submission IoCs, six submissions from Summary and Ontology', () => {
	const node = new AssemblylineSubmissionIocs();
	let fake: FakeAssemblyline;
	let sids: string[];
	let expected: IDataObject[];

	const run = (continueOnFail: boolean, timeoutMs?: number) =>
		runNode({
			node: timeoutMs ? withHttpTimeout(node, timeoutMs) : node,
			parameters: { sid: '={{ $json.sid }}', source: 'both', output: 'grouped' },
			input: sids.map((sid) => ({ sid })),
			credentials: credentialsFor(fake),
			continueOnFail,
		});

	const generated = generateDataset({ seed: 82, alerts: 20, submissions: 20, inProgressRatio: 0 });
	const allSids = generated.submissions.map((s) => s.sid).slice(0, SUBMISSIONS);

	beforeAll(async () => {
		fake = await startFakeAssemblyline({ dataset: generated });
		sids = allSids;
		const clean = await run(false);
		expect(clean.error).toBeUndefined();
		expected = clean.outputs[0].map((item) => item.json);
		expect(expected.map((json) => json.sid)).toEqual(sids);
		// Something to lose: every submission has network IoCs.
		for (const json of expected) expect(Object.values(json.iocs as IDataObject).flat().length).toBeGreaterThan(0);
	});
	afterAll(() => fake.close());
	beforeEach(() => {
		fake.faults.clear();
		fake.clearRequests();
	});

	test.each(submissionRows(allSids).map((row) => [row.fault, row.expect.outcome, row] as const))('%s → %s', async (_fault, _outcome, row) => {
		fake.faults.add(row.rule);
		const result = await run(false, row.timeoutMs);
		if (row.expect.outcome === 'complete') {
			expectFired(fake, row);
			expect(result.error).toBeUndefined();
			expect(result.outputs[0].map((item) => item.json)).toEqual(expected);
			return;
		}
		// Fails: the node stops with a clear error and outputs nothing.
		expect(result.error?.message).toMatch(row.expect.message);
		expect(result.outputs.flat()).toHaveLength(0);
		await settle(fake);

		// With "On Error: Continue": one item per submission, each either exactly the fault-free
		// result or an error item; never a submission with part of its IoCs.
		fake.faults.clear();
		fake.clearRequests();
		fake.faults.add(row.rule);
		const cont = await run(true, row.timeoutMs);
		expectFired(fake, row);
		expectEachDoneOrFailed(
			cont,
			sids.length,
			row.expect.message,
			(json, index) => expect(json).toEqual(expected[index]),
			(json) => expect(Object.keys(json).sort()).toEqual(['error', 'error_description']),
		);
		if (row.rule.path) expect(cont.outputs[0].filter((item) => 'error' in item.json).map((item) => item.pairedItem)).toEqual([{ item: HIT }]);
	}, ROW_MS);
});

// -------------------------------------------------------------------------------------------------
// AL Alert Trigger: 1,234 alerts already emitted, 1,100 new ones (pages of 500), then a faulty poll
// -------------------------------------------------------------------------------------------------

const NEW_ALERTS = 1100;
const NODE_KEY = 'node:Under Test';

const TRIGGER_ROWS: Row[] = [
	{ fault: '503 concurrency quota, a burst', rule: { kind: '503-concurrency', path: SEARCH, times: 3 }, expect: complete(3) },
	{ fault: '502 that does not clear (page 2)', rule: { kind: '502', path: SEARCH, after: 1 }, expect: fails(PROXY_DOWN_TO_THE_BOUND, RETRY.otherAttempts) },
	{ fault: '503 daily quota (page 2)', rule: { kind: '503-daily', path: SEARCH, after: 1 }, expect: fails(/daily API quota is used up/) },
	{ fault: '502 twice (page 2)', rule: { kind: '502', path: SEARCH, after: 1, times: 2 }, expect: complete(2) },
	{ fault: '504 twice (page 3)', rule: { kind: '504', path: SEARCH, after: 2, times: 2 }, expect: complete(2) },
	{ fault: 'connection reset mid-body, twice (page 2)', rule: { kind: 'reset', path: SEARCH, after: 1, times: 2 }, expect: complete(2) },
	{ fault: 'truncated JSON, twice (page 2)', rule: { kind: 'truncated-json', path: SEARCH, after: 1, times: 2 }, expect: complete(2) },
	{ fault: 'truncated JSON on the last page (its retry finds no cursor: the search starts over once)', rule: { kind: 'truncated-json', path: SEARCH, after: 2, once: true }, expect: complete(1) },
	{ fault: 'HTML page with status 200 (page 2)', rule: { kind: 'html-200', path: SEARCH, after: 1 }, expect: fails(/HTML page \(HTTP 200\) instead of JSON/) },
	{ fault: 'HTML error page with status 500, not retried (docs/architecture.md) (page 2)', rule: { kind: 'html-500', path: SEARCH, after: 1, once: true }, expect: fails(/answered HTTP 500/) },
	{ fault: 'slower than the timeout, once (page 3): not sent again, the server still runs it', rule: { kind: 'slow', path: SEARCH, after: 2, once: true, ...SLOW }, expect: fails(READ_TIMEOUT), timeoutMs: TIMEOUT_MS },
	{ fault: '401 in the middle of paging (page 3)', rule: { kind: '401', path: SEARCH, after: 2 }, expect: fails(/refused the credentials: Invalid user or APIKey/) },
	{ fault: 'deep-paging cursor that keeps expiring (from page 2)', rule: { kind: 'expire-cursor', path: SEARCH }, expect: fails(/search cursor expired on page \d+/, 2) },
];

describe('AL Alert Trigger, a poll of 1,100 new alerts after 1,234 emitted ones', () => {
	const node = new AssemblylineAlertTrigger();
	let fake: FakeAssemblyline;
	/** Static data after the first poll emitted the 1,234. */
	let primed: IDataObject;
	let newIds: string[];

	const pollOnce = (staticData: IDataObject, timeoutMs?: number) =>
		poll({
			node: timeoutMs ? withHttpTimeout(node, timeoutMs) : (node as INodeType),
			parameters: { query: '*', options: { backfillHours: 4 } },
			credentials: credentialsFor(fake),
			staticData,
		});
	const idsOf = (out: INodeExecutionData[][] | null) => (out?.[0] ?? []).map((item) => String(item.json.alert_id));

	beforeAll(async () => {
		const now = Date.now();
		const dataset = generateDataset({ seed: 83, alerts: ALERTS, start: new Date(now - 3 * 3_600_000).toISOString(), intervalMs: 5_000 });
		fake = await startFakeAssemblyline({ dataset });
		const old = Array.from({ length: ALERTS }, (_, i) => generatedAlertCore(dataset.generated!, i));
		primed = {};
		const first = await pollOnce(primed);
		expect(sorted(idsOf(first))).toEqual(sorted(old.map((a) => a.alert_id)));
		// The new alerts: after the old ones, two seconds apart, oldest first.
		const from = Math.max(...old.map((a) => a.reportingMs)) + 60_000;
		newIds = fake.dataset.addAlerts(
			Array.from({ length: NEW_ALERTS }, (_, i) => ({
				alert_id: `New${String(i).padStart(5, '0')}`,
				reporting_ts: from + i * 2_000,
				ips: [`45.83.${i >> 8}.${i & 255}`],
			})),
		);
	});
	afterAll(() => fake.close());
	beforeEach(() => {
		fake.faults.clear();
		fake.clearRequests();
	});

	function expectEmittedNew(out: INodeExecutionData[][] | null, staticData: IDataObject) {
		expect(idsOf(out)).toEqual(newIds);
		for (const item of out![0]) expect((item.json._trigger as IDataObject).event).toBe('new');
		// The cursor stands on the newest emitted alert, not past it.
		const cursor = (staticData[NODE_KEY] as IDataObject).alertCursor as IDataObject;
		expect(cursor.cursor).toBe(out![0].at(-1)!.json.reporting_ts);
	}

	test.each(TRIGGER_ROWS.map((row) => [row.fault, row.expect.outcome, row] as const))('%s → %s', async (_fault, _outcome, row) => {
		const staticData = JSON.parse(JSON.stringify(primed)) as IDataObject;
		fake.faults.add(row.rule);
		if (row.expect.outcome === 'complete') {
			const out = await pollOnce(staticData, row.timeoutMs);
			expectFired(fake, row);
			expectEmittedNew(out, staticData);
			return;
		}
		const before = JSON.stringify(staticData);
		await expect(pollOnce(staticData, row.timeoutMs)).rejects.toThrow(row.expect.message);
		expectFired(fake, row);
		// The failed poll changed nothing: the cursor is where the last good poll left it.
		expect(JSON.stringify(staticData)).toBe(before);
		// The next poll, with the fault gone, emits exactly what the failed one did not.
		fake.faults.clear();
		expectEmittedNew(await pollOnce(staticData), staticData);
	}, ROW_MS);

	test('after a failed poll and a good one, nothing more: the next poll is empty', async () => {
		const staticData = JSON.parse(JSON.stringify(primed)) as IDataObject;
		fake.faults.add({ kind: '401', path: SEARCH, after: 1 });
		await expect(pollOnce(staticData)).rejects.toThrow(/refused the credentials/);
		fake.faults.clear();
		expect(idsOf(await pollOnce(staticData))).toEqual(newIds);
		expect(await pollOnce(staticData)).toBeNull();
	});
});

// -------------------------------------------------------------------------------------------------
// AL Submission Trigger: the same cursor reader on the submission index (times.completed). 300
// submissions already emitted, 1,100 completed since (pages of 500), then a faulty poll: the alert
// trigger's rows, on the submission search.
// -------------------------------------------------------------------------------------------------

const SUBMISSION_SEARCH = '^/api/v4/search/submission/$';
const OLD_SUBMISSIONS = 300;
const NEW_SUBMISSIONS = 1100;

describe('AL Submission Trigger, a poll of 1,100 completed submissions after 300 emitted ones', () => {
	const node = new AssemblylineSubmissionTrigger();
	let fake: FakeAssemblyline;
	let primed: IDataObject;
	let newSids: string[];

	const pollOnce = (staticData: IDataObject, timeoutMs?: number) =>
		poll({
			node: timeoutMs ? withHttpTimeout(node, timeoutMs) : (node as INodeType),
			parameters: { query: '*', options: { backfillHours: 4 } },
			credentials: credentialsFor(fake),
			staticData,
		});
	const sidsOf = (out: INodeExecutionData[][] | null) => (out?.[0] ?? []).map((item) => String(item.json.sid));
	/** Submissions completed `fromMs` on, two seconds apart, oldest first; one still running is never emitted. */
	const completed = (prefix: string, count: number, fromMs: number) =>
		Array.from({ length: count }, (_, i) => {
			const sid = fake.dataset.addSubmission({ sid: `${prefix}${String(i).padStart(5, '0')}`, ips: [`45.84.${i >> 8}.${i & 255}`], reporting_ts: fromMs + i * 2_000 - 60_000 });
			fake.dataset.completeSubmission(sid, { alert: false, at: fromMs + i * 2_000 });
			return sid;
		});

	beforeAll(async () => {
		const now = Date.now();
		fake = await startFakeAssemblyline({ dataset: generateDataset({ seed: 85, alerts: 0 }) });
		fake.dataset.addSubmission({ sid: 'StillRunning', ips: ['45.84.255.1'], reporting_ts: now - 3 * 3_600_000 });
		const old = completed('Old', OLD_SUBMISSIONS, now - 3 * 3_600_000);
		primed = {};
		expect(sidsOf(await pollOnce(primed))).toEqual(old);
		newSids = completed('New', NEW_SUBMISSIONS, now - 2 * 3_600_000);
	});
	afterAll(() => fake.close());
	beforeEach(() => {
		fake.faults.clear();
		fake.clearRequests();
	});

	function expectEmittedNew(out: INodeExecutionData[][] | null, staticData: IDataObject) {
		expect(sidsOf(out)).toEqual(newSids);
		// The cursor stands on the newest emitted submission's completion time.
		const cursor = (staticData[NODE_KEY] as IDataObject).submissionCursor as IDataObject;
		expect(Date.parse(String(cursor.cursor))).toBe(Date.parse(String((out![0].at(-1)!.json.times as IDataObject).completed)));
	}

	test.each(TRIGGER_ROWS.map((row) => [row.fault, row.expect.outcome, { ...row, rule: { ...row.rule, path: SUBMISSION_SEARCH } }] as const))('%s → %s', async (_fault, _outcome, row) => {
		const staticData = JSON.parse(JSON.stringify(primed)) as IDataObject;
		fake.faults.add(row.rule);
		if (row.expect.outcome === 'complete') {
			const out = await pollOnce(staticData, row.timeoutMs);
			expectFired(fake, row);
			expectEmittedNew(out, staticData);
			return;
		}
		const before = JSON.stringify(staticData);
		await expect(pollOnce(staticData, row.timeoutMs)).rejects.toThrow(row.expect.message);
		expectFired(fake, row);
		// The failed poll changed nothing; the next one, with the fault gone, emits exactly what it did not.
		expect(JSON.stringify(staticData)).toBe(before);
		fake.faults.clear();
		expectEmittedNew(await pollOnce(staticData), staticData);
		expect(await pollOnce(staticData)).toBeNull();
	}, ROW_MS);
});

// -------------------------------------------------------------------------------------------------
// Assemblyline node, idempotent writes on six items (four at once): Alert: Label, and Badlist: Add
// (Assemblyline keys a badlist entry by its tag's hash, and a second add of the same source and reason
// changes nothing). Every retryable fault is retried; the fake's state shows each write once, or
// (for an item that failed other than by a slow answer) not at all.
// -------------------------------------------------------------------------------------------------

const WRITES = 6;

/** The rows for an idempotent write to `path`; `written` names what the first try left on the server. */
function idempotentRows(path: string, written: string): Row[] {
	return [
		{ fault: '503 concurrency quota, a burst', rule: { kind: '503-concurrency', path, nth: 2, times: 3 }, expect: complete(3) },
		// Four items meet it, each tried to the bound.
		{ fault: '502 that does not clear (from the 3rd call)', rule: { kind: '502', path, after: 2 }, expect: fails(PROXY_DOWN_TO_THE_BOUND, 4 * RETRY.otherAttempts) },
		{ fault: '503 daily quota (from the 3rd call)', rule: { kind: '503-daily', path, after: 2 }, expect: fails(/daily API quota is used up/, 'once per call') },
		{ fault: '502 twice', rule: { kind: '502', path, after: 1, times: 2 }, expect: complete(2) },
		{ fault: '504 twice', rule: { kind: '504', path, after: 3, times: 2 }, expect: complete(2) },
		{ fault: `connection reset mid-body, twice (${written} was written: the retry changes nothing)`, rule: { kind: 'reset', path, times: 2 }, expect: complete(2) },
		{ fault: 'truncated JSON, twice', rule: { kind: 'truncated-json', path, after: 2, times: 2 }, expect: complete(2) },
		{ fault: 'HTML page with status 200', rule: { kind: 'html-200', path, after: 2, once: true }, expect: fails(/HTML page \(HTTP 200\) instead of JSON/) },
		{ fault: 'HTML error page with status 500, not retried', rule: { kind: 'html-500', path, after: 2, once: true }, expect: fails(/answered HTTP 500/) },
		{ fault: 'slower than the timeout, once: not sent again, the server still runs it', rule: { kind: 'slow', path, once: true, ...SLOW }, expect: fails(READ_TIMEOUT), timeoutMs: TIMEOUT_MS },
		{ fault: '401 half-way (key revoked from the 4th call)', rule: { kind: '401', path, after: 3 }, expect: fails(/refused the credentials: Invalid user or APIKey/, 'once per call') },
	];
}

interface IdempotentWrite {
	title: string;
	seed: number;
	path: string;
	written: string;
	parameters: INodeParameters;
	/** Six input items no earlier run touched. */
	fresh(fake: FakeAssemblyline): IDataObject[];
	/** The output item of a done input (may hold asymmetric matchers). */
	done(input: IDataObject): unknown;
	/** The input's write is on the server, once. */
	writtenOnce(fake: FakeAssemblyline, input: IDataObject): void;
	/** Nothing of the input is on the server. */
	untouched(fake: FakeAssemblyline, input: IDataObject): void;
	/** What tells the write calls apart for "once per call" (expectFired's `callKey`). */
	callKey?: (request: RecordedRequest) => string | undefined;
	/** How many writes the server holds, where it can count them. */
	size?: (fake: FakeAssemblyline) => number;
}

function describeIdempotentWrite(spec: IdempotentWrite): void {
	describe(spec.title, () => {
		const node = new Assemblyline();
		let fake: FakeAssemblyline;
		const fired = (row: Row) => expectFired(fake, row, spec.callKey);

		const run = (input: IDataObject[], continueOnFail: boolean, timeoutMs?: number) =>
			runNode({
				node: timeoutMs ? withHttpTimeout(node, timeoutMs) : node,
				parameters: spec.parameters,
				input,
				credentials: credentialsFor(fake),
				continueOnFail,
			});

		beforeAll(async () => {
			fake = await startFakeAssemblyline({ dataset: generateDataset({ seed: spec.seed, alerts: 0 }) });
		});
		afterAll(() => fake.close());
		beforeEach(() => {
			fake.faults.clear();
			fake.clearRequests();
		});

		test.each(idempotentRows(spec.path, spec.written).map((row) => [row.fault, row.expect.outcome, row] as const))('%s → %s', async (_fault, _outcome, row) => {
			let inputs = spec.fresh(fake);
			const before = spec.size?.(fake);
			fake.faults.add(row.rule);
			const result = await run(inputs, false, row.timeoutMs);
			if (row.expect.outcome === 'complete') {
				fired(row);
				expect(result.error).toBeUndefined();
				expect(result.outputs[0].map((item) => item.json)).toEqual(inputs.map(spec.done));
				for (const input of inputs) spec.writtenOnce(fake, input);
				if (spec.size) expect(spec.size(fake)).toBe(before! + inputs.length);
				return;
			}
			expect(result.error?.message).toMatch(row.expect.message);
			expect(result.outputs.flat()).toHaveLength(0);
			// The other items' calls may still be backing off (up to RETRY.maxDelayMs) before their next try.
			await settle(fake, RETRY.maxDelayMs + 200);

			// With "On Error: Continue": one item per input, done or an error item; the server's
			// state agrees with each item (written once, or, for an error, not written twice).
			inputs = spec.fresh(fake);
			fake.faults.clear();
			fake.clearRequests();
			fake.faults.add(row.rule);
			const cont = await run(inputs, true, row.timeoutMs);
			await settle(fake);
			// Requests the node gave up on are still running on the server.
			while (fake.inFlight(fake.users[0].name) > 0) await new Promise((resolve) => setTimeout(resolve, 50));
			fired(row);
			expectEachDoneOrFailed(
				cont,
				inputs.length,
				row.expect.message,
				(json, index) => {
					expect(json).toEqual(spec.done(inputs[index]));
					spec.writtenOnce(fake, inputs[index]);
				},
				// A slow answer still lands on the server (it finishes abandoned requests).
				(_json, index) => (row.rule.kind === 'slow' ? spec.writtenOnce : spec.untouched)(fake, inputs[index]),
			);
		}, ROW_MS);
	});
}

const userEvents = (fake: FakeAssemblyline, id: unknown) => ((fake.dataset.getAlert(String(id))!.events as IDataObject[]) ?? []).filter((e) => e.entity_type === 'user');

describeIdempotentWrite({
	title: 'Assemblyline node, Alert: Label on six alerts',
	seed: 83,
	path: '^/api/v4/alert/label/',
	written: 'the label',
	parameters: { resource: 'alert', operation: 'label', labels: 'BLOCKED' },
	fresh: (fake) => Array.from({ length: WRITES }, (_, i) => ({ alert_id: String(fake.dataset.makeAlert({ ips: [`203.0.113.${10 + i}`] }).alert_id) })),
	done: ({ alert_id }) => ({ alert_id, action: 'label', labels: ['BLOCKED'], success: true }),
	writtenOnce: (fake, { alert_id }) => {
		expect(fake.dataset.getAlert(String(alert_id))!.label).toEqual(['BLOCKED']);
		expect(userEvents(fake, alert_id).map((e) => e.labels)).toEqual([['BLOCKED']]);
	},
	untouched: (fake, { alert_id }) => {
		expect(fake.dataset.getAlert(String(alert_id))!.label).toEqual([]);
		expect(userEvents(fake, alert_id)).toEqual([]);
	},
});

let badlistBatch = 0;
const badlisted = (fake: FakeAssemblyline, item: IDataObject) => fake.badlist.getTag(String(item.tag_type), String(item.value));

describeIdempotentWrite({
	title: 'Assemblyline node, Badlist: Add of six Block items',
	seed: 86,
	path: '^/api/v4/badlist/$',
	written: 'the entry',
	parameters: { resource: 'badlist', operation: 'add', reason: 'Blocked by n8n' },
	/** Filter Block items: IPs and domains with their Assemblyline tag types. */
	fresh: () => {
		badlistBatch++;
		return Array.from({ length: WRITES }, (_, i) =>
			i % 2 ? { type: 'domain', value: `c2-${badlistBatch}-${i}.example.net`, tag_type: 'network.dynamic.domain' } : { type: 'ip', value: `198.18.${badlistBatch}.${i}`, tag_type: 'network.static.ip' },
		);
	},
	done: ({ tag_type, value }) => expect.objectContaining({ tag_type, value, success: true }),
	writtenOnce: (fake, item) => {
		expect(badlisted(fake, item)?.tag).toEqual({ type: item.tag_type, value: item.value });
		expect(badlisted(fake, item)?.sources).toHaveLength(1);
	},
	untouched: (fake, item) => expect(badlisted(fake, item)).toBeUndefined(),
	// Every add is a PUT to one path: the tag tells the calls apart.
	callKey: (request) => (request.method === 'PUT' ? JSON.stringify((request.body as IDataObject).tag) : undefined),
	size: (fake) => fake.badlist.size,
});

// -------------------------------------------------------------------------------------------------
// Assemblyline node, Submission: Submit of three files. Submitting creates something: only the
// concurrency quota (refused before anything happened) is retried; after any other fault the server
// may have acted, so the node fails clearly instead of submitting twice.
// -------------------------------------------------------------------------------------------------

const SUBMIT = '^/api/v4/submit/$';
const SUBMIT_ROWS: Row[] = [
	{ fault: '503 concurrency quota, a burst', rule: { kind: '503-concurrency', path: SUBMIT, times: 3 }, expect: complete(3) },
	{ fault: '503 daily submission quota', rule: { kind: '503-daily', path: SUBMIT, after: 1, once: true }, expect: fails(/daily API quota is used up/) },
	{ fault: '502 once: not sent again', rule: { kind: '502', path: SUBMIT, after: 1, once: true }, expect: fails(/unavailable \(HTTP 502\)$/) },
	{ fault: '504 once: not sent again', rule: { kind: '504', path: SUBMIT, after: 1, once: true }, expect: fails(/unavailable \(HTTP 504\)$/) },
	{ fault: 'connection reset mid-answer (the server created the submission): not sent again', rule: { kind: 'reset', path: SUBMIT, after: 1, once: true }, expect: fails(/Could not reach Assemblyline/) },
	{ fault: 'truncated JSON (the server created the submission): not sent again', rule: { kind: 'truncated-json', path: SUBMIT, after: 1, once: true }, expect: fails(/could not be read/) },
	{ fault: 'HTML page with status 200', rule: { kind: 'html-200', path: SUBMIT, after: 1, once: true }, expect: fails(/HTML page \(HTTP 200\) instead of JSON/) },
	{ fault: '401', rule: { kind: '401', path: SUBMIT, after: 1, once: true }, expect: fails(/refused the credentials/) },
	{ fault: 'slower than the timeout: not sent again, the server still creates it', rule: { kind: 'slow', path: SUBMIT, after: 1, once: true, ...SLOW }, expect: fails(READ_TIMEOUT), timeoutMs: TIMEOUT_MS },
];

describe('Assemblyline node, Submission: Submit of three files', () => {
	const node = new Assemblyline();
	let fake: FakeAssemblyline;
	const files = [0, 1, 2].map((i) => Buffer.from(`sample ${i} ${'A'.repeat(2000 + i)}`));
	const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

	const run = (continueOnFail: boolean, timeoutMs?: number) =>
		runNode({
			node: timeoutMs ? withHttpTimeout(node, timeoutMs) : node,
			parameters: { resource: 'submission', operation: 'submit', input: 'file', binaryPropertyName: 'data' },
			inputItems: files.map((b, i) => ({ json: {}, binary: { data: { data: b.toString('base64'), mimeType: 'application/octet-stream', fileName: `s${i}.bin` } } })),
			credentials: credentialsFor(fake),
			continueOnFail,
		});
	/** The submissions the fake holds for each file. */
	const held = () => files.map((b) => [...fake.dataset.submissions.values()].filter((s) => s.spec.files[0].sha256 === sha(b)).length);

	beforeAll(async () => {
		fake = await startFakeAssemblyline({ dataset: generateDataset({ seed: 84, alerts: 0 }) });
	});
	afterAll(() => fake.close());
	beforeEach(() => {
		fake.faults.clear();
		fake.clearRequests();
		fake.reset();
	});

	test.each(SUBMIT_ROWS.map((row) => [row.fault, row.expect.outcome, row] as const))('%s → %s', async (_fault, _outcome, row) => {
		fake.faults.add(row.rule);
		const result = await run(true, row.timeoutMs);
		await settle(fake);
		expectFired(fake, row);
		expect(result.error).toBeUndefined();
		expect(result.outputs[0].map((item) => item.pairedItem)).toEqual(files.map((_, item) => ({ item })));
		// Never a file submitted twice.
		expect(held().every((n) => n <= 1)).toBe(true);
		if (row.expect.outcome === 'complete') {
			expect(held()).toEqual([1, 1, 1]);
			expect(result.outputs[0].map((item) => item.json.sha256)).toEqual(files.map(sha));
			return;
		}
		const errors = result.outputs[0].filter((item) => 'error' in item.json);
		expect(errors).toHaveLength(1);
		expect(errors[0].json.error).toMatch(row.expect.message);
		for (const item of result.outputs[0]) if (!('error' in item.json)) expect(item.json.sha256).toEqual(sha(files[(item.pairedItem as { item: number }).item]));
	}, ROW_MS);
});
