import { spawn } from 'node:child_process';
import { startFakeAssemblyline, FIXTURE_SID } from './assemblyline/index.ts';
import type { FakeAssemblyline } from './assemblyline/index.ts';
import { call, search } from './helpers.ts';

const WHOAMI = '/api/v4/user/whoami/';

describe('fault injection', () => {
	let fake: FakeAssemblyline;
	beforeAll(async () => {
		fake = await startFakeAssemblyline();
	});
	afterAll(() => fake.close());
	afterEach(() => fake.faults.clear());

	test('503-concurrency and 503-daily send the quota messages', async () => {
		fake.faults.add({ kind: '503-concurrency', path: '^/api/v4/user/' , once: true });
		const r = await call(fake, WHOAMI);
		expect(r.status).toBe(503);
		expect(r.json).toMatchObject({ api_response: '', api_error_message: "You've exceeded your maximum concurrent API calls quota of 10", api_status_code: 503 });
		expect((await call(fake, WHOAMI)).status).toBe(200);
		fake.faults.add({ kind: '503-daily', quota: 2000, once: true });
		const d = await call(fake, WHOAMI);
		expect(d.status).toBe(503);
		expect(d.json.api_error_message).toBe("You've exceeded your daily maximum API calls quota of 2000");
	});

	test('502 / 504 are nginx HTML pages, html-500 a Werkzeug page, html-200 an SSO page', async () => {
		for (const [kind, status, re] of [['502', 502, /502 Bad Gateway/], ['504', 504, /504 Gateway Time-out/], ['html-500', 500, /Internal Server Error/], ['html-200', 200, /Sign in/]] as const) {
			fake.faults.add({ kind, once: true });
			const r = await call(fake, WHOAMI);
			expect(r.status).toBe(status);
			expect(r.headers.get('content-type')).toMatch(/^text\/html/);
			expect(r.text).toMatch(re);
			expect(r.json).toBeUndefined();
		}
	});

	test('401 mid-stream (key revoked)', async () => {
		fake.faults.add({ kind: '401', after: 1, once: true });
		expect((await call(fake, WHOAMI)).status).toBe(200);
		const r = await call(fake, WHOAMI);
		expect(r.status).toBe(401);
		expect(r.json.api_error_message).toBe('Invalid user or APIKey');
		expect((await call(fake, WHOAMI)).status).toBe(200);
	});

	test('schedule: nth, times, after; match by method, index and user', async () => {
		fake.faults.add({ kind: '502', nth: 2, times: 2, index: 'alert' });
		const statuses: number[] = [];
		for (let i = 0; i < 6; i++) statuses.push((await search(fake, 'alert', { query: '*' })).status);
		expect(statuses).toEqual([200, 502, 200, 502, 200, 200]);
		expect((await search(fake, 'submission', { query: '*' })).status).toBe(200);
		fake.faults.clear();
		fake.faults.add({ kind: '504', user: 'viewer' });
		expect((await call(fake, WHOAMI)).status).toBe(200);
		expect((await call(fake, WHOAMI, { user: 'viewer' })).status).toBe(504);
		fake.faults.clear();
		fake.faults.add({ kind: '504', method: 'POST' });
		expect((await call(fake, WHOAMI)).status).toBe(200);
		expect((await search(fake, 'alert', { query: '*' })).status).toBe(504);
	});

	test('slow delays the answer', async () => {
		fake.faults.add({ kind: 'slow', delayMs: 400, once: true });
		const t = Date.now();
		expect((await call(fake, WHOAMI)).status).toBe(200);
		expect(Date.now() - t).toBeGreaterThanOrEqual(380);
	});

	test('truncated-json is a 200 whose body is half a JSON document', async () => {
		fake.faults.add({ kind: 'truncated-json', once: true });
		const r = await call(fake, `/api/v4/submission/summary/${FIXTURE_SID}/`);
		expect(r.status).toBe(200);
		expect(r.json).toBeUndefined();
		expect(() => JSON.parse(r.text)).toThrow();
		expect(r.text.startsWith('{"api_error_message":""')).toBe(true);
	});

	test('reset destroys the socket after headers and part of the body', async () => {
		fake.faults.add({ kind: 'reset', once: true });
		const res = await fetch(fake.url + `/api/v4/ontology/submission/${FIXTURE_SID}/`, { headers: { 'X-USER': 'svc_soc', 'X-APIKEY': fake.users[0].apikey } });
		expect(res.status).toBe(200);
		await expect(res.text()).rejects.toThrow();
		expect((await call(fake, WHOAMI)).status).toBe(200);
	});

	test('expire-cursor makes the next deep paging call a SearchException', async () => {
		const p1 = (await search(fake, 'alert', { query: '*', rows: 1, deep_paging_id: '*' })).json.api_response;
		fake.faults.add({ kind: 'expire-cursor', once: true });
		const r = await search(fake, 'alert', { query: '*', rows: 1, deep_paging_id: p1.next_deep_paging_id });
		expect(r.status).toBe(400);
		expect(r.json.api_error_message).toMatch(/^SearchException: /);
		expect(fake.requests.at(-1)!.fault).toBe('expire-cursor');
	});

	test('real concurrency quota: parallel requests beyond 10 in flight get 503', async () => {
		const f = await startFakeAssemblyline({ latencyMs: 300 });
		try {
			const rs = await Promise.all(Array.from({ length: 14 }, () => call(f, WHOAMI)));
			const codes = rs.map((r) => r.status);
			expect(codes.filter((c) => c === 200)).toHaveLength(10);
			expect(codes.filter((c) => c === 503)).toHaveLength(4);
			expect(rs.find((r) => r.status === 503)!.json.api_error_message).toBe("You've exceeded your maximum concurrent API calls quota of 10");
			expect(f.inFlight('svc_soc')).toBe(0);
			// the quota is per user
			const mixed = await Promise.all([...Array.from({ length: 10 }, () => call(f, WHOAMI)), call(f, WHOAMI, { user: 'viewer' })]);
			expect(mixed.every((r) => r.status === 200)).toBe(true);
		} finally {
			await f.close();
		}
	});

	test('daily quota counter and remaining-quota header', async () => {
		const f = await startFakeAssemblyline({ dailyQuota: 3 });
		try {
			const rs = [];
			for (let i = 0; i < 4; i++) rs.push(await call(f, WHOAMI));
			expect(rs.map((r) => r.status)).toEqual([200, 200, 200, 503]);
			expect(rs[0].headers.get('x-remaining-quota-api')).toBe('2');
			expect(rs[3].json.api_error_message).toBe("You've exceeded your daily maximum API calls quota of 3");
		} finally {
			await f.close();
		}
	});

	test('requests are recorded with user, query, body and status', async () => {
		fake.clearRequests();
		await search(fake, 'alert', { query: 'al.ip:*', rows: 2 });
		await call(fake, '/api/v4/ontology/submission/x/?service=CAPE&service=Oletools');
		expect(fake.requests.map((r) => [r.method, r.path, r.status, r.user])).toEqual([
			['POST', '/api/v4/search/alert/', 200, 'svc_soc'],
			['GET', '/api/v4/ontology/submission/x/', 404, 'svc_soc'],
		]);
		expect(fake.requests[0].body).toEqual({ query: 'al.ip:*', rows: 2 });
		expect(fake.requests[1].query).toEqual({ service: ['CAPE', 'Oletools'] });
	});
});

