import { readFileSync } from 'node:fs';
import { startFakeAssemblyline, generateDataset, FIXTURE_SID, FIXTURE_ALERT_ID, mergeDatasets, fixturesDataset } from './assemblyline/index.ts';
import type { FakeAssemblyline } from './assemblyline/index.ts';
import { call, search } from './helpers.ts';

const fx = (f: string) => readFileSync(`test/fixtures/${f}`, 'utf8');

describe('fake Assemblyline: fixtures, auth, envelope', () => {
	let fake: FakeAssemblyline;
	beforeAll(async () => {
		fake = await startFakeAssemblyline();
	});
	afterAll(() => fake.close());

	test('envelope on success and whoami per user', async () => {
		const r = await call(fake, '/api/v4/user/whoami/');
		expect(r.status).toBe(200);
		expect(Object.keys(r.json).sort()).toEqual(['api_error_message', 'api_response', 'api_server_version', 'api_status_code']);
		expect(r.json.api_server_version).toBe('4.7.4.stable9');
		expect(r.json.api_status_code).toBe(200);
		expect(r.json.api_response.username).toBe('svc_soc');
		expect(r.json.api_response.roles).toEqual(JSON.parse(fx('whoami.json')).api_response.roles);
		const v = await call(fake, '/api/v4/user/whoami/', { user: 'viewer' });
		expect(v.json.api_response.username).toBe('viewer');
		expect(v.json.api_response.roles).toEqual(['alert_view', 'submission_view']);
	});

	test('401 shapes: missing headers and a wrong key', async () => {
		const none = await call(fake, '/api/v4/user/whoami/', { user: null });
		expect(none.status).toBe(401);
		expect(none.json).toEqual({
			api_error_message: 'Session not found',
			api_response: { allow_saml_login: false, allow_signup: false, allow_userpass_login: true },
			api_server_version: '4.7.4.stable9', api_status_code: 401,
		});
		const bad = await call(fake, '/api/v4/submission/summary/x/', { apikey: 'n8n_test:wrong' });
		expect(bad.status).toBe(401);
		expect(bad.json.api_error_message).toBe('Invalid user or APIKey');
	});

	test('403 role refusal with the config block', async () => {
		const r = await call(fake, `/api/v4/alert/status/${FIXTURE_ALERT_ID}/`, { user: 'viewer', body: 'MALICIOUS' });
		expect(r.status).toBe(403);
		const p = `/api/v4/alert/status/${FIXTURE_ALERT_ID}/`;
		expect(r.json.api_error_message).toBe(`Access Denied (${p}) [API ${p} requires one of the following roles: alert_manage]`);
		expect(r.json.api_response.ui.read_only).toBe(false);
		expect(r.json.api_response.auth.allow_apikeys).toBe(true);
		// unknown index: 403 for a non-admin, 400 for an admin
		expect((await search(fake, 'nosuch', { query: '*' })).status).toBe(403);
		const adm = await search(fake, 'nosuch', { query: '*' }, 'admin');
		expect(adm.status).toBe(400);
		expect(adm.json.api_error_message).toBe('Not a valid index to search in: nosuch');
	});

	test('404s, missing slash, wrong method', async () => {
		const s = await call(fake, '/api/v4/submission/summary/nope/');
		expect(s.status).toBe(404);
		expect(s.json).toMatchObject({ api_response: '', api_error_message: 'Submission ID nope does not exists.', api_status_code: 404 });
		const o = await call(fake, '/api/v4/ontology/submission/nope/');
		expect(o.status).toBe(404);
		expect(o.json.api_error_message).toBe('There is no submission with sid: nope');
		expect((await call(fake, '/api/v4/submission/is_completed/nope/')).status).toBe(404);
		const u = await call(fake, '/api/v4/foo/');
		expect(u.json.api_error_message).toBe('Api does not exist (/api/v4/foo/)');
		const slash = await call(fake, '/api/v4/user/whoami');
		expect(slash.status).toBe(308);
		expect(slash.headers.get('location')).toBe('/api/v4/user/whoami/');
		const meth = await call(fake, '/api/v4/user/whoami/', { method: 'DELETE' });
		expect(meth.status).toBe(405);
		expect(meth.json).toBeUndefined();
	});

	test('summary of the fixture story equals the fixture file', async () => {
		const r = await call(fake, `/api/v4/submission/summary/${FIXTURE_SID}/`);
		expect(r.json).toEqual(JSON.parse(fx('submission_summary.json')));
	});

	test('ontology: raw NDJSON equal to the fixture, headers, filters', async () => {
		const r = await call(fake, `/api/v4/ontology/submission/${FIXTURE_SID}/`);
		expect(r.status).toBe(200);
		expect(r.text).toBe(fx('ontology_submission.ndjson'));
		expect(r.headers.get('content-type')).toBe('application/octet-stream');
		expect(r.headers.get('content-disposition')).toBe(`attachment; filename=file.bin; filename*=UTF-8''submission_${FIXTURE_SID}.ontology`);
		const lines = (t: string) => t.split('\n').filter(Boolean).map((l) => JSON.parse(l));
		const cape = lines((await call(fake, `/api/v4/ontology/submission/${FIXTURE_SID}/?service=CAPE`)).text);
		expect(cape.map((x) => x.service.name)).toEqual(['CAPE']);
		const pe = '16e9b89ce861cfd1c8edbd502c2e05bbe9524438ce7df6cc7035a2610e35a8b2';
		const bySha = lines((await call(fake, `/api/v4/ontology/submission/${FIXTURE_SID}/?sha256=${pe}`)).text);
		expect(bySha.map((x) => x.service.name)).toEqual(['ConfigExtractor']);
		const two = lines((await call(fake, `/api/v4/ontology/submission/${FIXTURE_SID}/?service=CAPE&service=Oletools`)).text);
		expect(two.map((x) => x.service.name)).toEqual(['Oletools', 'CAPE']);
		const none = await call(fake, `/api/v4/ontology/submission/${FIXTURE_SID}/?service=Nope`);
		expect(none.status).toBe(200);
		expect(none.text).toBe('');
	});

	test('submission document and is_completed', async () => {
		const d = await call(fake, `/api/v4/submission/${FIXTURE_SID}/`);
		expect(d.json.api_response).toMatchObject({ sid: FIXTURE_SID, state: 'completed', max_score: 1700 });
		expect((await call(fake, `/api/v4/submission/is_completed/${FIXTURE_SID}/`)).json.api_response).toBe(true);
	});

	test('search page 1 of the fixture equals the fixture file (fl=*, rows=3, deep paging)', async () => {
		const r = await search(fake, 'alert', { query: 'al.ip:* OR al.domain:* OR al.uri:*', fl: '*', rows: 3, deep_paging_id: '*' });
		const want = JSON.parse(fx('search_alert_page1.json'));
		expect(r.json.api_response.items).toEqual(want.api_response.items);
		expect(r.json.api_response.total).toBeNull();
		expect(r.json.api_response.rows).toBe(3);
		expect(typeof r.json.api_response.next_deep_paging_id).toBe('string');
		// exactly full last page: the next call returns items: [] and no id
		const next = await search(fake, 'alert', { query: 'al.ip:* OR al.domain:* OR al.uri:*', fl: '*', rows: 3, deep_paging_id: r.json.api_response.next_deep_paging_id });
		expect(next.json.api_response.items).toEqual([]);
		expect(next.json.api_response.next_deep_paging_id).toBeUndefined();
	});

	test('alert get and triage endpoints', async () => {
		const g = await call(fake, `/api/v4/alert/${FIXTURE_ALERT_ID}/`);
		expect(g.json.api_response.alert_id).toBe(FIXTURE_ALERT_ID);
		expect(g.json.api_response.id).toBeUndefined();
		expect((await call(fake, '/api/v4/alert/nope/')).json.api_error_message).toBe('This alert does not exists...');
		const l = await call(fake, `/api/v4/alert/label/${FIXTURE_ALERT_ID}/`, { body: ['blocked', 'n8n'] });
		expect(l.json.api_response).toEqual({ success: true });
		expect((await call(fake, `/api/v4/alert/label/${FIXTURE_ALERT_ID}/`, { body: 'x' })).json.api_error_message).toBe('Invalid list of labels received.');
		expect((await call(fake, `/api/v4/alert/status/${FIXTURE_ALERT_ID}/`, { body: 'malicious' })).json.api_response).toEqual({ success: true });
		expect((await call(fake, `/api/v4/alert/status/${FIXTURE_ALERT_ID}/`, { body: 'BAD' })).status).toBe(400);
		expect((await call(fake, `/api/v4/alert/priority/${FIXTURE_ALERT_ID}/`, { body: 'HIGH' })).json.api_response).toEqual({ success: true });
		expect((await call(fake, `/api/v4/alert/priority/${FIXTURE_ALERT_ID}/`, { body: ['HIGH'] })).json.api_error_message).toBe('Invalid priority received.');
		const nf = await call(fake, '/api/v4/alert/label/nope/', { body: ['X'] });
		expect(nf.status).toBe(404);
		expect(nf.json.api_response).toEqual({ success: false });
		const a = (await call(fake, `/api/v4/alert/${FIXTURE_ALERT_ID}/`)).json.api_response;
		expect(a.label).toEqual(['BLOCKED', 'N8N']);
		expect(a.status).toBe('MALICIOUS');
		expect(a.priority).toBe('HIGH');
		expect(a.events).toHaveLength(3);
		expect(a.events[0]).toMatchObject({ entity_type: 'user', entity_id: 'svc_soc', labels: ['BLOCKED', 'N8N'] });
		// wrong content type: the server's 415 quirk is an HTTP 200 with an error
		const q = await call(fake, `/api/v4/alert/status/${FIXTURE_ALERT_ID}/`, { body: 'ASSESS', headers: { 'Content-Type': 'text/plain' } });
		expect(q.status).toBe(200);
		expect(q.json.api_error_message).toMatch(/^415 Unsupported Media Type/);
		fake.reset();
	});

	test('session login for the Python client', async () => {
		expect((await call(fake, '/api/v3/auth/init/', { user: null })).status).toBe(404);
		const r = await fetch(fake.url + '/api/v4/auth/login/', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: 'svc_soc', apikey: fake.users[0].apikey }) });
		expect(r.status).toBe(200);
		const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
		const v = await fetch(fake.url + '/api/', { headers: { cookie } });
		expect((await v.json()).api_response).toEqual(['v4']);
	});
});

