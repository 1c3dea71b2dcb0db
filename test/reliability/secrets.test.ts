/**
 * Secrets (issue 8.4): the Assemblyline API key and every provider key never appear in an output
 * item, an error (message, description, the whole error as JSON with its cause and context), the
 * run data n8n keeps, or anything logged (n8n's LoggerProxy, the DI Logger that node contexts hand
 * out as `this.logger`, and the console), including when the credential test fails.
 *
 * The credential types come from package.json (n8n.credentials), so a new credential without a
 * scenario here fails the suite. For each: succeeding and failing calls through the nodes that use
 * it (401 with a wrong key, 403, 500, a server that echoes the request, the key included, back in
 * its error, a network error), and its `test` request.
 *
 * The credential test: n8n's CLI (not available here) runs `test.request` through n8n-core's
 * RoutingNode as a declarative node. The tests do exactly that (test/harness/credentialTest.ts:
 * expressions resolved by n8n's engine, `authenticate` applied by the harness's credentials helper,
 * HTTP by n8n-core), and compute the message the CLI would show with the type's rules. When the server echoes the request
 * back in its error body, n8n's RoutingNode keeps that body in the error's description and context
 * (n8n's code, not this package's): then only the message the user sees is checked. Not covered:
 * the CLI's own wrapper (CredentialsTester), which passes the raw error to its debug log.
 *
 * Provider-specific key hygiene on outputs is also in test/nodes/enrich.*.test.ts; Assemblyline 401
 * in test/transport/transport.test.ts and test/nodes/submission-iocs.test.ts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type { ICredentialType, IDataObject } from 'n8n-workflow';
import { LoggerProxy } from 'n8n-workflow';

import { Assemblyline } from '../../nodes/Assemblyline/Assemblyline.node';
import { AssemblylineAlertSearch } from '../../nodes/AssemblylineAlertSearch/AssemblylineAlertSearch.node';
import { AssemblylineAlertTrigger } from '../../nodes/AssemblylineAlertTrigger/AssemblylineAlertTrigger.node';
import { FilterBlockableIocs } from '../../nodes/FilterBlockableIocs/FilterBlockableIocs.node';
import { AssemblylineSubmissionTrigger } from '../../nodes/AssemblylineSubmissionTrigger/AssemblylineSubmissionTrigger.node';
import { AssemblylineSubmissionIocs } from '../../nodes/AssemblylineSubmissionIocs/AssemblylineSubmissionIocs.node';
import { BlockOnFirewall } from '../../nodes/BlockOnFirewall/BlockOnFirewall.node';
import { IocEnrich } from '../../nodes/IocEnrich/IocEnrich.node';
import { defaultUsers, FIXTURE_SID, fixturesDataset, startFakeAssemblyline, type FakeAssemblyline } from '../fakes/assemblyline/index.ts';
import { FALCON_CLIENT_ID, FALCON_SECRET, startFakeCrowdStrike, type FakeCrowdStrike } from '../fakes/firewalls/crowdstrike.ts';
import { DEFENDER_CLIENT_ID, DEFENDER_SECRET, DEFENDER_TENANT, startFakeDefender, type FakeDefender } from '../fakes/firewalls/defender.ts';
import { FORTIGATE_TOKEN, startFakeFortiGate, type FakeFortiGate } from '../fakes/firewalls/fortigate.ts';
import { CLOUDFLARE_ACCOUNT, CLOUDFLARE_LIST, CLOUDFLARE_TOKEN, startFakeCloudflare, type FakeCloudflare } from '../fakes/firewalls/cloudflare.ts';
import { OPNSENSE_KEY, OPNSENSE_SECRET, startFakeOpnsense, type FakeOpnsense } from '../fakes/firewalls/opnsense.ts';
import { PANOS_KEY, startFakePanos, type FakePanos } from '../fakes/firewalls/panos.ts';
import { FakeProviders, KEYS, SAMPLES, type ProviderId } from '../fakes/providers.ts';
import { runCredentialTest as runCredentialTestAsCli } from '../harness/credentialTest.ts';
import { CREDENTIAL_TYPES, poll, registerCredentialType, runNode } from '../harness/n8n.ts';
import { fastLimits } from '../nodes/enrich.helpers.ts';

// --- what was logged ----------------------------------------------------------------------------

const logged: string[] = [];
const record = (level: string) => (...args: unknown[]) => {
	logged.push(`${level} ${safeJson(args)}`);
};
const LEVELS = ['error', 'warn', 'info', 'debug'] as const;

function safeJson(value: unknown): string {
	const seen = new WeakSet<object>();
	return JSON.stringify(value, (_key, v: unknown) => {
		if (v instanceof Error) {
			return { ...v, name: v.name, message: v.message, stack: v.stack, cause: (v as { cause?: unknown }).cause, description: (v as { description?: unknown }).description };
		}
		if (typeof v === 'object' && v !== null) {
			if (seen.has(v)) return '[circular]';
			seen.add(v);
		}
		if (typeof v === 'bigint') return String(v);
		return v;
	});
}

beforeAll(() => {
	LoggerProxy.init(Object.fromEntries(LEVELS.map((level) => [level, record(`LoggerProxy.${level}`)])) as never);
	const diLogger = Container.get(Logger) as unknown as Record<string, unknown>;
	for (const level of LEVELS) diLogger[level] = record(`Logger.${level}`);
	for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
		jest.spyOn(console, method).mockImplementation(record(`console.${method}`));
	}
});
afterAll(() => {
	jest.restoreAllMocks();
	const quiet = () => {};
	LoggerProxy.init({ error: quiet, warn: quiet, info: quiet, debug: quiet } as never);
});

/** Every secret that turns up in anything the run left behind, with where. */
function leaks(secrets: string[], artefacts: Record<string, unknown>, withLogs = true): string[] {
	const found: string[] = [];
	for (const [where, value] of Object.entries(withLogs ? { ...artefacts, logs: logged } : artefacts)) {
		const text = typeof value === 'string' ? value : (safeJson(value) ?? '');
		for (const secret of secrets) if (text.includes(secret)) found.push(`${where} contains ${secret.slice(0, 12)}…`);
	}
	return found;
}

