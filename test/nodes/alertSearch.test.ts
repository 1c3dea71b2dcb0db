import type { IDataObject } from 'n8n-workflow';
import { AssemblylineAlertSearch } from '../../nodes/AssemblylineAlertSearch/AssemblylineAlertSearch.node';
import { generateDataset } from '../fakes/assemblyline/index.ts';
import type { FakeAssemblyline } from '../fakes/assemblyline/index.ts';
import { runNode } from '../harness/n8n.ts';
import { bodyOf, credentialsFor, expectDistinct, ids, iso, searchRequests, startFake } from './alert.helpers.ts';

const node = new AssemblylineAlertSearch();

async function search(fake: FakeAssemblyline, parameters: IDataObject, extra: Partial<Parameters<typeof runNode>[0]> = {}) {
	return await runNode({ node, parameters: parameters as never, credentials: credentialsFor(fake), ...extra });
}

describe('AL Alert Search: paging over 2,345 alerts', () => {
	let fake: FakeAssemblyline;
	beforeAll(async () => {
		fake = await startFake({ dataset: generateDataset({ seed: 11, alerts: 2345 }) });
	});
	afterAll(() => fake.close());
	beforeEach(() => {
		fake.faults.clear();
		fake.clearRequests();
	});

	test('Return All deep-pages 500 rows at a time and returns every alert once', async () => {
		const { outputs, error } = await search(fake, { query: '*', returnAll: true });
		expect(error).toBeUndefined();
		const got = ids(outputs[0]);
		expect(got).toHaveLength(2345);
		expectDistinct(got);
		// First the count that keeps a too-large Return All from starting (no rows, no cursor).
		const [count, ...reqs] = searchRequests(fake);
		expect(bodyOf(count)).toEqual({ query: '*', offset: 0, rows: 0, track_total_hits: 100_001 });
		expect(reqs.map((r) => bodyOf(r).rows)).toEqual([500, 500, 500, 500, 500]);
		expect(bodyOf(reqs[0]).deep_paging_id).toBe('*');
		for (let i = 1; i < reqs.length; i++) {
			expect(bodyOf(reqs[i]).deep_paging_id).not.toBe('*');
			expect(bodyOf(reqs[i]).query).toBe('*');
		}
		// default fields: what Filter Blockable IoCs needs, and alert_id first
		expect(String(bodyOf(reqs[0]).fl).split(',')).toEqual(
			expect.arrayContaining(['alert_id', 'sid', 'reporting_ts', 'al.detailed', 'file', 'label', 'status', 'priority']),
		);
		const first = outputs[0][0];
		expect(first.json).toHaveProperty('al.detailed');
		expect(first.json).toHaveProperty('sid');
		expect(first.pairedItem).toEqual({ item: 0 });
		// Assemblyline's default sort: newest first
		const ts = outputs[0].map((i) => Date.parse(String(i.json.reporting_ts)));
		expect(ts).toEqual([...ts].sort((a, b) => b - a));
	});

	test('a page size that does not divide the total', async () => {
		const { outputs } = await search(fake, { query: '*', returnAll: true, options: { pageSize: 300 } });
		const got = ids(outputs[0]);
		expect(got).toHaveLength(2345);
		expectDistinct(got);
		expect(searchRequests(fake).map((r) => bodyOf(r).rows)).toEqual([0, ...Array(8).fill(300)]);
	});

	test('Limit 30 is exactly one request for 30 rows', async () => {
		const { outputs } = await search(fake, { query: '*', returnAll: false, limit: 30 });
		expect(outputs[0]).toHaveLength(30);
		const reqs = searchRequests(fake);
		expect(reqs).toHaveLength(1);
		expect(bodyOf(reqs[0]).rows).toBe(30);
		expect(bodyOf(reqs[0]).deep_paging_id).toBeUndefined();
	});

	test('Limit above 500 pages and asks only for what it still needs', async () => {
		const { outputs } = await search(fake, { query: '*', returnAll: false, limit: 1200 });
		const got = ids(outputs[0]);
		expect(got).toHaveLength(1200);
		expectDistinct(got);
		expect(searchRequests(fake).map((r) => bodyOf(r).rows)).toEqual([500, 500, 200]);
	});

	test('Return All with a 503 concurrency quota on every 3rd request still returns every alert once', async () => {
		fake.faults.add({ kind: '503-concurrency', nth: 3, path: '^/api/v4/search/' });
		const { outputs, error } = await search(fake, { query: '*', returnAll: true });
		expect(error).toBeUndefined();
		const got = ids(outputs[0]);
		expect(got).toHaveLength(2345);
		expectDistinct(got);
		expect(fake.requests.some((r) => r.status === 503)).toBe(true);
	});

	test('fields without alert_id still give alert_id', async () => {
		const { outputs } = await search(fake, { query: '*', alertFields: 'al.detailed.*', limit: 5 });
		expect(outputs[0]).toHaveLength(5);
		for (const item of outputs[0]) {
			expect(typeof item.json.alert_id).toBe('string');
			expect(item.json).toHaveProperty('al.detailed');
			expect(item.json).not.toHaveProperty('sid');
		}
		// alert_id is the alert's document id and de-duplicates pages: `id` is not asked for, nor passed on
		expect(bodyOf(searchRequests(fake)[0]).fl).toBe('alert_id,al.detailed.*');
		for (const item of outputs[0]) expect(item.json).not.toHaveProperty('id');
	});

	test('a limit within the result window pages with offsets and leaves no cursor open on the server', async () => {
		const { outputs, error } = await search(fake, { query: '*', limit: 1200 });
		expect(error).toBeUndefined();
		expect(outputs[0]).toHaveLength(1200);
		expectDistinct(ids(outputs[0]));
		const reqs = searchRequests(fake).map(bodyOf);
		expect(reqs.map((b) => [b.offset, b.rows])).toEqual([[0, 500], [500, 500], [1000, 200]]);
		for (const b of reqs) expect(b).not.toHaveProperty('deep_paging_id');
		expect(fake.search.pits.size).toBe(0);
	});

	test('a search that times out is not sent again while the first still runs; the quota is never exceeded', async () => {
		fake.faults.add({ kind: 'slow', path: '^/api/v4/search/', once: true, delayMs: 2500 });
		const { error } = await search(fake, { query: '*', limit: 5, options: { timeoutSeconds: 0.5 } });
		expect(error?.message).toBe('Assemblyline did not answer within 0.5 s');
		expect(fake.inFlight('svc_soc')).toBe(1); // the server still works on it
		await new Promise((resolve) => setTimeout(resolve, 2500));
		expect(searchRequests(fake)).toHaveLength(1);
		expect(fake.inFlight('svc_soc')).toBe(0);
		expect(fake.maxInFlight('svc_soc')).toBeLessThanOrEqual(10);
	});

	test('a cursor lost once: the search starts over and still returns every alert once', async () => {
		fake.faults.add({ kind: 'expire-cursor', once: true, after: 1 });
		const { outputs, error } = await search(fake, { query: '*', returnAll: true });
		expect(error).toBeUndefined();
		const ids = outputs[0].map((item) => item.json.alert_id);
		expect(ids).toHaveLength(2345);
		expect(new Set(ids).size).toBe(2345);
		const starts = fake.requests.filter((r) => (r.body as { deep_paging_id?: string })?.deep_paging_id === '*');
		expect(starts).toHaveLength(2);
	});

	test('a cursor that keeps expiring fails the item clearly and outputs no alerts', async () => {
		fake.faults.add({ kind: 'expire-cursor', after: 1 });
		const failed = await search(fake, { query: '*', returnAll: true });
		expect(failed.error?.message).toMatch(/cursor expired/i);
		expect(failed.error?.description).toMatch(/Nothing was output/);
		fake.faults.clear();
		fake.faults.add({ kind: 'expire-cursor', after: 1 });
		const cont = await search(fake, { query: '*', returnAll: true }, { continueOnFail: true });
		expect(cont.error).toBeUndefined();
		expect(cont.outputs[0]).toHaveLength(1);
		expect(cont.outputs[0][0].json.error).toMatch(/cursor expired/i);
		expect(cont.outputs[0][0].json.alert_id).toBeUndefined();
	});

	test('a 401 mid-paging fails the item, never half the alerts', async () => {
		// after the count and two pages
		fake.faults.add({ kind: '401', path: '^/api/v4/search/', after: 3, once: true });
		const { outputs, error } = await search(fake, { query: '*', returnAll: true }, { continueOnFail: true });
		expect(error).toBeUndefined();
		expect(outputs[0]).toHaveLength(1);
		expect(outputs[0][0].json.error).toMatch(/refused the credentials/);
		expect(String(outputs[0][0].json.error_description)).toMatch(/page 3/);
	});
});