describe('fake Assemblyline: search', () => {
	let fake: FakeAssemblyline;
	const N = 2345;
	beforeAll(async () => {
		fake = await startFakeAssemblyline({ dataset: mergeDatasets(fixturesDataset(), generateDataset({ seed: 7, alerts: N })), now: () => Date.parse('2025-03-03T00:00:00Z') });
	});
	afterAll(() => fake.close());
	const total = N + 3;

	test('rows echoed, default 25, not capped at 500; offset+rows > 10000 is a SearchException', async () => {
		const d = await search(fake, 'alert', { query: '*' });
		expect(d.json.api_response.rows).toBe(25);
		expect(d.json.api_response.items).toHaveLength(25);
		expect(d.json.api_response.total).toBe(total);
		const big = await search(fake, 'alert', { query: '*', rows: 700, fl: 'alert_id' });
		expect(big.json.api_response.items).toHaveLength(700);
		const small = await search(fake, 'alert', { query: 'alert_id:' + FIXTURE_ALERT_ID, rows: 10 });
		expect(small.json.api_response).toMatchObject({ rows: 10, total: 1 });
		const tooFar = await search(fake, 'alert', { query: '*', offset: 9990, rows: 25 });
		expect(tooFar.status).toBe(400);
		expect(tooFar.json.api_error_message).toMatch(/^SearchException: Result window is too large/);
		expect((await search(fake, 'alert', { query: '' })).json.api_error_message).toBe('There was no search query.');
		expect((await call(fake, '/api/v4/search/alert/')).status).toBe(400);
		// GET with repeated filters
		const g = await call(fake, `/api/v4/search/alert/?query=*&filters=alert_id:${FIXTURE_ALERT_ID}&filters=sid:${FIXTURE_SID}&rows=5`);
		expect(g.json.api_response.total).toBe(1);
	});

	test('fl projection rules (§4.3)', async () => {
		const q = { query: `alert_id:${FIXTURE_ALERT_ID}` };
		const none = (await search(fake, 'alert', q)).json.api_response.items[0];
		expect(none.id).toBe(FIXTURE_ALERT_ID);
		expect(none.al).toEqual({ attrib: ['AGENTTESLA [IMP]'], av: [], score: 1700 });
		expect(none.file).toEqual({
			md5: 'e4dca19f6682cb4d9af0c16e5f1946e5', name: 'Invoice_8841.docm', sha1: '481d3f072580f5522cd03a2feda4a2f30f2e9724',
			sha256: '17b33ea8ef922d4dc871a582ca2299ac042f51a3e2bed1130cc4e8d21f49cb19', type: 'document/office/word',
		});
		expect(none.events).toBeUndefined();
		expect(none.metadata).toBeUndefined();
		const star = (await search(fake, 'alert', { ...q, fl: '*' })).json.api_response.items[0];
		expect(star.id).toBeUndefined();
		expect(star).toEqual(JSON.parse(fx('search_alert_page1.json')).api_response.items[0]);
		const det = (await search(fake, 'alert', { ...q, fl: 'al.detailed.*' })).json.api_response.items[0];
		expect(Object.keys(det)).toEqual(['al']);
		expect(Object.keys(det.al)).toEqual(['detailed']);
		expect(det.al.detailed).toEqual(star.al.detailed);
		const both = (await search(fake, 'alert', { ...q, fl: 'alert_id,al.detailed.*' })).json.api_response.items[0];
		expect(Object.keys(both).sort()).toEqual(['al', 'alert_id']);
		const sub = (await search(fake, 'alert', { ...q, fl: 'al.detailed.ip.value, sid' })).json.api_response.items[0];
		expect(sub).toEqual({ al: { detailed: { ip: star.al.detailed.ip.map((i: any) => ({ value: i.value })) } }, sid: FIXTURE_SID });
	});

	test('deep paging over 2,345 generated alerts returns each exactly once, total null', async () => {
		const seen = new Set<string>();
		let id = '*';
		let pages = 0;
		let last = Infinity;
		for (;;) {
			const r = await search(fake, 'alert', { query: '*', fl: 'alert_id,reporting_ts', rows: 500, deep_paging_id: id });
			const p = r.json.api_response;
			pages++;
			expect(p.total).toBeNull();
			expect(p.rows).toBe(500);
			for (const it of p.items) {
				expect(seen.has(it.alert_id)).toBe(false);
				seen.add(it.alert_id);
				const ms = Date.parse(it.reporting_ts);
				expect(ms).toBeLessThanOrEqual(last);
				last = ms;
			}
			if (!p.next_deep_paging_id) {
				expect(p.items.length).toBeLessThan(500);
				break;
			}
			expect(p.items).toHaveLength(500);
			id = p.next_deep_paging_id;
			const [, b64] = id.split(',');
			const vals = JSON.parse(Buffer.from(b64, 'base64').toString());
			expect(vals).toHaveLength(2);
		}
		expect(seen.size).toBe(total);
		expect(pages).toBe(Math.ceil(total / 500));
	});

	test('deep paging is a point in time: alerts added or updated meanwhile do not leak in', async () => {
		const q = { query: 'reporting_ts:[2025-03-01T00:00:00Z TO now]', fl: 'alert_id,reporting_ts,sid', rows: 100, sort: 'reporting_ts asc' };
		const first = await search(fake, 'alert', { ...q, deep_paging_id: '*' });
		const expected = (await search(fake, 'alert', { ...q, rows: 2000 })).json.api_response.total;
		const firstIds: string[] = first.json.api_response.items.map((i: any) => i.alert_id);
		fake.dataset.makeAlert({ reporting_ts: '2025-03-01T00:30:00Z', ips: ['45.1.2.3'] });
		fake.dataset.updateAlert(firstIds[0], { reporting_ts: '2025-03-02T12:00:00Z', ips: ['45.9.9.9'] });
		const ids = new Set(firstIds);
		let id = first.json.api_response.next_deep_paging_id;
		while (id) {
			const p = (await search(fake, 'alert', { ...q, deep_paging_id: id })).json.api_response;
			for (const it of p.items) {
				expect(ids.has(it.alert_id)).toBe(false);
				ids.add(it.alert_id);
			}
			id = p.next_deep_paging_id;
		}
		expect(ids.size).toBe(expected);
		// a new search sees both changes
		const after = (await search(fake, 'alert', { ...q, rows: 3000 })).json.api_response;
		expect(after.total).toBe(expected + 1);
		expect(after.items.find((i: any) => i.alert_id === firstIds[0]).reporting_ts).toBe('2025-03-02T12:00:00.000000Z');
		fake.reset();
	});

	test('an unknown or expired deep paging id is a SearchException', async () => {
		const r = await search(fake, 'alert', { query: '*', rows: 10, deep_paging_id: 'bm9wZQ==,WzFd' });
		expect(r.status).toBe(400);
		expect(r.json.api_error_message).toMatch(/^SearchException: .*search_context_missing_exception/);
		const p = (await search(fake, 'alert', { query: '*', rows: 10, deep_paging_id: '*' })).json.api_response;
		fake.setClock({ advanceMs: 301_000 });
		const e = await search(fake, 'alert', { query: '*', rows: 10, deep_paging_id: p.next_deep_paging_id });
		fake.setClock({ advanceMs: -301_000 });
		expect(e.status).toBe(400);
	});

	test('sort: explicit fields with a stable tie-breaker', async () => {
		const a = (await search(fake, 'alert', { query: '*', sort: 'al.score desc, reporting_ts asc', rows: 200, fl: 'alert_id,al.score' })).json.api_response.items;
		for (let i = 1; i < a.length; i++) expect(a[i - 1].al.score).toBeGreaterThanOrEqual(a[i].al.score);
		const b = (await search(fake, 'alert', { query: '*', sort: 'al.score desc, reporting_ts asc', rows: 200, fl: 'alert_id,al.score' })).json.api_response.items;
		expect(b).toEqual(a);
	});

	test('submission index', async () => {
		const r = await search(fake, 'submission', { query: `sid:${FIXTURE_SID}` });
		expect(r.json.api_response.items[0]).toMatchObject({ sid: FIXTURE_SID, id: FIXTURE_SID, state: 'completed' });
		const inprog = await search(fake, 'submission', { query: 'state:submitted', rows: 0 });
		expect(inprog.json.api_response.total).toBeGreaterThan(0);
		expect((await search(fake, 'badlist', { query: '*' })).json.api_response).toEqual({ offset: 0, rows: 25, total: 0, items: [] });
	});
});