function errorParts(error: unknown): Record<string, unknown> {
	const e = (error ?? {}) as { message?: string; description?: string; cause?: unknown; context?: unknown };
	return { 'error.message': e.message, 'error.description': e.description, 'error.cause': e.cause, 'error.context': e.context, 'error as JSON': error };
}

// --- a careless server: answers with the status in its path and echoes the request back -----------

let echo: Server;
let echoUrl: string;
let closedUrl: string;

function echoHandler(req: IncomingMessage, res: ServerResponse) {
	const status = Number(/^\/s(\d{3})/.exec(req.url ?? '')?.[1] ?? 500);
	const said = `echo ${req.method} ${req.url} ${JSON.stringify(req.headers)}`;
	res.writeHead(status, { 'content-type': 'application/json' });
	// Shaped like an Assemblyline envelope and like common provider error bodies at once.
	res.end(JSON.stringify({ api_response: '', api_error_message: said, api_status_code: status, error: { message: said }, message: said, detail: said }));
}

beforeAll(async () => {
	echo = createServer(echoHandler);
	await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
	echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
	const closed = createServer();
	await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
	closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
	await new Promise((resolve) => closed.close(resolve));
});
afterAll(() => new Promise((resolve) => echo.close(resolve)));

// --- the credential test, as n8n's CLI runs it -----------------------------------------------------

async function runCredentialTest(type: ICredentialType, data: IDataObject) {
	const result = await runCredentialTestAsCli(type, data);
	return { ...result, shown: result.status === 'OK' ? 'OK' : result.message };
}

/**
 * What the credential test's error carries besides n8n's own `cause` (the HTTP client's raw error,
 * request headers and so the key included, which n8n's CLI never shows but hands to its error
 * reporter and debug log: docs/security.md, residual risks).
 */
function credentialTestParts(result: { error?: unknown; response?: unknown }): Record<string, unknown> {
	const e = (result.error ?? {}) as { message?: string; description?: string; context?: unknown };
	return { 'error.message': e.message, 'error.description': e.description, 'error.context': e.context, response: result.response };
}

// --- the registered credential types ---------------------------------------------------------------

const registered: ICredentialType[] = (require('../../package.json').n8n.credentials as string[]).map((file) => {
	const base = path.basename(file, '.js');
	const module = require(`../../credentials/${base}`) as Record<string, new () => ICredentialType>;
	const [ctor] = Object.values(module);
	return new ctor();
});
for (const type of registered) if (!CREDENTIAL_TYPES[type.name]) registerCredentialType(type);

const AL_KEY = 'n8n_prod:ALSECRET-7f3c1a9e5b2d4c6e8a0f';
const AL_WRONG = 'n8n_prod:ALWRONG-2b4d6f8a0c1e3a5c7e9b';
const VIEWER_KEY = 'ro_key:ALVIEWER-9e8d7c6b5a4f3e2d1c0b';

