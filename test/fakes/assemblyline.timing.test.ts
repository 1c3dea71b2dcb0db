// The fake's model of how Assemblyline changes an alert after creating it (alert delay, workflows,
// merges, triage events), of its clock, and of the texts and flags the audit of issue 14 found.
import { startFakeAssemblyline, FIXTURE_SID } from './assemblyline/index.ts';
import type { FakeAssemblyline } from './assemblyline/index.ts';
import { call, search } from './helpers.ts';

const EMPTY = { submissions: [], alerts: [] };
const T0 = Date.parse('2026-03-02T10:00:00.000Z');

describe('fake Assemblyline: alert life cycle on the fake clock', () => {
	let fake: FakeAssemblyline;
	beforeEach(async () => {
		fake = await startFakeAssemblyline({ dataset: EMPTY, workflowManager: true, now: () => T0 });
		fake.setClock({ now: T0 });
	});
	afterEach(() => fake.close());

	const get = async (id: string) => (await call(fake, `/api/v4/alert/${id}/`)).json.api_response;

	test('workflows: DEFAULT sets TRIAGE, a stored workflow re-statuses and labels within 30 s, reporting_ts stays', async () => {
		fake.dataset.addWorkflow({ name: 'FP rule', query: 'al.domain:benign.example', status: 'NON-MALICIOUS', labels: ['false_positive'] });
		const a = fake.dataset.makeAlert({ alert_id: 'Wf1', domains: ['benign.example'] });
		expect(a.workflows_completed).toBe(false);
		expect((await get('Wf1')).status).toBeNull();
		fake.setClock({ advanceMs: 30_000 });
		const after = await get('Wf1');
		expect(after.status).toBe('NON-MALICIOUS');
		expect(after.label).toEqual(['FALSE_POSITIVE']);
		expect(after.reporting_ts).toBe(a.reporting_ts);
		expect(after.workflows_completed).toBe(true);
		expect(after.events.map((e: any) => [e.entity_type, e.entity_id, e.status])).toEqual([
			['workflow', 'DEFAULT', 'TRIAGE'],
			['workflow', expect.any(String), 'NON-MALICIOUS'],
		]);
		expect(after.events[0].ts).toBe(new Date(T0 + 30_000).toISOString().replace('Z', '000Z'));
		// an extended scan pending: no workflow action yet, but the flag is set (a merge resets it)
		fake.dataset.makeAlert({ alert_id: 'Ext1', domains: ['benign.example'], extended_scan: 'submitted' });
		fake.setClock({ advanceMs: 30_000 });
		const ext = await get('Ext1');
		expect([ext.status, ext.events, ext.workflows_completed]).toEqual([null, [], true]);
	});

	test('a merge resets workflows_completed, moves reporting_ts, and leaves al.detailed in set order with duplicates', async () => {
		const a = fake.dataset.makeAlert({ alert_id: 'M1', ips: [{ value: '203.0.113.45', verdict: 'suspicious' }, { value: '198.51.100.7', kind: 'static' }] });
		fake.setClock({ advanceMs: 30_000 });
		expect((await get('M1')).workflows_completed).toBe(true);
		fake.setClock({ advanceMs: 60_000 });
		fake.dataset.updateAlert('M1', { ips: [{ value: '203.0.113.45', verdict: 'malicious' }, { value: '192.0.2.99', kind: 'static' }, '192.0.2.100', { value: '192.0.2.101', kind: 'static' }] });
		const m = await get('M1');
		expect(m.workflows_completed).toBe(false);
		expect(Date.parse(m.reporting_ts)).toBeGreaterThan(Date.parse(String(a.reporting_ts)));
		const ip = m.al.detailed.ip as { type: string; value: string; verdict: string }[];
		const same = ip.filter((d) => d.type === 'network.dynamic.ip' && d.value === '203.0.113.45').map((d) => d.verdict).sort();
		expect(same).toEqual(['malicious', 'suspicious']);
		// not "dynamic items, then static ones" any more
		const kinds = ip.map((d) => d.type.split('.')[1]);
		expect(kinds).not.toEqual([...kinds].sort());
		fake.setClock({ advanceMs: 30_000 });
		expect((await get('M1')).workflows_completed).toBe(true);
	});

	test('triage appends a user event without moving reporting_ts; events are searchable by ts and entity', async () => {
		const a = fake.dataset.makeAlert({ alert_id: 'Tr1', ips: ['203.0.113.9'] });
		fake.setClock({ advanceMs: 3_600_000 });
		const r = await call(fake, '/api/v4/alert/status/Tr1/', { body: 'malicious' });
		expect(r.json.api_response).toEqual({ success: true });
		const doc = await get('Tr1');
		expect(doc.reporting_ts).toBe(a.reporting_ts);
		expect(doc.events.at(-1)).toMatchObject({ entity_type: 'user', entity_id: 'svc_soc', status: 'MALICIOUS' });
		const since = new Date(T0 + 3_000_000).toISOString();
		const s = await search(fake, 'alert', { query: 'status:MALICIOUS', filters: [`events.ts:[${since} TO now]`, 'events.entity_type:user'], fl: 'alert_id,events' });
		expect(s.json.api_response.items.map((i: any) => i.alert_id)).toEqual(['Tr1']);
	});

	test('alert delay: /alert/list/ hides alerts younger than 300 s unless no_delay; search applies none', async () => {
		fake.dataset.makeAlert({ alert_id: 'Young', ips: ['203.0.113.1'] });
		fake.dataset.makeAlert({ alert_id: 'Old', ips: ['203.0.113.2'], reporting_ts: T0 - 301_000 });
		const list = await call(fake, '/api/v4/alert/list/');
		expect(list.json.api_response.items.map((i: any) => i.alert_id)).toEqual(['Old']);
		const all = await call(fake, '/api/v4/alert/list/?no_delay=');
		expect(all.json.api_response.items.map((i: any) => i.alert_id).sort()).toEqual(['Old', 'Young']);
		expect((await search(fake, 'alert', { query: '*' })).json.api_response.items).toHaveLength(2);
		fake.setClock({ advanceMs: 300_000 });
		expect((await call(fake, '/api/v4/alert/list/')).json.api_response.items).toHaveLength(2);
	});

	test('the Date header and date math follow the server clock, not the client\'s', async () => {
		const r = await call(fake, '/api/v4/user/whoami/');
		expect(Date.parse(r.headers.get('date')!)).toBe(T0);
		fake.dataset.makeAlert({ alert_id: 'C1', ips: ['203.0.113.3'] });
		expect((await search(fake, 'alert', { query: '*', filters: ['reporting_ts:[now-1m TO now]'] })).json.api_response.items).toHaveLength(1);
	});
});

