// The fake's submit API (assemblyline-ui api/v4/submit.py): multipart and JSON, roles, profiles,
// and the submission's life on the fake's clock: "submitted", then completed after the delay, in the
// search index with its completion time.
import { createHash } from 'node:crypto';
import { DEFAULT_APIKEY, fixturesDataset, startFakeAssemblyline, type FakeAssemblyline } from './assemblyline/index.ts';
import { call, search } from './helpers.ts';

let fake: FakeAssemblyline;
const T0 = Date.parse('2026-03-01T10:00:00Z');

beforeAll(async () => {
	fake = await startFakeAssemblyline({
		dataset: fixturesDataset(),
		submitCompletionMs: 60_000,
		users: [
			{ name: 'svc_soc', apikey: DEFAULT_APIKEY, roles: ['submission_create', 'submission_view', 'submission_customize'] },
			{ name: 'basic', apikey: 'basic_key:Bq8!Xz3Lm6Rt1Yc4Wn7Ps2Df5Gh9Jk0Lp3A', roles: ['submission_create', 'submission_view'] },
			{ name: 'viewer', apikey: 'ro_key:Vw8!Hq3Zp6Lm1Rt4Yc7Bn2Xs5Df9Gk0Jw3Ea6Ub8Ci1Ov4P', roles: ['submission_view'] },
		],
	});
});
afterAll(() => fake.close());
beforeEach(() => fake.setClock({ now: T0 }));

async function multipart(user: string, bytes: Buffer, json: object) {
	const form = new FormData();
	form.append('json', JSON.stringify(json));
	form.append('bin', new Blob([new Uint8Array(bytes)]), 'sample.bin');
	const apikey = fake.users.find((u) => u.name === user)!.apikey;
	const r = await fetch(`${fake.url}/api/v4/submit/`, { method: 'POST', body: form, headers: { 'X-USER': user, 'X-APIKEY': apikey } });
	return { status: r.status, json: (await r.json()) as any };
}

test('multipart: the Submission document of exactly those bytes, "submitted" until the delay has passed, then completed and searchable by times.completed', async () => {
	const bytes = Buffer.from('hello http://91.214.124.19/x');
	const r = await multipart('svc_soc', bytes, { name: 'mail.eml', params: { description: 'd', priority: 500 }, metadata: { case: 'C-1' } });
	expect(r.status).toBe(200);
	const doc = r.json.api_response;
	expect(doc).toMatchObject({ state: 'submitted', files: [{ name: 'mail.eml', sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length }], metadata: { case: 'C-1' }, results: [] });
	expect(doc.times.completed).toBeNull();
	expect(doc.params).toMatchObject({ description: 'd', priority: 500, submitter: 'svc_soc' });
	expect((await call(fake, `/api/v4/submission/is_completed/${doc.sid}/`)).json.api_response).toBe(false);

	fake.setClock({ advanceMs: 60_000 });
	expect((await call(fake, `/api/v4/submission/is_completed/${doc.sid}/`)).json.api_response).toBe(true);
	const found = await search(fake, 'submission', { query: `times.completed:[2026-03-01T10:00:30Z TO now] AND sid:${doc.sid}`, fl: 'sid,times.completed,state' });
	expect(found.json.api_response.items).toEqual([{ sid: doc.sid, state: 'completed', times: { completed: '2026-03-01T10:01:00.000000Z' } }]);
	const summary = (await call(fake, `/api/v4/submission/summary/${doc.sid}/`)).json.api_response;
	expect(summary.tags.ioc['network.static.ip'].map((t: unknown[]) => t[0])).toEqual(['91.214.124.19']);
});

test('JSON: a URL (refanged, named after itself), a known hash, an unknown hash (404), no source (400)', async () => {
	const url = await call(fake, '/api/v4/submit/', { body: { url: 'hxxps://evil[.]example[.]com/a' } });
	expect(url.json.api_response.files[0].name).toBe('https://evil.example.com/a');
	const known = url.json.api_response.files[0].sha256;
	expect((await call(fake, '/api/v4/submit/', { body: { sha256: known } })).json.api_response.files[0].sha256).toBe(known);
	const unknown = await call(fake, '/api/v4/submit/', { body: { sha256: 'f'.repeat(64) } });
	expect([unknown.status, unknown.json.api_error_message]).toEqual([404, 'SHA256 does not exist in Assemblyline and no external sources are available.']);
	expect((await call(fake, '/api/v4/submit/', { body: { name: 'x' } })).status).toBe(400);
});

test('roles and profiles: no submission_create → 403 naming it; no submission_customize → a profile is required', async () => {
	const before = fake.dataset.submissions.size;
	const denied = await call(fake, '/api/v4/submit/', { body: { url: 'https://a.example.com/' }, user: 'viewer' });
	expect([denied.status, denied.json.api_error_message]).toEqual([403, 'Access Denied (/api/v4/submit/) [API /api/v4/submit/ requires one of the following roles: submission_create]']);
	const noProfile = await multipart('basic', Buffer.from('x'), {});
	expect([noProfile.status, noProfile.json.api_error_message]).toEqual([400, expect.stringMatching(/^You must specify a submission profile/)]);
	expect(fake.dataset.submissions.size).toBe(before);
	expect((await multipart('basic', Buffer.from('x'), { submission_profile: 'static' })).status).toBe(200);
	expect((await multipart('basic', Buffer.alloc(0), { submission_profile: 'static' })).json.api_error_message).toBe('File empty.');
});
