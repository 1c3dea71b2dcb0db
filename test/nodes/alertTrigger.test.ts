import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { AssemblylineAlertTrigger, KNOWN_IDS_MAX } from '../../nodes/AssemblylineAlertTrigger/AssemblylineAlertTrigger.node';
import type { FakeAssemblyline, MakeAlertOptions } from '../fakes/assemblyline/index.ts';
import { poll } from '../harness/n8n.ts';
import { bodyOf, credentialsFor, expectDistinct, iso, searchRequests, startFake } from './alert.helpers.ts';

const node = new AssemblylineAlertTrigger();
const NODE_KEY = 'node:Under Test';

/**
 * One workflow's polls: the same static data every time, everything emitted collected. The cursor
 * tests stamp alerts "now", so they do not wait for Assemblyline to finish (waitFor: searchable)
 * unless `defaults` is set; the timing tests below use the defaults and the fake's clock.
 */
function trigger(fake: FakeAssemblyline, parameters: IDataObject = {}, defaults = false) {
	const staticData: IDataObject = {};
	const emitted: INodeExecutionData[] = [];
	return {
		staticData,
		emitted,
		state: () => staticData[NODE_KEY] as IDataObject,
		async poll(extra: { mode?: 'trigger' | 'manual'; pollBudgetMs?: number } = {}) {
			const base = defaults ? { query: '*' } : { query: '*', waitFor: 'searchable' };
			const out = await poll({ node, parameters: { ...base, ...parameters } as never, credentials: credentialsFor(fake), staticData, ...extra });
			const items = out?.[0] ?? [];
			if (extra.mode !== 'manual') emitted.push(...items);
			return out === null ? null : items;
		},
	};
}

const idsOf = (items: INodeExecutionData[] | null) => (items ?? []).map((i) => String(i.json.alert_id));
const eventsOf = (items: INodeExecutionData[] | null) =>
	Object.fromEntries((items ?? []).map((i) => [String(i.json.alert_id), (i.json._trigger as IDataObject).event]));

function alert(id: string, ms: number, extra: Partial<MakeAlertOptions> = {}): MakeAlertOptions {
	return { alert_id: id, reporting_ts: iso(ms), ips: [`198.51.100.${(id.length * 7) % 250}`], ...extra };
}