describe('AL Alert Search: edges and parameters', () => {
	let fake: FakeAssemblyline;
	beforeAll(async () => {
		fake = await startFake({ dataset: generateDataset({ seed: 3, alerts: 2000 }) });
	});
	afterAll(() => fake.close());
	beforeEach(() => {
		fake.faults.clear();
		fake.clearRequests();
	});

	test('a total that is an exact multiple of the page size (last page full, then an empty one)', async () => {
		const { outputs } = await search(fake, { query: '*', returnAll: true });
		const got = ids(outputs[0]);
		expect(got).toHaveLength(2000);
		expectDistinct(got);
		const reqs = searchRequests(fake);
		expect(reqs.map((r) => bodyOf(r).rows)).toEqual([0, 500, 500, 500, 500, 500]); // the count, then 5 pages
	});

	test('empty result: no items, no error, one request (for Return All, the count)', async () => {
		for (const returnAll of [true, false]) {
			fake.clearRequests();
			const { outputs, error } = await search(fake, { query: 'alert_id:doesnotexist', returnAll });
			expect(error).toBeUndefined();
			expect(outputs[0]).toEqual([]);
			expect(searchRequests(fake)).toHaveLength(1);
		}
	});

	test('a bad Lucene query is an error quoting Assemblyline; with continue-on-fail the workflow goes on', async () => {
		const failed = await search(fake, { query: 'al.ip:(' });
		expect(failed.error?.message).toMatch(/SearchException/);
		expect(failed.error?.httpCode).toBe('400');
		const cont = await search(fake, { query: '={{ $json.q }}' }, {
			continueOnFail: true,
			input: [{ q: 'al.ip:(' }, { q: '*' }],
		});
		expect(cont.error).toBeUndefined();
		const [errorItem, ...rest] = cont.outputs[0];
		expect(errorItem.json.error).toMatch(/SearchException: Failed to parse query/);
		expect(errorItem.pairedItem).toEqual({ item: 0 });
		expect(rest).toHaveLength(50);
		for (const item of rest) expect(item.pairedItem).toEqual({ item: 1 });
	});

	test('one search per input item, each output paired to the item that asked', async () => {
		const { outputs } = await search(fake, { query: '={{ $json.q }}', limit: '={{ $json.n }}' }, {
			input: [{ q: '*', n: 3 }, { q: 'alert_id:nothing', n: 3 }, { q: '*', n: 2 }],
		});
		expect(outputs[0].map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 0 }, { item: 0 }, { item: 2 }, { item: 2 }]);
	});

	test('filters and sort are sent as Assemblyline takes them', async () => {
		await search(fake, { query: '*', limit: 5, options: { filters: ['status:MALICIOUS', ' '], sort: 'reporting_ts asc' } });
		const body = bodyOf(searchRequests(fake)[0]);
		expect(body.filters).toEqual(['status:MALICIOUS']);
		expect(body.sort).toBe('reporting_ts asc');
	});

	test('other indices: the id field is added to named fields', async () => {
		const { outputs, error } = await search(fake, { index: 'submission', indexQuery: '*', fields: 'max_score', limit: 3 });
		expect(error).toBeUndefined();
		expect(outputs[0]).toHaveLength(3);
		for (const item of outputs[0]) expect(typeof item.json.sid).toBe('string');
		expect(bodyOf(searchRequests(fake, 'submission')[0]).fl).toBe('sid,max_score,id');
	});
});