describe('control API', () => {
	let fake: FakeAssemblyline;
	beforeAll(async () => {
		fake = await startFakeAssemblyline();
	});
	afterAll(() => fake.close());
	const ctl = async (path: string, method = 'GET', body?: unknown) => {
		const r = await fetch(fake.url + path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
		return { status: r.status, json: (await r.json()) as any };
	};

	test('alerts, updates, submissions, faults, requests, clock, reset', async () => {
		expect((await ctl('/__fake/health')).json.ok).toBe(true);
		const add = await ctl('/__fake/alerts', 'POST', [{ alert_id: 'CtlAlert000000000001', reporting_ts: '2025-05-01T00:00:00Z', ips: ['45.6.7.8'] }]);
		expect(add.json.alert_ids).toEqual(['CtlAlert000000000001']);
		const found = await search(fake, 'alert', { query: 'al.ip:45.6.7.8', fl: 'alert_id,sid' });
		expect(found.json.api_response.items[0].alert_id).toBe('CtlAlert000000000001');
		const upd = await ctl('/__fake/alerts/CtlAlert000000000001/update', 'POST', { reporting_ts: '2025-05-02T00:00:00Z', domains: ['later.example.net'] });
		expect(upd.json.al.domain).toEqual(['later.example.net']);
		expect(upd.json.al.ip).toEqual(['45.6.7.8']);
		const clk = await ctl('/__fake/clock', 'POST', { now: '2025-05-02T12:00:00Z' });
		expect(clk.json.now).toBe('2025-05-02T12:00:00.000000Z');
		const sub = await ctl('/__fake/submissions', 'POST', { ips: ['45.0.0.9'], alert_id: 'CtlPending0000000001' });
		expect((await call(fake, `/api/v4/submission/is_completed/${sub.json.sid}/`)).json.api_response).toBe(false);
		const done = await ctl(`/__fake/submissions/${sub.json.sid}/complete`, 'POST', {});
		expect(done.json.alert.alert_id).toBe('CtlPending0000000001');
		expect((await call(fake, `/api/v4/submission/is_completed/${sub.json.sid}/`)).json.api_response).toBe(true);
		const f = await ctl('/__fake/faults', 'POST', { kind: '502', path: '^/api/v4/user/', once: true });
		expect(f.json.ids).toHaveLength(1);
		expect((await call(fake, WHOAMI)).status).toBe(502);
		expect((await ctl('/__fake/faults')).json.faults[0]).toMatchObject({ kind: '502', fired: 1 });
		const reqs = await ctl('/__fake/requests');
		expect(reqs.json.requests.some((r: any) => r.status === 502 && r.fault === '502')).toBe(true);
		await ctl('/__fake/clock', 'POST', { advanceMs: 12 * 3600_000 });
		expect((await search(fake, 'alert', { query: 'reporting_ts:[now-1d TO now]' })).json.api_response.total).toBe(2);
		expect((await ctl('/__fake/reset', 'POST')).json.ok).toBe(true);
		expect((await ctl('/__fake/state')).json.alerts).toBe(3);
		expect((await ctl('/__fake/nope')).status).toBe(404);
	});
});

describe('CLI', () => {
	test('prints one JSON line, serves, and stops on SIGTERM', async () => {
		const child = spawn(process.execPath, ['test/fakes/assemblyline/cli.ts', '--port', '0', '--preset', 'generated', '--alerts', '120', '--seed', '3'], { stdio: ['ignore', 'pipe', 'pipe'] });
		try {
			const line = await new Promise<string>((resolve, reject) => {
				let buf = '';
				child.stdout.on('data', (d) => {
					buf += d;
					if (buf.includes('\n')) resolve(buf);
				});
				child.on('exit', (c) => reject(new Error(`exited ${c}`)));
				setTimeout(() => reject(new Error('timeout')), 15000);
			});
			expect(line.trim().split('\n')).toHaveLength(1);
			const info = JSON.parse(line);
			expect(Object.keys(info).sort()).toEqual(['apikey', 'port', 'url', 'user']);
			const r = await fetch(`${info.url}/api/v4/search/alert/?query=*&rows=1`, { headers: { 'X-USER': info.user, 'X-APIKEY': info.apikey } });
			expect((await r.json()).api_response.total).toBe(120);
			const code = await new Promise<number | null>((resolve) => {
				child.on('exit', (c) => resolve(c));
				child.kill('SIGTERM');
			});
			expect(code).toBe(0);
		} finally {
			if (child.exitCode === null) child.kill('SIGKILL');
		}
	}, 30_000);
});