describe('AL Alert Trigger', () => {
	let fake: FakeAssemblyline;
	beforeEach(async () => {
		fake = await startFake();
	});
	afterEach(() => fake.close());

	test('first activation starts from now: history is not emitted, later alerts are, each once', async () => {
		const now = Date.now();
		fake.dataset.addAlerts([alert('Old1', now - 3_600_000), alert('Old2', now - 60_000)]);
		const t = trigger(fake);
		expect(await t.poll()).toBeNull();
		expect(t.state().alertCursor).toMatchObject({ floor: expect.any(String) });

		fake.dataset.addAlerts([alert('N1', Date.now() + 5), alert('N2', Date.now() + 6)]);
		const second = await t.poll();
		expect(idsOf(second)).toEqual(['N1', 'N2']);
		expect(eventsOf(second)).toEqual({ N1: 'new', N2: 'new' });
		expect(await t.poll()).toBeNull();

		fake.dataset.addAlerts([alert('N3', Date.now() + 7)]);
		expect(idsOf(await t.poll())).toEqual(['N3']);
		expect(await t.poll()).toBeNull();
		expect(idsOf(t.emitted)).toEqual(['N1', 'N2', 'N3']);

		// what the trigger asks Assemblyline
		const body = bodyOf(searchRequests(fake).at(-1)!);
		expect(body.sort).toBe('reporting_ts asc');
		expect(body.deep_paging_id).toBe('*');
		expect(body.filters).toEqual([expect.stringMatching(/^reporting_ts:\[\d{4}-.*Z TO \*\]$/)]);
		expect(String(body.fl).split(',')).toEqual(expect.arrayContaining(['alert_id', 'reporting_ts', 'al.detailed']));
	});

	test('backfill emits the last N hours on first activation, nothing older', async () => {
		const now = Date.now();
		fake.dataset.addAlerts([alert('H2', now - 2 * 3_600_000), alert('H30', now - 30 * 3_600_000), alert('H5', now - 5 * 3_600_000)]);
		const t = trigger(fake, { options: { backfillHours: 24 } });
		expect(idsOf(await t.poll())).toEqual(['H5', 'H2']);
		expect(await t.poll()).toBeNull();
	});

	test('equal timestamps at the boundary are neither lost nor repeated', async () => {
		const t = trigger(fake);
		await t.poll();
		const T = Date.now() + 1000;
		fake.dataset.addAlerts([alert('E1', T), alert('E2', T)]);
		expect(idsOf(await t.poll()).sort()).toEqual(['E1', 'E2']);
		// two more with the very same reporting_ts become searchable only now
		fake.dataset.addAlerts([alert('E3', T), alert('E4', T)]);
		expect(idsOf(await t.poll()).sort()).toEqual(['E3', 'E4']);
		expect(await t.poll()).toBeNull();
		expectDistinct(idsOf(t.emitted));
		expect(t.emitted).toHaveLength(4);
	});

	test('a late-indexed alert inside the lookback window is still emitted, once', async () => {
		// a backfill puts the first-activation floor out of the way, so the lookback alone decides
		const t = trigger(fake, { options: { backfillHours: 1 } });
		await t.poll();
		const T = Date.now() + 1000;
		fake.dataset.addAlerts([alert('A', T), alert('B', T + 2000)]);
		expect(idsOf(await t.poll())).toEqual(['A', 'B']);
		// stamped before the cursor, searchable only after the poll that looked past it
		fake.dataset.addAlerts([alert('Late', T + 1000)]);
		expect(idsOf(await t.poll())).toEqual(['Late']);
		expect(await t.poll()).toBeNull();
		// the window asked for reaches back before the cursor
		const filter = String((bodyOf(searchRequests(fake).at(-1)!).filters as string[])[0]);
		const start = Date.parse(/\[(\S+) TO/.exec(filter)![1]);
		expect(start).toBe(T + 2000 - 5 * 60_000);
	});

	test('a burst of 1,200 (same timestamp) comes out whole, each alert once', async () => {
		const t = trigger(fake);
		await t.poll();
		const T = Date.now() + 1000;
		fake.dataset.addAlerts(Array.from({ length: 1200 }, (_, i) => alert(`burst${i}`, T, { ips: [`203.0.113.${i % 250}`] })));
		const out = await t.poll();
		expect(out).toHaveLength(1200);
		expectDistinct(idsOf(out));
		expect(searchRequests(fake).slice(-3).map((r) => bodyOf(r).rows)).toEqual([500, 500, 500]);
		expect(await t.poll()).toBeNull();
	});

	test('a poll budget that runs out mid-backlog: each poll emits part, the next resumes, nothing lost or repeated', async () => {
		const t = trigger(fake);
		await t.poll();
		const T = Date.now() + 1000;
		// equal timestamps across page boundaries: the hardest case for resuming
		fake.dataset.addAlerts(Array.from({ length: 1200 }, (_, i) => alert(`b${i}`, T + Math.floor(i / 300), { ips: [`203.0.113.${i % 250}`] })));
		const sizes: number[] = [];
		for (let i = 0; i < 10; i++) {
			const out = await t.poll({ pollBudgetMs: 1 });
			if (out === null) break;
			sizes.push(out.length);
		}
		expect(sizes.length).toBeGreaterThan(1);
		expect(sizes.every((n) => n > 0 && n < 1200)).toBe(true);
		const all = idsOf(t.emitted);
		expect(all).toHaveLength(1200);
		expectDistinct(all);
		// emitted oldest first across polls
		const ts = t.emitted.map((i) => Date.parse(String(i.json.reporting_ts)));
		expect(ts).toEqual([...ts].sort((a, b) => a - b));
		// what it remembers stays small: only the pairs inside the lookback window
		expect(Object.keys((t.state().alertCursor as IDataObject).recent as IDataObject).length).toBeLessThanOrEqual(1200);
	});

	test('an updated alert is emitted again and marked updated', async () => {
		const t = trigger(fake);
		await t.poll();
		const T = Date.now() + 1000;
		fake.dataset.addAlerts([alert('U1', T), alert('U2', T + 1)]);
		expect(eventsOf(await t.poll())).toEqual({ U1: 'new', U2: 'new' });
		// extended scan: same alert_id, newer reporting_ts, more IoCs
		const updated = fake.dataset.updateAlert('U1', { reporting_ts: iso(T + 10_000), ips: ['203.0.113.200'] });
		fake.dataset.addAlerts([alert('U3', T + 20_000)]);
		const out = await t.poll();
		expect(eventsOf(out)).toEqual({ U1: 'updated', U3: 'new' });
		const u1 = out!.find((i) => i.json.alert_id === 'U1')!;
		expect(u1.json.reporting_ts).toBe(updated.reporting_ts);
		const ips = ((u1.json.al as IDataObject).detailed as IDataObject).ip as IDataObject[];
		expect(ips.map((d) => d.value)).toContain('203.0.113.200');
		expect(await t.poll()).toBeNull();
		// updated long after the lookback window: still recognised (remembered ids)
		fake.dataset.updateAlert('U2', { reporting_ts: iso(T + 3_600_000) });
		expect(eventsOf(await t.poll())).toEqual({ U2: 'updated' });
		expect((t.state().knownAlertIds as string[]).length).toBeLessThanOrEqual(KNOWN_IDS_MAX);
	});

	test('Fetch Test Event returns the latest matching alert and leaves the cursor untouched', async () => {
		const t = trigger(fake, { query: 'al.ip:*' });
		await t.poll();
		const T = Date.now() + 1000;
		fake.dataset.addAlerts([alert('F1', T), alert('F2', T + 5), alert('Dom', T + 10, { ips: [], domains: ['evil.example'] })]);
		const before = JSON.stringify(t.staticData);
		const test = await t.poll({ mode: 'manual' });
		expect(idsOf(test)).toEqual(['F2']);
		expect((test![0].json._trigger as IDataObject).event).toBe('new');
		expect(JSON.stringify(t.staticData)).toBe(before);
		const req = bodyOf(searchRequests(fake).at(-1)!);
		expect(req).toMatchObject({ rows: 1, sort: 'reporting_ts desc', query: 'al.ip:*' });
		// the active trigger still emits both, once
		expect(idsOf(await t.poll())).toEqual(['F1', 'F2']);
	});

	test('Fetch Test Event with nothing matching says so', async () => {
		const t = trigger(fake, { query: 'alert_id:none' });
		await expect(t.poll({ mode: 'manual' })).rejects.toThrow(/No alert matches/);
	});

	test('filters apply, and a failed poll changes nothing (the next one repeats the window)', async () => {
		const t = trigger(fake, { options: { filters: ['priority:HIGH'] } });
		await t.poll();
		const T = Date.now() + 1000;
		fake.dataset.addAlerts([alert('Hi', T, { priority: 'HIGH' }), alert('Lo', T + 1, { priority: 'LOW' })]);
		const before = JSON.stringify(t.staticData);
		fake.faults.add({ kind: '401', path: '^/api/v4/search/', once: true });
		await expect(t.poll()).rejects.toThrow(/refused the credentials/);
		expect(JSON.stringify(t.staticData)).toBe(before);
		expect(idsOf(await t.poll())).toEqual(['Hi']);
		expect(bodyOf(searchRequests(fake).at(-1)!).filters).toEqual(['priority:HIGH', expect.stringMatching(/^reporting_ts:/)]);
	});

	test('a bad Lucene query fails the poll with Assemblyline\'s reason', async () => {
		const t = trigger(fake, { query: 'al.ip:(' });
		await expect(t.poll()).rejects.toThrow(/SearchException/);
	});
});

describe('AL Alert Trigger: acting only on alerts Assemblyline has finished with', () => {
	const T0 = Date.parse('2026-03-02T10:00:00.000Z');
	let fake: FakeAssemblyline;
	beforeEach(async () => {
		fake = await startFake({ workflowManager: true });
		fake.setClock({ now: T0 });
	});
	afterEach(() => fake.close());
	const later = (ms: number) => fake.setClock({ advanceMs: ms });
	const query = '(al.ip:* OR al.domain:* OR al.uri:*) AND NOT status:NON-MALICIOUS';

	test('default: an alert a workflow marks NON-MALICIOUS 30 s after creation is never emitted; the fast option emits it at once', async () => {
		fake.dataset.addWorkflow({ name: 'Known FP', query: 'al.domain:cdn.benign.example', status: 'NON-MALICIOUS', labels: ['FALSE_POSITIVE'] });
		const slow = trigger(fake, { query }, true);
		const fast = trigger(fake, { query, waitFor: 'searchable' }, true);
		expect(await slow.poll()).toBeNull();
		expect(await fast.poll()).toBeNull();
		later(1000);
		fake.dataset.makeAlert({ alert_id: 'Fp1', domains: ['cdn.benign.example'] });
		fake.dataset.makeAlert({ alert_id: 'Bad1', domains: ['evil.example.net'] });
		expect(idsOf(await fast.poll()).sort()).toEqual(['Bad1', 'Fp1']); // before the workflows ran: the risk
		expect(await slow.poll()).toBeNull();
		later(30_000);
		expect(await slow.poll()).toBeNull();
		later(300_000);
		const out = await slow.poll();
		expect(idsOf(out)).toEqual(['Bad1']);
		expect(out![0].json.status).toBe('TRIAGE');
		later(3_600_000);
		expect(await slow.poll()).toBeNull();
		expect(idsOf(slow.emitted)).toEqual(['Bad1']);
		const filters = bodyOf(searchRequests(fake).at(-1)!).filters as string[];
		expect(filters).toEqual(expect.arrayContaining(['NOT extended_scan:submitted', 'reporting_ts:[* TO now-300s]']));
	});

	test('an alert with an extended scan pending waits for the merge; Workflows Completed waits for the pass after it', async () => {
		const t = trigger(fake, { waitFor: 'workflows' }, true);
		await t.poll();
		later(1000);
		fake.dataset.makeAlert({ alert_id: 'X1', ips: ['203.0.113.7'], extended_scan: 'submitted' });
		fake.dataset.makeAlert({ alert_id: 'Y1', ips: ['203.0.113.8'] });
		expect(await t.poll()).toBeNull(); // no workflow pass yet
		later(30_000);
		expect(idsOf(await t.poll())).toEqual(['Y1']); // X1: extended scan pending
		later(60_000);
		fake.dataset.updateAlert('X1', { ips: ['203.0.113.9'], extended_scan: 'completed' });
		expect(await t.poll()).toBeNull(); // the merge reset workflows_completed
		later(30_000);
		const out = await t.poll();
		expect(idsOf(out)).toEqual(['X1']);
		expect(eventsOf(out)).toEqual({ X1: 'new' });
	});

	test('first activation takes "now" from Assemblyline: with its clock 2 minutes behind, no later alert is lost', async () => {
		fake.setClock({ now: Date.now() - 120_000 });
		const t = trigger(fake, {}, true);
		expect(await t.poll()).toBeNull();
		later(5_000);
		fake.dataset.makeAlert({ alert_id: 'Skew1', ips: ['203.0.113.10'] }); // stamped by the server's clock
		later(301_000);
		expect(idsOf(await t.poll())).toEqual(['Skew1']);
		const first = bodyOf(searchRequests(fake)[0]).filters as string[];
		expect(first).toContain('reporting_ts:[now TO *]');
	});

	test('Triage Changes: an alert triaged MALICIOUS an hour after creation fires exactly once, with the event', async () => {
		fake.dataset.makeAlert({ alert_id: 'Tri1', ips: ['203.0.113.11'] });
		fake.dataset.makeAlert({ alert_id: 'Tri2', ips: ['203.0.113.12'] });
		later(30_000); // DEFAULT workflow: TRIAGE (a workflow event, not an analyst's)
		const t = trigger(fake, { mode: 'triage', query: 'status:MALICIOUS' }, true);
		expect(await t.poll()).toBeNull();
		later(3_600_000);
		const setStatus = (id: string, status: string) =>
			fetch(`${fake.url}/api/v4/alert/status/${id}/`, {
				method: 'POST',
				headers: { 'X-USER': 'svc_soc', 'X-APIKEY': fake.users[0].apikey, 'Content-Type': 'application/json' },
				body: JSON.stringify(status),
			});
		await setStatus('Tri1', 'MALICIOUS');
		await setStatus('Tri2', 'ASSESS');
		const out = await t.poll();
		expect(idsOf(out)).toEqual(['Tri1']);
		const trig = out![0].json._trigger as IDataObject;
		expect(trig.event).toBe('triage');
		expect(trig.triage).toMatchObject({ entity_type: 'user', entity_id: 'svc_soc', status: 'MALICIOUS' });
		expect(out![0].json).not.toHaveProperty('events');
		expect(await t.poll()).toBeNull();
		later(60_000);
		expect(await t.poll()).toBeNull();
		// a later change to the same alert is a new event: it fires once more
		await fetch(`${fake.url}/api/v4/alert/label/Tri1/`, {
			method: 'POST',
			headers: { 'X-USER': 'svc_soc', 'X-APIKEY': fake.users[0].apikey, 'Content-Type': 'application/json' },
			body: JSON.stringify(['blocked']),
		});
		const again = await t.poll();
		expect(idsOf(again)).toEqual(['Tri1']);
		expect((again![0].json._trigger as IDataObject).triage).toMatchObject({ labels: ['BLOCKED'] });
		expect(await t.poll()).toBeNull();
		expect(t.emitted).toHaveLength(2);
		const body = bodyOf(searchRequests(fake).at(-1)!);
		expect(String(body.fl).split(',')).toContain('events');
		expect(body.filters).toEqual(expect.arrayContaining(['events.entity_type:user', expect.stringMatching(/^events\.ts:\[/)]));
	});
});