describe('fake Assemblyline: Lucene subset', () => {
	let fake: FakeAssemblyline;
	beforeAll(async () => {
		fake = await startFakeAssemblyline({ now: () => Date.parse('2025-03-14T16:00:00Z') });
	});
	afterAll(() => fake.close());

	// The three fixture alerts: A = docm (15:07), B = phishing html (14:41), C = obfuscated js (13:55).
	const table: [string, number][] = [
		['*', 3],
		['*:*', 3],
		['al.ip:203.0.113.45', 1],
		['al.ip:192.0.2.*', 3],
		['al.ip:192.0.2.0\\/24', 3],
		['al.ip:"192.0.2.77"', 1],
		['al.detailed.ip.value:198.51.100.23', 1],
		['al.detailed.domain.verdict:safe', 2],
		['al.detailed.uri.type:network.dynamic.uri', 2],
		['al.domain:cdn-update.example.net', 1],
		['al.uri:"http://203.0.113.45:8080/gate.php"', 1],
		['al.uri:http\\:\\/\\/update.example.org*', 1],
		['file.name:*.docm', 1],
		['file.name:Payment_Notice.html OR file.name:setup_helper.js', 2],
		['file.name:Payment_Notice.html || file.name:setup_helper.js', 2],
		['file.name:Payment_Notice.html file.name:setup_helper.js', 2],
		['al.ip:* AND NOT status:MALICIOUS', 2],
		['al.ip:* && !status:MALICIOUS', 2],
		['al.ip:* -status:MALICIOUS', 2],
		['NOT status:*', 2],
		['status:*', 1],
		['owner:* OR priority:HIGH', 1],
		['(al.score:[1000 TO *] OR label:PHISHING) AND type:INGEST', 2],
		['al.score:{550 TO 1700}', 1],
		['al.score:[550 TO 1700]', 3],
		['al.score:[* TO 800]', 2],
		['reporting_ts:[now-2h TO now]', 2],
		['reporting_ts:[2025-03-14T14:00:00Z TO *]', 2],
		['reporting_ts:{2025-03-14T14:41:19.672310Z TO now]', 1],
		['reporting_ts:[* TO 2025-03-14T14:00:00Z]', 1],
		['reporting_ts:[now-1d/d TO now]', 3],
		['ts:[2025-03-14 TO 2025-03-14T14:00:00]', 1],
		['al.attrib:"AGENTTESLA [IMP]"', 1],
		['label:(PHISHING OR NOPE)', 1],
		['metadata.source:endpoint-agent', 1],
		['SDu3clC22x3tKZ6MOaE1B', 1],
		['agenttesla*', 1],
		['al.ip:10.*', 0],
		['nosuch.field:x', 0],
		['+type:INGEST -al.score:[1000 TO *]', 2],
	];
	test.each(table)('%s → %i hits', async (query, hits) => {
		const r = await search(fake, 'alert', { query, rows: 10, fl: 'alert_id' });
		expect(r.json.api_error_message).toBe('');
		expect(r.json.api_response.total).toBe(hits);
	});

	test.each(['al.ip:(', 'al.uri:http://x', 'al.ip:[1 TO', 'a~2', '"open', 'AND', 'reporting_ts:[yesterday TO now]', 'x:y)'])('bad query %s → 400 SearchException', async (query) => {
		const r = await search(fake, 'alert', { query });
		expect(r.status).toBe(400);
		expect(r.json.api_error_message).toBe(`SearchException: Failed to parse query [${query}]`);
		expect(r.json.api_response).toBe('');
	});

	test('filters apply as AND', async () => {
		const r = await search(fake, 'alert', { query: 'al.ip:*', filters: ['type:INGEST', 'al.score:[1000 TO *]'] });
		expect(r.json.api_response.total).toBe(1);
	});

	test('evaluation stays linear on pathological queries', async () => {
		const q = `file.name:${'*a'.repeat(40)}b OR ` + Array.from({ length: 300 }, (_, i) => `(al.ip:1.2.3.${i % 250} AND NOT x:y)`).join(' OR ');
		const t = Date.now();
		const r = await search(fake, 'alert', { query: q });
		expect(r.status).toBe(200);
		expect(Date.now() - t).toBeLessThan(2000);
	});
});
