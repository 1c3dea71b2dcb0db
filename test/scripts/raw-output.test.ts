/**
 * How scripts/n8n-host.ts reads the IRun of `n8n execute --rawOutput` at real size (issue 12: the old
 * pairwise search took 16.7 s on 12,000 lines): from n8n's JSON-lines log file (parseExecuteLog, what
 * npm start uses) and from console output with log lines around it (parseRawOutput, the fallback).
 * Correctness only here; the time is printed, docs/benchmarks.md has the figures.
 */
import assert from 'node:assert';

import { endOfObject, parseExecuteLog, parseRawOutput } from '../../scripts/n8n-host.ts';

const LINES = 500_000;

/** An IRun shaped like the blocking workflow's, with values that are hard on a scanner. */
function bigRun(minLines: number): { run: any; text: string } {
	const items: any[] = [];
	const run: any = {
		data: {
			startData: {},
			resultData: { runData: { 'AL Alert Search': [{ startTime: 1, executionTime: 2, source: [], data: { main: [items] } }] }, lastNodeExecuted: 'AL Alert Search' },
		},
		mode: 'cli',
		startedAt: '2026-12-02T05:00:00.000Z',
		status: 'success',
		finished: true,
	};
	const linesPerItem = JSON.stringify(oneItem(0), null, 2).split('\n').length;
	const n = Math.ceil(minLines / linesPerItem) + 1;
	for (let i = 0; i < n; i++) items.push(oneItem(i));
	return { run, text: JSON.stringify(run, null, 2) };
}

function oneItem(i: number): any {
	return {
		json: {
			alert_id: `alert${i}`,
			sid: `sid${i % 100}`,
			// Hostile IoC text: braces, brackets, quotes, backslashes, a newline that starts with "{".
			note: i % 7 === 0 ? 'x"}\n{"data":{"resultData":{}}}\\' : `} ] { [ \\" ${i}`,
			al: {
				detailed: {
					ip: [{ type: 'network.dynamic.ip', value: `45.83.${i % 256}.${i % 200}`, verdict: 'malicious', subtype: null }],
					domain: [{ type: 'network.static.domain', value: `evil${i}.example`, verdict: 'suspicious', subtype: null }],
					uri: [],
				},
			},
		},
		pairedItem: { item: 0 },
	};
}

const BEFORE = [
	'Loading nodes and credentials…',
	'{ code: \'ECONNRESET\', errno: -104 }',
	'{"level":"info","message":"a JSON log line","metadata":{"file":"x.js"}}',
	'{ this line opens a brace and never closes it "with a quote',
	'{',
	'[ 1, 2',
].join('\n');
const AFTER = [
	'Execution finished.',
	'{"level":"warn","message":"after the run"}',
	'{ unbalanced {',
	'}',
].join('\n');

function timed<T>(what: string, fn: () => T): T {
	const t0 = process.hrtime.bigint();
	const value = fn();
	// eslint-disable-next-line no-console
	console.log(`${what}: ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0)} ms`);
	return value;
}

describe('parseRawOutput', () => {
	const { run, text } = bigRun(LINES);

	test('the output really has 500,000 lines', () => {
		expect(text.split('\n').length).toBeGreaterThanOrEqual(LINES);
	});

	test('a clean 500,000-line output', () => {
		const parsed = timed('clean', () => parseRawOutput(text));
		// node's deepStrictEqual: jest's toEqual takes seconds on 17,000 items.
		assert.deepStrictEqual(parsed, run);
	});

	test('a 500,000-line output with log lines before and after it (some start with "{")', () => {
		const parsed = timed('logs before and after', () => parseRawOutput(`${BEFORE}\n${text}\n${AFTER}\n`));
		assert.deepStrictEqual(parsed, run);
	});

	test('log lines before only, and after only', () => {
		assert.deepStrictEqual(parseRawOutput(`${BEFORE}\n${text}`), run);
		assert.deepStrictEqual(parseRawOutput(`${text}\n${AFTER}`), run);
	});

	test('CRLF line ends and a compact one-line run', () => {
		const small = { data: { resultData: { runData: {} } }, status: 'success' };
		expect(parseRawOutput(`${BEFORE}\r\n${JSON.stringify(small, null, 2).replace(/\n/g, '\r\n')}\r\n${AFTER}`)).toEqual(small);
		expect(parseRawOutput(`${BEFORE}\n${JSON.stringify(small)}\n${AFTER}`)).toEqual(small);
	});

	test('a JSON log line that is not a run is passed over', () => {
		const small = { data: { resultData: { error: { message: 'boom' } } } };
		expect(parseRawOutput(`{"data":{"nope":1}}\n${JSON.stringify(small, null, 2)}`)).toEqual(small);
	});

	test('no run in the output: undefined, also with many unclosed braces', () => {
		expect(parseRawOutput('')).toBeUndefined();
		expect(parseRawOutput('Error: could not start\n{ half')).toBeUndefined();
		const noise = Array.from({ length: 1000 }, (_, i) => `{ unclosed ${i}`).join('\n');
		expect(timed('1,000 unclosed braces and no run', () => parseRawOutput(`${noise}\n${text.slice(0, -2)}`))).toBeUndefined();
	});
});

describe('endOfObject', () => {
	test.each([
		['{}', 2],
		['{"a":"}"} tail', 9],
		['{"a":"\\"}"}', 11],
		['{"a":[1,{"b":2}]}x', 17],
		['{"a":', -1],
	])('%j ends at %i', (text, end) => {
		expect(endOfObject(text, 0)).toBe(end);
	});
});

describe('parseExecuteLog', () => {
	const { run, text } = bigRun(LINES);
	const entry = (level: string, message: string, metadata: Record<string, unknown> = {}) =>
		JSON.stringify({ level, message, metadata: { ...metadata, file: 'x.js', timestamp: '2026-12-02T05:37:32.588Z' } });

	test('the run of 500,000 lines as one log entry, with n8n log entries before and after it', () => {
		const log = [
			entry('info', 'User settings loaded from: /tmp/x/.n8n/config'),
			entry('debug', 'Execution added', { executionId: '7' }),
			entry('info', '{ not the run'),
			entry('debug', 'Execution finalized', { executionId: '7' }).replace('05:37:32.588Z', '05:38:02.588Z'),
			entry('info', text),
			entry('error', 'Error executing workflow. See log messages for details.'),
			'not a JSON line',
			'',
		].join('\n');
		const parsed = timed('n8n log with the run', () => parseExecuteLog(log));
		assert.deepStrictEqual(parsed.run, run);
		expect(parsed.executionId).toBe('7');
		expect(parsed.finishedAt! - parsed.addedAt!).toBe(30000);
		expect(parsed.errors).toEqual(['Error executing workflow. See log messages for details.']);
		// The readable lines never carry the run.
		expect(parsed.lines.join('\n')).not.toContain('alert_id');
	});
});