describe('AL Alert Search: time range and "only alerts not returned before"', () => {
	let fake: FakeAssemblyline;
	const now = Date.now();
	const hours = (h: number) => iso(now - h * 3_600_000);
	beforeAll(async () => {
		fake = await startFake();
		fake.dataset.addAlerts([
			{ alert_id: 'A2h', reporting_ts: hours(2), ips: ['198.51.100.2'] },
			{ alert_id: 'A30h', reporting_ts: hours(30), ips: ['198.51.100.30'] },
			{ alert_id: 'A50h', reporting_ts: hours(50), domains: ['evil50.example'] },
			{ alert_id: 'A100h', reporting_ts: hours(100), uris: ['http://evil100.example/x'] },
		]);
	});
	afterAll(() => fake.close());
	beforeEach(() => fake.clearRequests());

	test('relative and absolute bounds', async () => {
		const run = async (options: IDataObject) => ids((await search(fake, { returnAll: true, options })).outputs[0]).sort();
		expect(await run({ reportedSince: 'last 24 hours' })).toEqual(['A2h']);
		expect(await run({ reportedSince: '3 days' })).toEqual(['A2h', 'A30h', 'A50h']);
		expect(await run({ reportedSince: 'now-36h' })).toEqual(['A2h', 'A30h']);
		expect(await run({ reportedSince: hours(60), reportedUntil: hours(10) })).toEqual(['A30h', 'A50h']);
		expect(await run({ reportedUntil: hours(60) })).toEqual(['A100h']);
		const body = bodyOf(searchRequests(fake)[0]);
		expect(body.filters).toEqual(['reporting_ts:[now-24h TO *]']);
		expect(body.query).toBe('al.ip:* OR al.domain:* OR al.uri:*');
	});

	test('a time that cannot be read is a clear error', async () => {
		const { error } = await search(fake, { returnAll: true, options: { reportedSince: 'yesterday-ish' } });
		expect(error?.message).toMatch(/"Reported Since" is not a time/);
	});

	test('only alerts not returned before, across runs sharing static data', async () => {
		const staticData: IDataObject = {};
		// Cursor mechanics, on alerts stamped "now": without waiting for Assemblyline to finish.
		const run = async (params: IDataObject = {}) =>
			ids((await search(fake, { returnAll: true, onlyNew: true, waitFor: 'searchable', ...params }, { workflow: { staticData } })).outputs[0]);

		expect(await run()).toEqual(['A100h', 'A50h', 'A30h', 'A2h']); // oldest first
		expect(await run()).toEqual([]);
		fake.dataset.addAlerts([
			{ alert_id: 'B1', reporting_ts: iso(Date.now()), ips: ['203.0.113.1'] },
			{ alert_id: 'B2', reporting_ts: iso(Date.now() + 1), ips: ['203.0.113.2'] },
		]);
		expect(await run()).toEqual(['B1', 'B2']);
		// late-indexed: stamped before the cursor, searchable only now
		fake.dataset.addAlerts([{ alert_id: 'Late', reporting_ts: iso(Date.now() - 60_000), ips: ['203.0.113.3'] }]);
		expect(await run()).toEqual(['Late']);
		expect(await run()).toEqual([]);
		// Assemblyline updates an alert in place: it comes back once
		fake.dataset.updateAlert('A30h', { ips: ['203.0.113.77'] });
		expect(await run()).toEqual(['A30h']);
		expect(await run()).toEqual([]);
		// a limit takes the next alerts in order and leaves the rest for the next run
		fake.dataset.addAlerts([1, 2, 3, 4, 5].map((n) => ({ alert_id: `C${n}`, reporting_ts: iso(Date.now() + 10 + n), ips: [`203.0.113.${20 + n}`] })));
		expect(await run({ returnAll: false, limit: 2 })).toEqual(['C1', 'C2']);
		expect(await run({ returnAll: false, limit: 2 })).toEqual(['C3', 'C4']);
		expect(await run({ returnAll: false, limit: 2 })).toEqual(['C5']);
		// another query has a cursor of its own
		expect(await run({ query: 'al.domain:*' })).toEqual(['A50h']);
		expect(Object.keys((staticData['node:Under Test'] as IDataObject).searchCursors as IDataObject)).toHaveLength(2);
	});
});