const PROVIDERS_OF: Record<string, { key: keyof typeof KEYS; providers: ProviderId[]; urlFields: string[] }> = {
	iocEnrichVirusTotalApi: { key: 'virustotal', providers: ['virustotal'], urlFields: ['baseUrl'] },
	iocEnrichAbuseIpdbApi: { key: 'abuseipdb', providers: ['abuseipdb'], urlFields: ['baseUrl'] },
	iocEnrichGreyNoiseApi: { key: 'greynoise', providers: ['greynoise'], urlFields: ['baseUrl'] },
	iocEnrichAbuseChApi: { key: 'abusech', providers: ['threatfox', 'urlhaus', 'malwarebazaar'], urlFields: ['threatFoxUrl', 'urlhausUrl', 'malwareBazaarUrl'] },
	iocEnrichOtxApi: { key: 'otx', providers: ['otx'], urlFields: ['baseUrl'] },
	iocEnrichUrlscanApi: { key: 'urlscan', providers: ['urlscan'], urlFields: ['baseUrl'] },
	iocEnrichShodanApi: { key: 'shodan', providers: ['shodan'], urlFields: ['baseUrl'] },
	iocEnrichTriageApi: { key: 'triage', providers: ['triage'], urlFields: ['baseUrl'] },
	iocEnrichSafeBrowsingApi: { key: 'safebrowsing', providers: ['safebrowsing'], urlFields: ['baseUrl'] },
	iocEnrichIntelxApi: { key: 'intelx', providers: ['intelx'], urlFields: ['baseUrl'] },
	iocEnrichScreenshotApi: { key: 'screenshotapi', providers: ['screenshotapi'], urlFields: ['baseUrl'] },
	iocEnrichWebRiskApi: { key: 'webrisk', providers: ['webrisk'], urlFields: ['baseUrl'] },
};

/** Block on Firewall / EDR's credentials: their own describe block below. */
const PUSH_CREDENTIALS = ['blockPanOsApi', 'blockDefenderApi', 'blockOpnsenseApi', 'blockCrowdStrikeApi', 'blockFortiGateApi', 'blockCloudflareApi'];

test('every credential registered in package.json has a secrets scenario here', () => {
	expect(registered.map((type) => type.name).sort()).toEqual(['assemblylineApi', ...Object.keys(PROVIDERS_OF), ...PUSH_CREDENTIALS].sort());
	for (const type of registered) expect(type.test?.request).toBeDefined();
});

// --- Assemblyline ----------------------------------------------------------------------------------

