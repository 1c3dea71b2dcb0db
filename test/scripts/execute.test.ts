/**
 * N8nHost.execute (scripts/n8n-host.ts) against a stand-in for the n8n binary that behaves like
 * `n8n execute --rawOutput` of n8n 2.41 (packages/cli/src/commands/execute.ts): the run and the
 * error go through n8n's logger (BaseCommand.log is logger.info), here to its log file
 * (N8N_LOG_OUTPUT=file: winston JSON lines, the timestamp inside `metadata`). The real n8n is
 * exercised by test/e2e/start.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { N8nHost } from '../../scripts/n8n-host.ts';
import { failure } from '../../scripts/report.ts';

const FAKE_N8N = String.raw`
const fs = require('node:fs');
const id = (process.argv.find((a) => a.startsWith('--id=')) || '').slice(5);
const file = process.env.N8N_LOG_FILE_LOCATION;
const log = (level, message, metadata = {}) =>
	fs.appendFileSync(file, JSON.stringify({ level, message, metadata: { ...metadata, timestamp: new Date().toISOString() } }) + '\n');
log('info', 'Loading nodes');
log('debug', 'Execution added', { executionId: '42', file: 'active-executions.js' });
const run = { data: { resultData: { runData: { 'AL Alert Search': [{ data: { main: [[{ json: { alert_id: 'a1', al: { ip: ['45.83.1.1'] } } }]] } }] }, lastNodeExecuted: 'AL Alert Search' } }, status: 'success' };
setTimeout(() => {
	if (id === 'fail') {
		const error = { message: 'Assemblyline refused the credentials of "Assemblyline API"', description: 'Check the API key in the credential.', node: { name: 'AL Alert Search' } };
		run.data.resultData.runData['AL Alert Search'] = [{ error }];
		run.data.resultData.error = error;
		run.status = 'error';
		log('debug', 'Execution finalized', { executionId: '42' });
		log('info', 'Execution was NOT successful. See log message for details.');
		log('info', '====================================');
		log('info', JSON.stringify(run, null, 2));
		log('error', 'Error executing workflow. See log messages for details.');
		log('error', '\nExecution error:');
		log('error', error.message);
		log('error', 'Error: ' + error.message + '\n    at run (execute.js:1:1)');
		process.exit(1);
	}
	if (id === 'crash') {
		log('error', 'There was an error initializing DB: SQLITE_CORRUPT');
		process.stderr.write('{\n  "alert_id": "a1",\n  "value": "45.83.1.1"\n}\n');
		process.exit(1);
	}
	if (id === 'hang') return setInterval(() => {}, 1000);
	log('debug', 'Execution finalized', { executionId: '42' });
	// An n8n that prints the run on the console: log lines around it.
	if (id === 'console') return process.stdout.write('a stray console line\n' + JSON.stringify(run, null, 2) + '\nbye\n');
	log('info', JSON.stringify(run, null, 2));
	log('debug', 'Execution removed', { executionId: '42' });
}, id === 'slow' ? 800 : 10);
`;

let dir: string;
let host: N8nHost;
const logged: string[] = [];

beforeAll(async () => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-n8n-'));
	const n8nBin = path.join(dir, 'n8n.cjs');
	fs.writeFileSync(n8nBin, FAKE_N8N);
	host = await N8nHost.create({ install: { dir, node: process.execPath, n8nBin, nodeDir: dir }, log: (m) => logged.push(m) });
});

afterAll(async () => {
	await host?.dispose();
	fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
	logged.length = 0;
});

test('a run: its items, the execution id and where the time went', async () => {
	const r = await host.execute('ok');
	expect(r.ok).toBe(true);
	expect(r.executionId).toBe('42');
	expect(r.nodes['AL Alert Search'].outputs[0]).toEqual([{ alert_id: 'a1', al: { ip: ['45.83.1.1'] } }]);
	expect(r.phases).toBeDefined();
	expect(r.phases!.runMs).toBeGreaterThanOrEqual(0);
	expect(r.stderr).toContain('[n8n info] Loading nodes');
	expect(r.stderr).not.toContain('45.83.1.1');
});

test('a run printed on stdout between log lines is read too', async () => {
	const r = await host.execute('console');
	expect(r.ok).toBe(true);
	expect(r.nodes['AL Alert Search'].outputs[0]).toEqual([{ alert_id: 'a1', al: { ip: ['45.83.1.1'] } }]);
});

test('a long run says it is still running', async () => {
	const r = await host.execute('slow', { what: '"Block IoCs"', beatMs: 100 });
	expect(r.ok).toBe(true);
	expect(logged.some((l) => /"Block IoCs": still running, \d+ s/.test(l))).toBe(true);
});

test('a failed run: n8n\'s message, the node and the execution id, and no data', async () => {
	const r = await host.execute('fail');
	expect(r.ok).toBe(false);
	expect(r.executionId).toBe('42');
	expect(r.failedNode).toBe('AL Alert Search');
	const message = failure('"Block IoCs"', r).message;
	expect(message).toBe(
		'"Block IoCs" failed in n8n (execution 42, node "AL Alert Search"): Assemblyline refused the credentials of "Assemblyline API" — Check the API key in the credential.',
	);
	expect(r.stderr).not.toContain('45.83.1.1');
});

test('n8n dies without a run: its own error message, never the data it printed', async () => {
	const r = await host.execute('crash');
	expect(r.ok).toBe(false);
	const message = failure('"Block IoCs"', r).message;
	expect(message).toContain('There was an error initializing DB: SQLITE_CORRUPT');
	expect(message).not.toMatch(/45\.83|alert_id/);
});

test('n8n that never ends is stopped at the timeout, and says so', async () => {
	const r = await host.execute('hang', { timeoutMs: 1500 });
	expect(r.ok).toBe(false);
	expect(r.timedOut).toBe(true);
	expect(failure('"Block IoCs"', r).message).toMatch(/\(execution 42\): n8n was still running after 2 s and was stopped/);
});