describe('AL Alert Search: "only alerts not returned before" waits until Assemblyline is done with an alert', () => {
	const T0 = Date.parse('2026-03-02T10:00:00.000Z');
	let fake: FakeAssemblyline;
	beforeEach(async () => {
		fake = await startFake({ workflowManager: true, now: () => T0 });
		fake.setClock({ now: T0 });
	});
	afterEach(() => fake.close());

	test('by default an alert comes out only after the alert delay (server clock), as the workflows left it', async () => {
		fake.dataset.addWorkflow({ name: 'Known FP', query: 'al.domain:cdn.benign.example', status: 'NON-MALICIOUS' });
		const staticData: IDataObject = {};
		const run = async (params: IDataObject = {}) =>
			(await search(fake, { returnAll: true, onlyNew: true, query: '* AND NOT status:NON-MALICIOUS', ...params }, { workflow: { staticData } })).outputs[0] ?? [];
		fake.dataset.makeAlert({ alert_id: 'Fp1', domains: ['cdn.benign.example'] });
		fake.dataset.makeAlert({ alert_id: 'Bad1', domains: ['evil.example.net'] });
		expect(ids(await run())).toEqual([]); // younger than 300 s
		fake.setClock({ advanceMs: 30_000 }); // a workflow pass: Fp1 → NON-MALICIOUS
		expect(ids(await run())).toEqual([]);
		fake.setClock({ advanceMs: 280_000 });
		const out = await run();
		expect(ids(out)).toEqual(['Bad1']);
		expect(out[0].json.status).toBe('TRIAGE');
		expect(bodyOf(searchRequests(fake).at(-1)!).filters).toEqual(expect.arrayContaining(['NOT extended_scan:submitted', 'reporting_ts:[* TO now-300s]']));
		expect(ids(await run())).toEqual([]);
	});
});

