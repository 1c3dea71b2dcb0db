/**
 * The Assemblyline credential test (issue 23 point 3, issue 14 point 4): it passes only for an
 * Assemblyline answer, and each failure says what to check. Driven through n8n-core's RoutingNode
 * as n8n's CLI drives it (test/harness/credentialTest.ts), against the fake Assemblyline and against
 * plain servers on 127.0.0.1 that are not Assemblyline.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { AssemblylineApi } from '../../credentials/AssemblylineApi.credentials';
import { defaultUsers, startFakeAssemblyline, type FakeAssemblyline } from '../fakes/assemblyline/index.ts';
import { HTML_200 } from '../fakes/assemblyline/faults.ts';
import { runCredentialTest } from '../harness/credentialTest.ts';
import { CREDENTIAL_TYPES, registerCredentialType } from '../harness/n8n.ts';

const type = new AssemblylineApi();
if (!CREDENTIAL_TYPES[type.name]) registerCredentialType(type);

const KEY = 'n8n_prod:CTSECRET-5e1a9c3b7d2f4a6c8e0b';
const NEW_KEY = 'n8n_new:CTNEWBIE-0a2c4e6b8d1f3a5c7e9b';

let fake: FakeAssemblyline;
let tosFake: FakeAssemblyline;
const servers: Server[] = [];
let htmlUrl: string;
let jsonUrl: string;
let closedUrl: string;
const hits: string[] = [];

async function listen(server: Server): Promise<string> {
	servers.push(server);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
	const [soc, viewer] = defaultUsers();
	fake = await startFakeAssemblyline({ users: [{ ...soc, apikey: KEY }, viewer] });
	// A server with Terms of Service: svc_soc accepted them, newbie has not.
	tosFake = await startFakeAssemblyline({
		tos: true,
		users: [{ ...soc, apikey: KEY, agreesWithTos: '2026-01-05T09:00:00.000000Z' }, { ...soc, name: 'newbie', apikey: NEW_KEY }],
	});
	// Like the n8n editor itself: every path answers an HTML page with 200.
	htmlUrl = await listen(
		createServer((req, res) => {
			hits.push(`html ${req.url}`);
			res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
			res.end(HTML_200);
		}),
	);
	// Some other JSON API answering 200.
	jsonUrl = await listen(
		createServer((req, res) => {
			hits.push(`json ${req.url}`);
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ status: 'ok', user: { name: 'svc_soc' } }));
		}),
	);
	const closed = createServer();
	closedUrl = await listen(closed);
	await new Promise((resolve) => closed.close(resolve));
});
afterAll(async () => {
	await Promise.all([fake.close(), tosFake.close(), ...servers.filter((s) => s.listening).map((s) => new Promise((r) => s.close(r)))]);
});

const test_ = (url: string, username = 'svc_soc', apiKey = KEY) => runCredentialTest(type, { url, username, apiKey, ignoreSslIssues: false });

test('passes for a valid key on Assemblyline, reading the user\'s own account', async () => {
	fake.clearRequests();
	const result = await test_(fake.url);
	expect(result.status).toBe('OK');
	expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.user} ${r.status}`)).toEqual(['GET /api/v4/user/svc_soc/ svc_soc 200']);
});

test('a trailing slash on the Server URL is accepted', async () => {
	expect((await test_(`${fake.url}/`)).status).toBe('OK');
});

test('an HTML page answered with 200 (the n8n editor itself) fails, naming the Server URL', async () => {
	hits.length = 0;
	const result = await test_(htmlUrl);
	expect(hits).toEqual(['html /api/v4/user/svc_soc/']);
	expect(result.status).toBe('Error');
	expect(result.message).toMatch(/not as Assemblyline does/);
	expect(result.message).toMatch(/Check the Server URL/);
});

test('another JSON API answering 200 fails the same way', async () => {
	const result = await test_(jsonUrl);
	expect(result.status).toBe('Error');
	expect(result.message).toMatch(/Check the Server URL/);
});

test.each([
	['a wrong secret', 'n8n_prod:CTWRONG-1111111111111111'],
	['the secret without its "name:" part', KEY.split(':')[1]],
])('%s fails with 401, naming the Username and the name:secret format', async (_case, apiKey) => {
	const result = await test_(fake.url, 'svc_soc', apiKey);
	expect(result.status).toBe('Error');
	expect(result.message).toMatch(/\(401\)/);
	expect(result.message).toMatch(/Check the Username/);
	expect(result.message).toContain('"key_name:secret"');
	expect(result.message).not.toContain(KEY.split(':')[1]);
});

test('a wrong username fails with the same 401 advice', async () => {
	const result = await test_(fake.url, 'svc_nobody');
	expect(result.message).toMatch(/Check the Username/);
});

test('a user who has not accepted the Terms of Service fails, saying so', async () => {
	const result = await test_(tosFake.url, 'newbie', NEW_KEY);
	expect(result.status).toBe('Error');
	expect(result.message).toMatch(/has not accepted the Terms of Service/);
	expect(result.message).toMatch(/R \(read\) ACL/);
	// The same user would pass a whoami ping: Assemblyline exempts whoami from the check.
	const whoami = await fetch(`${tosFake.url}/api/v4/user/whoami/`, { headers: { 'X-USER': 'newbie', 'X-APIKEY': NEW_KEY } });
	expect(whoami.status).toBe(200);
	expect(((await whoami.json()) as { api_response: { agrees_with_tos: unknown } }).api_response.agrees_with_tos).toBeNull();
	// ...and every node call fails.
	const search = await fetch(`${tosFake.url}/api/v4/search/alert/?query=*&rows=1`, { headers: { 'X-USER': 'newbie', 'X-APIKEY': NEW_KEY } });
	expect(search.status).toBe(403);
	expect(((await search.json()) as { api_error_message: string }).api_error_message).toBe(
		'Access Denied (/api/v4/search/alert/) [Agree to Terms of Service before you can make any API calls]',
	);
});

test('a user who accepted them passes on the same server', async () => {
	expect((await test_(tosFake.url)).status).toBe('OK');
});

test('a Server URL with a path (".../api") fails with 404 advice about the Server URL', async () => {
	const result = await test_(`${fake.url}/api`);
	expect(result.message).toMatch(/\(404\).*Check the Server URL/);
});

test('a host that does not listen fails with the network error code', async () => {
	const result = await test_(closedUrl);
	expect(result.status).toBe('Error');
	expect(result.message).toMatch(/ECONNREFUSED/);
	// The field's help says what such a code means (n8n shows only the code).
	expect(type.properties.find((p) => p.name === 'url')?.description).toMatch(/ECONNREFUSED.*could not reach/);
});