describe('the Assemblyline API key', () => {
	let fake: FakeAssemblyline;
	const secrets = [AL_KEY, AL_WRONG, VIEWER_KEY, AL_KEY.split(':')[1], AL_WRONG.split(':')[1], VIEWER_KEY.split(':')[1]];
	const al = (url: string, apiKey = AL_KEY, username = 'svc_soc') => ({ assemblylineApi: { url, username, apiKey } });

	beforeAll(async () => {
		const [soc, viewer, admin] = defaultUsers();
		fake = await startFakeAssemblyline({ dataset: fixturesDataset(), users: [{ ...soc, apikey: AL_KEY }, { ...viewer, apikey: VIEWER_KEY }, admin] });
	});
	afterAll(() => fake.close());
	beforeEach(() => {
		logged.length = 0;
		fake.faults.clear();
	});

	const search = (credentials: ReturnType<typeof al>, parameters: IDataObject = { query: '*', limit: 5 }, continueOnFail = false) =>
		runNode({ node: new AssemblylineAlertSearch(), parameters: parameters as never, credentials, continueOnFail });

	test('succeeding calls: Alert Search, Submission IoCs, Alert Trigger', async () => {
		const found = await search(al(fake.url));
		expect(found.outputs[0].length).toBeGreaterThan(0);
		const iocs = await runNode({ node: new AssemblylineSubmissionIocs(), parameters: { sid: FIXTURE_SID, output: 'perIoc' }, credentials: al(fake.url) });
		expect(iocs.outputs[0].length).toBeGreaterThan(0);
		const staticData: IDataObject = {};
		const polled = await poll({ node: new AssemblylineAlertTrigger(), parameters: { query: '*', options: { backfillHours: 24 * 365 * 5 } }, credentials: al(fake.url), staticData });
		expect(polled?.[0].length).toBeGreaterThan(0);
		expect(fake.requests.some((r) => r.user === 'svc_soc' && r.status === 200)).toBe(true);
		expect(leaks(secrets, { search: found, iocs, polled, staticData })).toEqual([]);
	});

	test.each([
		['401, wrong key', () => al(fake.url, AL_WRONG), /refused the credentials/],
		['403, missing role', () => al(fake.url, VIEWER_KEY, 'viewer'), /lacks the role "signature_view"/],
		['401 from a server that echoes the request', () => al(`${echoUrl}/s401`), /refused the credentials/],
		['403 from a server that echoes the request', () => al(`${echoUrl}/s403`), /denied access/],
		['500 from a server that echoes the request', () => al(`${echoUrl}/s500`), /HTTP 500/],
		['network error', () => al(closedUrl), /Could not reach Assemblyline/],
	])('%s: not in the error, the error item, the run data or the logs', async (_case, credentials, message) => {
		const parameters = { index: 'signature', indexQuery: '*', limit: 5 };
		// Both at once: the 500 and the network error are retried with real backoff.
		const [failed, soft] = await Promise.all([search(credentials(), parameters), search(credentials(), parameters, true)]);
		expect(failed.error?.message).toMatch(message);
		expect(soft.outputs[0][0].json.error).toMatch(message);
		expect(leaks(secrets, { ...errorParts(failed.error), 'run data': failed.run, 'error item': soft.outputs, 'continued run data': soft.run })).toEqual([]);
	});

	test('Submission IoCs and Alert Trigger failing the same way leak nothing either', async () => {
		const iocs = await runNode({ node: new AssemblylineSubmissionIocs(), parameters: { sid: FIXTURE_SID }, credentials: al(`${echoUrl}/s403`) });
		expect(iocs.error?.message).toMatch(/denied access/);
		const staticData: IDataObject = {};
		const polling = poll({ node: new AssemblylineAlertTrigger(), parameters: { query: '*' }, credentials: al(`${echoUrl}/s401`), staticData });
		await expect(polling).rejects.toThrow(/refused the credentials/);
		const pollError = await polling.catch((error: unknown) => error);
		expect(leaks(secrets, { ...errorParts(iocs.error), 'run data': iocs.run, ...errorParts(pollError), staticData })).toEqual([]);
	});

	test('Submission Trigger and Filter Blockable IoCs (Check Assemblyline Safelist) failing leak nothing either', async () => {
		const staticData: IDataObject = {};
		const polling = poll({ node: new AssemblylineSubmissionTrigger(), parameters: { query: '*' }, credentials: al(`${echoUrl}/s401`), staticData });
		await expect(polling).rejects.toThrow(/refused the credentials/);
		const pollError = await polling.catch((error: unknown) => error);
		const alert = fake.dataset.makeAlert({ domains: ['payload-cdn.biz'] }) as IDataObject;
		const filtered = await runNode({ node: new FilterBlockableIocs(), parameters: { checkSafelist: true } as never, input: [alert], credentials: al(`${echoUrl}/s403`) });
		expect(filtered.error?.message).toMatch(/denied access/);
		expect(leaks(secrets, { ...errorParts(pollError), staticData, ...errorParts(filtered.error), 'run data': filtered.run })).toEqual([]);
	});

	test('the Assemblyline node: submitting, labelling, a badlist check and a role refusal leak nothing; failing calls neither', async () => {
		const node = new Assemblyline();
		const alertId = String(fake.dataset.makeAlert({ ips: ['203.0.113.45'] }).alert_id);
		const file = { data: Buffer.from('sample that contacts http://203.0.113.45/gate.php').toString('base64'), mimeType: 'application/octet-stream', fileName: 's.bin' };
		const submit = (credentials: ReturnType<typeof al>) =>
			runNode({ node, parameters: { resource: 'submission', operation: 'submit', input: 'file', binaryPropertyName: 'data' }, inputItems: [{ json: {}, binary: { data: file } }], credentials, continueOnFail: true });
		const label = (credentials: ReturnType<typeof al>) =>
			runNode({ node, parameters: { resource: 'alert', operation: 'label', labels: 'BLOCKED' }, input: [{ alert_id: alertId }], credentials, continueOnFail: true });
		const check = (credentials: ReturnType<typeof al>) =>
			runNode({ node, parameters: { resource: 'badlist', operation: 'check', value: '203.0.113.45', tagType: 'network.dynamic.ip' }, credentials, continueOnFail: true });

		const good = [await submit(al(fake.url)), await label(al(fake.url)), await check(al(fake.url))];
		expect(good[0].outputs[0][0].json.sid).toBeDefined();
		expect(fake.dataset.getAlert(alertId)!.label).toEqual(['BLOCKED']);
		const refused = await label(al(fake.url, VIEWER_KEY, 'viewer'));
		expect(refused.outputs[0][0].json.error).toMatch(/lacks the role "alert_manage"/);
		const failing = await Promise.all(
			[al(fake.url, AL_WRONG), al(`${echoUrl}/s401`), al(`${echoUrl}/s403`), al(`${echoUrl}/s500`), al(closedUrl)].flatMap((credentials) => [submit(credentials), label(credentials)]),
		);
		for (const run of failing) expect(run.outputs[0][0].json.error).toBeDefined();
		expect(leaks(secrets, { good, refused, failing: failing.map((run) => ({ items: run.outputs, run: run.run })) })).toEqual([]);
	});

	const alType = () => registered.find((type) => type.name === 'assemblylineApi')!;
	test.each([
		['passes', () => ({ url: fake.url, username: 'svc_soc', apiKey: AL_KEY }), /^OK$/],
		['401, wrong key', () => ({ url: fake.url, username: 'svc_soc', apiKey: AL_WRONG }), /refused the Username or API Key \(401\)/],
		['network error', () => ({ url: closedUrl, username: 'svc_soc', apiKey: AL_KEY }), /refused the connection|ECONNREFUSED/],
	])('credential test %s: nothing in what the user sees, the error, the run data or the logs', async (_case, data, shown) => {
		const result = await runCredentialTest(alType(), data());
		expect(result.shown).toMatch(shown);
		expect(leaks(secrets, { shown: result.shown, ...credentialTestParts(result) })).toEqual([]);
	});

	test.each([
		['403', /Forbidden|permission|403/],
		['500', /Internal Server Error|500/],
	])('credential test, %s from a server that echoes the request: nothing in what the user sees', async (status, shown) => {
		const result = await runCredentialTest(alType(), { url: `${echoUrl}/s${status}`, username: 'svc_soc', apiKey: AL_KEY });
		expect(result.shown).toMatch(shown);
		expect(leaks(secrets, { shown: result.shown }, false)).toEqual([]);
		// n8n's own credential test (RoutingNode, not this package) keeps the server's answer in the
		// error's description and context, and logs it, so what the server echoed is there
		// (docs/security.md, residual risks).
		expect(String('error' in result ? result.error?.description : undefined)).toContain('echo GET');
	});
});

