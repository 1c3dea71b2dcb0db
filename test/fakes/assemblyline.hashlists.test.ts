// The fake's safelist and badlist against the keys, answers and roles of assemblyline-ui
// api/v4/safelist.py and api/v4/badlist.py.
import { startFakeAssemblyline, tagQhash } from './assemblyline/index.ts';
import type { FakeAssemblyline } from './assemblyline/index.ts';
import { call } from './helpers.ts';

const tagEntry = (type: string, value: string, extra: Record<string, unknown> = {}) => ({
	type: 'tag',
	tag: { type, value },
	sources: [{ name: 'svc_soc', type: 'user', reason: ['NTP, benign'] }],
	...extra,
});

describe('fake Assemblyline: safelist and badlist', () => {
	let fake: FakeAssemblyline;
	beforeAll(async () => {
		fake = await startFakeAssemblyline({ users: undefined });
	});
	afterAll(() => fake.close());
	beforeEach(() => fake.reset());

	test('the key is sha256("<type>: <normalized value>") (examples from assemblyline-core safelist_client.py rules)', () => {
		expect(tagQhash('network.dynamic.domain', 'Time.Windows.com')).toBe('81c5f7136c33b27f591a54cc8b646199b332bdd3455fd474b201294191938a38');
		expect(tagQhash('network.dynamic.ip', '203.0.113.45')).toBe('29515df185f2c77fc67781f8f21d149f65e3a5d7ae372d6ca18de3c4656bd0af');
		expect(tagQhash('network.dynamic.uri', 'http://203.0.113.45:8080/gate.php')).toBe('b4a7d2e658a78a2d8c2387efb69b629780f722bc03793163f1c0b94aa11efee2');
		// only the authority of a URI is lower-cased
		expect(tagQhash('network.static.uri', 'HTTP://EVIL.Example/Path')).toBe(tagQhash('network.static.uri', 'HTTP://evil.example/Path'));
		expect(tagQhash('network.static.uri', 'http://evil.example/Path')).not.toBe(tagQhash('network.static.uri', 'http://evil.example/path'));
	});

	test('add, then the same tag again merges sources; lookup by hash answers the stored document', async () => {
		const add = await call(fake, '/api/v4/safelist/', { method: 'PUT', body: tagEntry('network.dynamic.domain', 'Time.Windows.com', { dtl: 30 }) });
		expect(add.status).toBe(200);
		const hash = '81c5f7136c33b27f591a54cc8b646199b332bdd3455fd474b201294191938a38';
		expect(add.json.api_response).toEqual({ success: true, op: 'add', hash });
		const again = await call(fake, '/api/v4/safelist/', { method: 'POST', body: { ...tagEntry('network.dynamic.domain', 'time.windows.com'), sources: [{ name: 'svc_soc', type: 'user', reason: ['seen daily'] }] } });
		expect(again.json.api_response).toEqual({ success: true, op: 'update', hash });
		expect(fake.safelist.size).toBe(1);
		const stored = fake.safelist.get(hash)!;
		expect(stored.tag).toEqual({ type: 'network.dynamic.domain', value: 'time.windows.com' });
		expect(stored.sources).toEqual([{ classification: 'TLP:C', name: 'svc_soc', reason: ['NTP, benign', 'seen daily'], type: 'user' }]);
		// re-adding without dtl removes the expiry
		expect(stored.expiry_ts).toBeNull();

		const get = await call(fake, `/api/v4/safelist/${hash}/`);
		expect(get.status).toBe(200);
		expect(get.json.api_response).toMatchObject({ type: 'tag', enabled: true, hashes: { sha256: hash }, tag: { value: 'time.windows.com' } });
		const tagRoute = await call(fake, '/api/v4/safelist/network.dynamic.domain/time.windows.com/');
		expect(tagRoute.json.api_response.hashes.sha256).toBe(hash);
		// the tag route does not normalize
		expect((await call(fake, '/api/v4/safelist/network.dynamic.domain/Time.Windows.com/')).status).toBe(404);
	});

	test('lookups: 404 with null, the safelist length check, a URI cannot use the tag route', async () => {
		const miss = await call(fake, `/api/v4/safelist/${tagQhash('network.dynamic.ip', '198.51.100.1')}/`);
		expect(miss.status).toBe(404);
		expect(miss.json.api_response).toBeNull();
		expect(miss.json.api_error_message).toBe('The hash was not found in the safelist.');
		const bad = await call(fake, '/api/v4/safelist/abc/');
		expect(bad.status).toBe(400);
		expect(bad.json.api_error_message).toBe('Invalid hash length');
		// the badlist has no length check (tlsh/ssdeep keys)
		const bmiss = await call(fake, '/api/v4/badlist/abc/');
		expect(bmiss.status).toBe(404);
		expect(bmiss.json.api_error_message).toBe('The hash was not found in the badlist.');
		const uri = await call(fake, `/api/v4/safelist/network.static.uri/${encodeURIComponent('http://x.example/a')}/`);
		expect(uri.status).toBe(404);
		expect(uri.json.api_error_message).toMatch(/^Api does not exist/);
	});

	test('refusals: roles, another user as source, external source, missing tag, URI without //', async () => {
		const body = tagEntry('network.static.ip', '192.0.2.1');
		const ro = await call(fake, '/api/v4/badlist/', { method: 'PUT', body, user: 'viewer' });
		expect(ro.status).toBe(403);
		expect(ro.json.api_error_message).toBe('Access Denied (/api/v4/badlist/) [API /api/v4/badlist/ requires one of the following roles: badlist_manage]');
		const look = await call(fake, `/api/v4/badlist/${tagQhash('network.static.ip', '192.0.2.1')}/`, { user: 'viewer' });
		expect(look.status).toBe(403);
		expect(look.json.api_error_message).toMatch(/requires one of the following roles: badlist_view/);
		const other = await call(fake, '/api/v4/safelist/', { method: 'PUT', body: { ...body, sources: [{ name: 'jdoe', type: 'user', reason: ['x'] }] } });
		expect(other.status).toBe(400);
		expect(other.json.api_error_message).toBe('You cannot add a source for another user. jdoe != svc_soc');
		const ext = await call(fake, '/api/v4/safelist/', { method: 'PUT', body: { ...body, sources: [{ name: 'feed', type: 'external', reason: ['x'] }] } });
		expect(ext.status).toBe(403);
		expect(ext.json.api_error_message).toBe('You do not have sufficient priviledges to add an external source.');
		const noTag = await call(fake, '/api/v4/safelist/', { method: 'PUT', body: { type: 'tag', sources: body.sources } });
		expect(noTag.status).toBe(400);
		expect(noTag.json.api_error_message).toBe('Tag data not found');
		const uri = await call(fake, '/api/v4/badlist/', { method: 'PUT', body: tagEntry('network.static.uri', 'evil.example/a') });
		expect(uri.status).toBe(500);
		expect(fake.safelist.size + fake.badlist.size).toBe(0);
	});

	test('delete: own source removed, then the entry; a missing entry is success false', async () => {
		const body = tagEntry('network.dynamic.ip', '203.0.113.45');
		const hash = '29515df185f2c77fc67781f8f21d149f65e3a5d7ae372d6ca18de3c4656bd0af';
		await call(fake, '/api/v4/badlist/', { method: 'PUT', body: { ...body, attribution: { family: ['agenttesla'] } } });
		expect(fake.badlist.get(hash)?.attribution).toEqual({ family: ['AGENTTESLA'] });
		const del = await call(fake, `/api/v4/badlist/${hash}/`, { method: 'DELETE' });
		expect(del.json.api_response).toEqual({ success: true });
		expect(fake.badlist.get(hash)).toBeUndefined();
		const again = await call(fake, `/api/v4/badlist/${hash}/`, { method: 'DELETE' });
		expect(again.status).toBe(200);
		expect(again.json.api_response).toEqual({ success: false });
	});

	test('control API seeds and reads a list; entries past expiry_ts are gone', async () => {
		const seed = await fetch(`${fake.url}/__fake/safelist`, {
			method: 'POST', headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ ...tagEntry('network.static.domain', 'cdn.example'), sources: [{ name: 'admin', type: 'user', reason: ['seed'] }], dtl: 1 }),
		});
		const { hashes } = (await seed.json()) as { hashes: string[] };
		expect(hashes).toEqual([tagQhash('network.static.domain', 'cdn.example')]);
		const read = (await (await fetch(`${fake.url}/__fake/safelist`)).json()) as { entries: Record<string, unknown> };
		expect(Object.keys(read.entries)).toEqual(hashes);
		fake.setClock({ advanceMs: 2 * 86_400_000 });
		expect((await call(fake, `/api/v4/safelist/${hashes[0]}/`)).status).toBe(404);
	});
});