describe('a merged alert: al.detailed in set order, the same value twice', () => {
	test('the alert comes out as Assemblyline sends it, and Filter Blockable IoCs takes the highest verdict whatever the order', async () => {
		const fake = await startFake();
		try {
			const item = (type: string, value: string, verdict: string) => ({ subtype: null, type, value, verdict });
			const made = fake.dataset.makeAlert({ alert_id: 'Merged1', ips: ['45.83.10.1'] });
			// list(set(old + new)) after an extended scan: static before dynamic, the lower verdict first
			const ip = [
				item('network.static.ip', '45.83.10.1', 'info'),
				item('network.dynamic.ip', '45.83.10.1', 'suspicious'),
				item('network.dynamic.ip', '91.92.10.2', 'info'),
				item('network.dynamic.ip', '45.83.10.1', 'malicious'),
				item('network.static.ip', '91.92.10.2', 'suspicious'),
			];
			const al = made.al as IDataObject;
			fake.dataset.addAlerts([{ ...made, al: { ...al, detailed: { ...(al.detailed as IDataObject), ip } } }]);
			const { outputs } = await search(fake, { query: 'alert_id:Merged1', limit: 1 });
			expect(((outputs[0][0].json.al as IDataObject).detailed as IDataObject).ip).toEqual(ip);
			const { FilterBlockableIocs } = await import('../../nodes/FilterBlockableIocs/FilterBlockableIocs.node');
			const filtered = await runNode({
				node: new FilterBlockableIocs(),
				parameters: { inputShape: 'alert', minVerdict: 'malicious', onlyNew: false, output: 'items' } as never,
				input: outputs[0].map((i) => i.json),
			});
			const [block, skipped] = filtered.outputs;
			expect(block.map((i) => [i.json.value, i.json.verdict])).toEqual([['45.83.10.1', 'malicious']]);
			expect(skipped.map((i) => [i.json.value, i.json.verdict, i.json.reason])).toEqual([['91.92.10.2', 'suspicious', 'below_threshold']]);
		} finally {
			await fake.close();
		}
	});
});