// --- the threat-intel providers --------------------------------------------------------------------

describe('every provider key', () => {
	let fake: FakeProviders;
	const wrong = (key: string) => `WRONGKEY-${key}-6d1e`;
	const secrets = [...Object.values(KEYS), ...Object.values(KEYS).map(wrong)];

	beforeAll(async () => {
		fake = await new FakeProviders().start();
	});
	afterAll(() => fake.stop());
	beforeEach(() => {
		logged.length = 0;
		fake.reset();
	});

	const enrich = (providers: ProviderId[], credentials: Record<string, Record<string, string>>, continueOnFail = false) =>
		runNode({
			node: new IocEnrich(),
			parameters: {
				providers,
				value: '={{ $json.value }}',
				iocType: 'auto',
				simplify: false,
				includeRaw: true,
				options: {
					timeout: 3,
					deadline: 6,
					retries: 0,
					maxRetryWait: 1,
				},
				providerOptions: { virusTotalRequestsPerMinute: 0, internetDbUrl: fake.baseUrl('internetdb') },
				rateLimits: fastLimits(providers),
			} as never,
			input: [{ value: SAMPLES.badIp }, { value: SAMPLES.badUrl }, { value: SAMPLES.badSha256 }],
			credentials,
			continueOnFail,
		});

	/** The credentials for one type with every URL field pointed at `url`. */
	function pointedAt(name: string, url: string, apiKey?: string): Record<string, Record<string, string>> {
		const all = fake.credentials();
		const data: Record<string, string> = { ...all[name], ...(apiKey ? { apiKey } : {}) };
		for (const field of PROVIDERS_OF[name].urlFields) data[field] = url;
		return { ...all, [name]: data };
	}

	describe.each(Object.keys(PROVIDERS_OF))('%s', (name) => {
		const { key, providers } = PROVIDERS_OF[name];

		test.each([
			['succeeding', () => fake.credentials()],
			['401, wrong key', () => fake.credentials({ [key]: wrong(KEYS[key]) })],
			['403 from a server that echoes the request', () => pointedAt(name, `${echoUrl}/s403`)],
			['500 from a server that echoes the request', () => pointedAt(name, `${echoUrl}/s500`)],
			['network error', () => pointedAt(name, closedUrl)],
		])('IoC Enrich, %s: not in items, errors, run data or logs', async (_case, credentials) => {
			const result = await enrich(providers, credentials());
			expect(result.error).toBeUndefined();
			expect(result.outputs[0]).toHaveLength(3);
			expect(leaks(secrets, { items: result.outputs, 'run data': result.run })).toEqual([]);
		});

		test.each([
			['passes or fails on the fake', (type: ICredentialType) => ({ ...fake.credentials()[type.name] })],
			['401, wrong key', (type: ICredentialType) => ({ ...fake.credentials({ [key]: wrong(KEYS[key]) })[type.name] })],
			['network error', (type: ICredentialType) => pointedAt(type.name, closedUrl)[type.name]],
		])('credential test, %s: nothing in what the user sees, the error, the run data or the logs', async (_case, data) => {
			const type = registered.find((t) => t.name === name)!;
			const result = await runCredentialTest(type, data(type));
			expect(leaks(secrets, { shown: result.shown, ...credentialTestParts(result) })).toEqual([]);
		});

		test.each(['403', '500'])('credential test, %s from a server that echoes the request: nothing in what the user sees', async (status) => {
			const type = registered.find((t) => t.name === name)!;
			const result = await runCredentialTest(type, pointedAt(type.name, `${echoUrl}/s${status}`)[type.name]);
			expect(result.status).toBe('Error');
			expect(leaks(secrets, { shown: result.shown }, false)).toEqual([]);
		});
	});
});