describe('fake Assemblyline: texts, fl id, filtered, in-flight', () => {
	let fake: FakeAssemblyline;
	beforeAll(async () => {
		fake = await startFakeAssemblyline({ filteredSids: { [FIXTURE_SID]: ['198.51.100.23'] } });
	});
	afterAll(() => fake.close());

	test('a search index refusal names the role and the index', async () => {
		const r = await search(fake, 'signature', { query: '*' }, 'viewer');
		expect(r.status).toBe(403);
		const p = '/api/v4/search/signature/';
		expect(r.json.api_error_message).toBe(`Access Denied (${p}) [API ${p} requires the role 'signature_view' for request on index 'signature']`);
	});

	test('fl returns the document id only when the exact token id is named', async () => {
		const items = async (fl: string) => (await search(fake, 'alert', { query: '*', fl, rows: 1 })).json.api_response.items[0];
		expect(await items('alert_id,id')).toEqual({ alert_id: expect.any(String), id: expect.any(String) });
		expect((await items('alert_id,id')).id).toBe((await items('alert_id,id')).alert_id);
		expect(await items('alert_id, id')).not.toHaveProperty('id');
		expect(await items('*')).not.toHaveProperty('id');
		expect(await items('*,id')).toHaveProperty('id');
	});

	test('a summary the caller may not see whole says filtered: true and lacks the hidden values', async () => {
		const s = (await call(fake, `/api/v4/submission/summary/${FIXTURE_SID}/`)).json.api_response;
		expect(s.filtered).toBe(true);
		expect(JSON.stringify(s.tags.ioc)).not.toContain('198.51.100.23');
	});

	test('a slow request holds its quota slot until the server finishes it, even when the client gave up', async () => {
		fake.faults.add({ kind: 'slow', path: '^/api/v4/search/', once: true, delayMs: 600 });
		const ac = new AbortController();
		const p = fetch(`${fake.url}/api/v4/search/alert/?query=*`, { headers: { 'X-USER': 'svc_soc', 'X-APIKEY': fake.users[0].apikey }, signal: ac.signal }).catch(() => 'aborted');
		await new Promise((r) => setTimeout(r, 150));
		ac.abort();
		expect(await p).toBe('aborted');
		expect(fake.inFlight('svc_soc')).toBe(1);
		await new Promise((r) => setTimeout(r, 700));
		expect(fake.inFlight('svc_soc')).toBe(0);
		expect(fake.maxInFlight('svc_soc')).toBe(1);
	});
});
