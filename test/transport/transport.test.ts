/**
 * The transport's contract (docs/architecture.md, Runtime rules), call by call against the fake Assemblyline: what is
 * retried, what fails at once, and what the failure says.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { AssemblylineApi } from '../../credentials/AssemblylineApi.credentials';
import { normaliseServerUrl, RETRY } from '../../nodes/shared/transport';
import { DEFAULT_APIKEY, FIXTURE_SID, fixturesDataset, startFakeAssemblyline, type FakeAssemblyline } from '../fakes/assemblyline/index.ts';
import { runNode } from '../harness/n8n.ts';
import { TransportProbe } from '../harness/probe.ts';

let fake: FakeAssemblyline;
beforeAll(async () => {
	fake = await startFakeAssemblyline({ dataset: fixturesDataset() });
});
afterAll(async () => await fake.close());
beforeEach(() => {
	fake.faults.clear();
	fake.clearRequests();
});

const WHOAMI = '/api/v4/user/whoami/';

async function call(parameters: INodeParameters, user = { name: 'svc_soc', key: DEFAULT_APIKEY }, url = fake.url) {
	return await runNode({
		node: new TransportProbe(),
		parameters,
		credentials: { assemblylineApi: { url, username: user.name, apiKey: user.key } },
	});
}

describe('success', () => {
	it('sends X-USER and X-APIKEY and unwraps the envelope', async () => {
		const { outputs, error } = await call({ path: WHOAMI });
		expect(error).toBeUndefined();
		expect((outputs[0][0].json.response as IDataObject).username).toBe('svc_soc');
		expect(fake.requests[0]).toMatchObject({ user: 'svc_soc', status: 200 });
	});

	it('returns the ontology NDJSON as text', async () => {
		const { outputs } = await call({ path: `/api/v4/ontology/submission/${FIXTURE_SID}/`, raw: true });
		const lines = String(outputs[0][0].json.response).trim().split('\n');
		expect(lines).toHaveLength(3);
		expect(JSON.parse(lines[1]).service.name).toBe('CAPE');
	});

	it('sends a JSON body on POST', async () => {
		const { outputs } = await call({
			method: 'POST',
			path: '/api/v4/search/alert/',
			body: { query: 'alert_id:*', rows: 2, fl: 'alert_id' },
		});
		const response = outputs[0][0].json.response as IDataObject;
		expect(response.rows).toBe(2);
		expect((response.items as IDataObject[])[0]).toHaveProperty('alert_id');
	});
});

describe('retried, then complete', () => {
	it.each([
		['503 concurrency quota', '503-concurrency'],
		['502 from the proxy', '502'],
		['504 from the proxy', '504'],
		['JSON cut short', 'truncated-json'],
		['connection reset mid-body', 'reset'],
	])('%s', async (_label, kind) => {
		fake.faults.add({ kind: kind as never, times: 2 });
		const { outputs, error } = await call({ path: WHOAMI });
		expect(error).toBeUndefined();
		expect((outputs[0][0].json.response as IDataObject).username).toBe('svc_soc');
		expect(fake.requests).toHaveLength(3);
	});

	it('gives up after a bounded number of attempts, saying so', async () => {
		fake.faults.add({ kind: '503-concurrency' });
		const { error } = await call({ path: WHOAMI });
		expect(fake.requests).toHaveLength(RETRY.attempts);
		expect(error?.message).toMatch(new RegExp(`busy.*tried ${RETRY.attempts} times`));
		expect(error?.description).toMatch(/concurrent API quota/);
	});
});

describe('fails at once, with what to do', () => {
	it('401: the credential', async () => {
		const { error } = await call({ path: WHOAMI }, { name: 'svc_soc', key: 'n8n_test:nope-nope-nope' });
		expect(error?.message).toBe('Assemblyline refused the credentials: Invalid user or APIKey');
		expect(error?.httpCode).toBe('401');
		expect(fake.requests).toHaveLength(1);
		expect(JSON.stringify(error)).not.toContain('nope-nope');
	});

	it('403: names the missing role', async () => {
		const viewer = fake.users.find((user) => user.name === 'viewer')!;
		const { error } = await call({ path: '/api/v4/alert/status/x/', method: 'POST', body: 'MALICIOUS' as never }, { name: viewer.name, key: viewer.apikey });
		expect(error?.message).toMatch(/lacks the role "alert_manage"/);
		expect(error?.description).toMatch(/requires one of the following roles: alert_manage/);
		expect(fake.requests).toHaveLength(1);
	});

	it('403 on a search index: names the role and the index, not a classification hint', async () => {
		const viewer = fake.users.find((user) => user.name === 'viewer')!;
		const { error } = await call({ path: '/api/v4/search/signature/', method: 'POST', body: { query: '*' } }, { name: viewer.name, key: viewer.apikey });
		expect(error?.message).toBe('The Assemblyline API key lacks the role "signature_view" needed to search the signature index');
		expect(error?.description).toMatch(/requires the role 'signature_view' for request on index 'signature'/);
		expect(error?.description).not.toMatch(/classification/);
		expect(fake.requests).toHaveLength(1);
	});

	it('404 "Api does not exist" (a Server URL ending in /api) says to check the Server URL', async () => {
		const { error } = await call({ path: WHOAMI }, undefined, `${fake.url}/api`);
		expect(fake.requests[0].path).toBe('/api/api/v4/user/whoami/');
		expect(error?.message).toMatch(/Api does not exist \(\/api\/api\/v4\/user\/whoami\/\)/);
		expect(error?.description).toMatch(/Check the Server URL/);
		expect(error?.description).not.toMatch(/identifier|submission/i);
	});

	it('403 for Terms of Service not accepted says to accept them in the web UI', async () => {
		const server = createServer((req, res) => {
			res.writeHead(403, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ api_response: {}, api_error_message: `Access Denied (${req.url}) [Agree to Terms of Service before you can make any API calls]`, api_status_code: 403 }));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const { error } = await call({ path: '/api/v4/search/alert/', method: 'POST', body: { query: '*' } }, undefined, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
			expect(error?.message).toBe('The Assemblyline user has not accepted the Terms of Service');
			expect(error?.description).toMatch(/accept the Terms of Service/);
		} finally {
			server.close();
		}
	});

	it('400: quotes Assemblyline (a Lucene error)', async () => {
		const { error } = await call({ method: 'POST', path: '/api/v4/search/alert/', body: { query: 'al.ip:(' } });
		expect(error?.message).toMatch(/rejected the request: SearchException: /);
		expect(fake.requests).toHaveLength(1);
	});

	it('daily quota: no retry helps', async () => {
		fake.faults.add({ kind: '503-daily' });
		const { error } = await call({ path: WHOAMI });
		expect(error?.message).toMatch(/daily API quota is used up/);
		expect(error?.description).toMatch(/resets at midnight/);
		expect(fake.requests).toHaveLength(1);
	});

	it('an HTML page with status 200 (SSO or proxy) is not data', async () => {
		fake.faults.add({ kind: 'html-200' });
		const { error } = await call({ path: WHOAMI });
		expect(error?.message).toMatch(/HTML page \(HTTP 200\)/);
		expect(error?.description).toMatch(/server URL/);
		expect(fake.requests).toHaveLength(1);
	});

	it('a read timeout is not sent again: the server is still running the first request', async () => {
		fake.faults.add({ kind: 'slow', delayMs: 1500 });
		const { error } = await call({ path: WHOAMI, timeoutMs: 200 });
		expect(error?.message).toBe('Assemblyline did not answer within 0.2 s');
		expect(error?.description).toMatch(/not sent again.*Timeout option/);
		// the abandoned request still holds its slot on the server until it finishes
		expect(fake.inFlight('svc_soc')).toBe(1);
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect(fake.requests).toHaveLength(1);
		expect(fake.inFlight('svc_soc')).toBe(0);
	});

	it('an unreachable server says to check the URL', async () => {
		const closed = createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const port = (closed.address() as AddressInfo).port;
		await new Promise((resolve) => closed.close(resolve));
		const { error } = await call({ path: WHOAMI }, undefined, `http://127.0.0.1:${port}`);
		expect(error?.message).toMatch(/^Could not reach Assemblyline \(tried \d times\)$/);
		expect(error?.description).toMatch(/ECONNREFUSED\. Check the server URL/);
	});
});

describe('an error message on HTTP 200', () => {
	let server: Server;
	afterAll(() => server?.close());

	it('is an error (Assemblyline answers a wrong content type this way)', async () => {
		server = createServer((_req, res) => {
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({ api_response: '', api_error_message: '415 Unsupported Media Type', api_status_code: 200 }));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		const { error, outputs } = await call({ path: WHOAMI }, undefined, url);
		expect(outputs[0] ?? []).toHaveLength(0);
		expect(error?.message).toMatch(/415 Unsupported Media Type/);
	});
});

describe('server URL', () => {
	it.each([
		['al.example.org', 'https://al.example.org'],
		['https://al.example.org/', 'https://al.example.org'],
		['  http://127.0.0.1:8443//  ', 'http://127.0.0.1:8443'],
		['HTTPS://AL.example.org', 'HTTPS://AL.example.org'],
	])('%s → %s, in the transport and in the credential test', (input, expected) => {
		expect(normaliseServerUrl(input)).toBe(expected);
		// The credential's test request resolves its baseURL with n8n's own expression engine.
		const credential = new AssemblylineApi();
		const workflow = new Workflow({ nodes: [], connections: {}, active: false, nodeTypes: { getByName: () => undefined, getByNameAndVersion: () => undefined, getKnownTypes: () => ({}) } as never });
		const resolved = workflow.expression.getSimpleParameterValue(
			{ name: 'test', type: 'test', typeVersion: 1, position: [0, 0], parameters: {}, id: 't' },
			credential.test.request.baseURL as string,
			'internal',
			{ $credentials: { url: input } },
		);
		expect(resolved).toBe(expected);
	});
});