// --- Block on Firewall / EDR: the PAN-OS key, the Defender client secret and its access tokens -------

describe('the firewall and EDR credentials', () => {
	let panos: FakePanos;
	let defender: FakeDefender;
	let opnsense: FakeOpnsense;
	let falcon: FakeCrowdStrike;
	let fortigate: FakeFortiGate;
	let cloudflare: FakeCloudflare;
	const CLOUDFLARE_WRONG = 'cfWRONGtoken7Hd93kLm2Qp8Xz5Vb1Nc4';
	const FORTIGATE_WRONG = 'WrongFortiToken5r8t2y7u1i9o3p6a';
	const FALCON_WRONG = 'WRONGfalcon0secret9Jd82hQ7mZp4';
	const OPNSENSE_WRONG = 'wrongOPNsenseSECRET+9f8e7d6c5b4a';
	const PANOS_WRONG = 'LUFRPT1WRONGKEY-5c7e9a1b3d==';
	const DEFENDER_WRONG = 'Zz9Q~WRONG.defender_secret_8d2f';

	beforeAll(async () => {
		[panos, defender, opnsense, falcon, fortigate, cloudflare] = await Promise.all([startFakePanos(), startFakeDefender(), startFakeOpnsense(), startFakeCrowdStrike(), startFakeFortiGate(), startFakeCloudflare()]);
		defender.noLimits();
	});
	afterAll(async () => {
		await Promise.all([panos.close(), defender.close(), opnsense.close(), falcon.close(), fortigate.close(), cloudflare.close()]);
	});
	beforeEach(() => {
		logged.length = 0;
		panos.reset();
		defender.reset();
		defender.noLimits();
		opnsense.reset();
		falcon.reset();
		fortigate.reset();
		cloudflare.reset();
	});

	const panosData = (url: string, apiKey = PANOS_KEY): IDataObject => ({ url, apiKey, vsys: '', ignoreSslIssues: false });
	const defenderData = (apiUrl: string, loginUrl: string, clientSecret = DEFENDER_SECRET): IDataObject => ({
		tenantId: DEFENDER_TENANT,
		clientId: DEFENDER_CLIENT_ID,
		clientSecret,
		apiUrl,
		loginUrl,
		accessToken: '',
	});
	const opnsenseData = (url: string, apiSecret = OPNSENSE_SECRET): IDataObject => ({ url, apiKey: OPNSENSE_KEY, apiSecret, ignoreSslIssues: false });
	const falconData = (baseUrl: string, clientSecret = FALCON_SECRET): IDataObject => ({ clientId: FALCON_CLIENT_ID, clientSecret, baseUrl, accessToken: '' });
	const fortigateData = (url: string, apiToken = FORTIGATE_TOKEN): IDataObject => ({ url, apiToken, vdom: 'root', ignoreSslIssues: false });
	const cloudflareData = (apiUrl: string, apiToken = CLOUDFLARE_TOKEN): IDataObject => ({ apiToken, accountId: CLOUDFLARE_ACCOUNT, apiUrl });
	const push = (target: 'panos' | 'defender' | 'opnsense' | 'crowdstrike' | 'fortigate' | 'cloudflare', credentials: Record<string, IDataObject>, continueOnFail = false) =>
		runNode({
			node: new BlockOnFirewall(),
			parameters: {
				target,
				operation: 'add',
				iocType: '={{ $json.type }}',
				iocValue: '={{ $json.value }}',
				expiresAt: '',
				...(target === 'panos' ? { tag: 'n8n-block' } : {}),
				...(target === 'opnsense' ? { alias: 'n8n_block' } : {}),
				...(target === 'fortigate' ? { fortiIpFeed: 'n8n-ip-block', fortiDomainFeed: 'n8n-domain-block' } : {}),
				...(target === 'cloudflare' ? { cloudflareListId: CLOUDFLARE_LIST } : {}),
				options: { retries: 1, maxRetryWait: 1, requestsPerMinute: 60_000 },
			} as never,
			input: [{ type: 'ip', value: '185.220.101.7' }, { type: 'domain', value: 'malware-drop.ru' }],
			credentials: credentials as never,
			continueOnFail,
		});
	/** The secrets, with every access token the run left in the credential. */
	const secretsOf = (credentials: Record<string, IDataObject>) => [
		PANOS_KEY,
		PANOS_WRONG,
		DEFENDER_SECRET,
		DEFENDER_WRONG,
		OPNSENSE_KEY,
		OPNSENSE_SECRET,
		OPNSENSE_WRONG,
		FALCON_SECRET,
		FALCON_WRONG,
		FORTIGATE_TOKEN,
		FORTIGATE_WRONG,
		CLOUDFLARE_TOKEN,
		CLOUDFLARE_WRONG,
		Buffer.from(`${OPNSENSE_KEY}:${OPNSENSE_SECRET}`).toString('base64'),
		Buffer.from(`${OPNSENSE_KEY}:${OPNSENSE_WRONG}`).toString('base64'),
		...Object.values(credentials).map((data) => String(data.accessToken ?? '')).filter((token) => token.length > 8),
	];

	const CASES: Array<[string, 'panos' | 'defender' | 'opnsense' | 'crowdstrike' | 'fortigate' | 'cloudflare', () => Record<string, IDataObject>, RegExp | null]> = [
		['PAN-OS, succeeding', 'panos', () => ({ blockPanOsApi: panosData(panos.url) }), null],
		['PAN-OS, wrong key (403)', 'panos', () => ({ blockPanOsApi: panosData(panos.url, PANOS_WRONG) }), /refused the API key/],
		['PAN-OS, 403 from a server that echoes the request', 'panos', () => ({ blockPanOsApi: panosData(`${echoUrl}/s403`) }), /refused the API key/],
		['PAN-OS, 500 from a server that echoes the request', 'panos', () => ({ blockPanOsApi: panosData(`${echoUrl}/s500`) }), /answered HTTP 500/],
		['PAN-OS, network error', 'panos', () => ({ blockPanOsApi: panosData(closedUrl) }), /Could not reach PAN-OS/],
		['Defender, succeeding', 'defender', () => ({ blockDefenderApi: defenderData(defender.url, defender.url) }), null],
		['Defender, wrong secret', 'defender', () => ({ blockDefenderApi: defenderData(defender.url, defender.url, DEFENDER_WRONG) }), /Client Secret is wrong/],
		['Defender, 401 from an API that echoes the request (token included)', 'defender', () => ({ blockDefenderApi: defenderData(`${echoUrl}/s401`, defender.url) }), /refused the access token/],
		['Defender, 500 from an API that echoes the request', 'defender', () => ({ blockDefenderApi: defenderData(`${echoUrl}/s500`, defender.url) }), /answered HTTP 500/],
		['Defender, 500 from a login that echoes the request', 'defender', () => ({ blockDefenderApi: defenderData(defender.url, `${echoUrl}/s500`) }), /gave no access token/],
		['Defender, network error', 'defender', () => ({ blockDefenderApi: defenderData(closedUrl, defender.url) }), /Could not reach Microsoft Defender/],
		['OPNsense, succeeding', 'opnsense', () => ({ blockOpnsenseApi: opnsenseData(opnsense.url) }), null],
		['OPNsense, wrong secret (401)', 'opnsense', () => ({ blockOpnsenseApi: opnsenseData(opnsense.url, OPNSENSE_WRONG) }), /refused the API key and secret/],
		['OPNsense, 401 from a server that echoes the request', 'opnsense', () => ({ blockOpnsenseApi: opnsenseData(`${echoUrl}/s401`) }), /refused the API key and secret/],
		['OPNsense, 500 from a server that echoes the request', 'opnsense', () => ({ blockOpnsenseApi: opnsenseData(`${echoUrl}/s500`) }), /answered HTTP 500/],
		['OPNsense, network error', 'opnsense', () => ({ blockOpnsenseApi: opnsenseData(closedUrl) }), /Could not reach OPNsense/],
		['CrowdStrike, succeeding', 'crowdstrike', () => ({ blockCrowdStrikeApi: falconData(falcon.url) }), null],
		['CrowdStrike, wrong secret', 'crowdstrike', () => ({ blockCrowdStrikeApi: falconData(falcon.url, FALCON_WRONG) }), /gave no access token/],
		['CrowdStrike, 500 from a server that echoes the request', 'crowdstrike', () => ({ blockCrowdStrikeApi: falconData(`${echoUrl}/s500`) }), /gave no access token/],
		['CrowdStrike, network error', 'crowdstrike', () => ({ blockCrowdStrikeApi: falconData(closedUrl) }), /Could not reach CrowdStrike/],
		['FortiGate, succeeding', 'fortigate', () => ({ blockFortiGateApi: fortigateData(fortigate.url) }), null],
		['FortiGate, wrong token (401)', 'fortigate', () => ({ blockFortiGateApi: fortigateData(fortigate.url, FORTIGATE_WRONG) }), /refused the API token/],
		['FortiGate, 401 from a server that echoes the request', 'fortigate', () => ({ blockFortiGateApi: fortigateData(`${echoUrl}/s401`) }), /refused the API token/],
		['FortiGate, 500 from a server that echoes the request', 'fortigate', () => ({ blockFortiGateApi: fortigateData(`${echoUrl}/s500`) }), /answered HTTP 500/],
		['FortiGate, network error', 'fortigate', () => ({ blockFortiGateApi: fortigateData(closedUrl) }), /Could not reach FortiGate/],
		['Cloudflare, succeeding', 'cloudflare', () => ({ blockCloudflareApi: cloudflareData(`${cloudflare.url}/client/v4`) }), null],
		['Cloudflare, wrong token (401)', 'cloudflare', () => ({ blockCloudflareApi: cloudflareData(`${cloudflare.url}/client/v4`, CLOUDFLARE_WRONG) }), /refused the API token/],
		['Cloudflare, 401 from a server that echoes the request', 'cloudflare', () => ({ blockCloudflareApi: cloudflareData(`${echoUrl}/s401`) }), /refused the API token/],
		['Cloudflare, 500 from a server that echoes the request', 'cloudflare', () => ({ blockCloudflareApi: cloudflareData(`${echoUrl}/s500`) }), /answered HTTP 500/],
		['Cloudflare, network error', 'cloudflare', () => ({ blockCloudflareApi: cloudflareData(closedUrl) }), /Could not reach Cloudflare/],
	];

	test.each(CASES)('%s: not in items, errors, run data or logs', async (_case, target, credentials, message) => {
		const hard = credentials();
		const soft = credentials();
		const [failed, continued] = await Promise.all([push(target, hard), push(target, soft, true)]);
		if (message === null) {
			expect(failed.error).toBeUndefined();
			expect(failed.outputs[0].length).toBeGreaterThan(0);
		} else {
			expect(failed.error?.message).toMatch(message);
			expect(continued.outputs[0].map((item) => item.json.error)).not.toContain(undefined);
		}
		const secrets = [...secretsOf(hard), ...secretsOf(soft)];
		expect(leaks(secrets, { ...errorParts(failed.error), 'run data': failed.run, items: continued.outputs, 'continued run data': continued.run })).toEqual([]);
	});

	test.each([
		['PAN-OS passes', 'blockPanOsApi', () => panosData(panos.url), /^OK$/],
		['PAN-OS, wrong key', 'blockPanOsApi', () => panosData(panos.url, PANOS_WRONG), /refused the API key/],
		['PAN-OS, network error', 'blockPanOsApi', () => panosData(closedUrl), /ECONNREFUSED/],
		['Defender passes', 'blockDefenderApi', () => defenderData(defender.url, defender.url), /^OK$/],
		['Defender, wrong secret', 'blockDefenderApi', () => defenderData(defender.url, defender.url, DEFENDER_WRONG), /Client Secret is wrong/],
		['Defender, network error', 'blockDefenderApi', () => defenderData(closedUrl, defender.url), /ECONNREFUSED/],
		['Defender, 403 from an API that echoes the request', 'blockDefenderApi', () => defenderData(`${echoUrl}/s403`, defender.url), /Ti\.ReadWrite/],
		['OPNsense passes', 'blockOpnsenseApi', () => opnsenseData(opnsense.url), /^OK$/],
		['OPNsense, wrong secret', 'blockOpnsenseApi', () => opnsenseData(opnsense.url, OPNSENSE_WRONG), /refused the API key and secret/],
		['OPNsense, network error', 'blockOpnsenseApi', () => opnsenseData(closedUrl), /ECONNREFUSED/],
		['CrowdStrike passes', 'blockCrowdStrikeApi', () => falconData(falcon.url), /^OK$/],
		['CrowdStrike, wrong secret', 'blockCrowdStrikeApi', () => falconData(falcon.url, FALCON_WRONG), /gave no access token/],
		['FortiGate passes', 'blockFortiGateApi', () => fortigateData(fortigate.url), /^OK$/],
		['FortiGate, wrong token', 'blockFortiGateApi', () => fortigateData(fortigate.url, FORTIGATE_WRONG), /refused the API token/],
		['FortiGate, network error', 'blockFortiGateApi', () => fortigateData(closedUrl), /ECONNREFUSED/],
		['Cloudflare passes', 'blockCloudflareApi', () => cloudflareData(`${cloudflare.url}/client/v4`), /^OK$/],
		['Cloudflare, wrong token', 'blockCloudflareApi', () => cloudflareData(`${cloudflare.url}/client/v4`, CLOUDFLARE_WRONG), /refused the API token/],
		['Cloudflare, network error', 'blockCloudflareApi', () => cloudflareData(closedUrl), /ECONNREFUSED/],
	])('credential test, %s: nothing in what the user sees, the error or the logs', async (_case, name, data, shown) => {
		const type = registered.find((t) => t.name === name)!;
		const credentials = data();
		const result = await runCredentialTest(type, credentials);
		expect(result.shown).toMatch(shown);
		expect(leaks(secretsOf({ [name]: credentials }), { shown: result.shown, 'error.message': ('error' in result ? result.error?.message : undefined) })).toEqual([]);
	});
});
