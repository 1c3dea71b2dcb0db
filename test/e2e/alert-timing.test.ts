/**
 * AL Alert Trigger in a real n8n (published workflows, n8n's own poll schedule) against the fake
 * Assemblyline on a clock the test moves: what the trigger waits for before acting on an alert, and
 * the "Triage Changes" mode (issue 14).
 *
 * - An alert that an Assemblyline workflow marks NON-MALICIOUS 30 s after creation is never blocked
 *   with the default settings, and is blocked with "Wait For: Nothing (Fastest)".
 * - An alert triaged MALICIOUS an hour after it was created starts exactly one execution in
 *   "Triage Changes" mode.
 *
 * Run with `npm run test:e2e -- test/e2e/alert-timing.test.ts` (sets N8N_E2E=1); plain `npm test` skips it.
 */
import path from 'node:path';

import { activateWorkflowArgs, ensureN8n, N8nHost, packPackage, type WorkflowJson } from '../../scripts/n8n-host.ts';
import { alCredential } from '../../scripts/report.ts';
import { defaultUsers, startFakeAssemblyline, type FakeAssemblyline } from '../fakes/assemblyline/index.ts';
import { startFakeFirewall, type FakeFirewall } from '../fakes/firewall.ts';

const e2e = process.env.N8N_E2E === '1' ? describe : describe.skip;

const repoDir = path.resolve(__dirname, '..', '..');
const AL = { id: 'alTimingCred0001', name: 'Assemblyline API (timing e2e)' };
const QUERY = '(al.ip:* OR al.domain:* OR al.uri:*) AND NOT status:NON-MALICIOUS';
const FP_DOMAIN = 'update-check-fp.top';
const BAD_DOMAIN = 'payload-drop-c2.xyz';
const IDS = { slow: 'E2eTimingDefault', fast: 'E2eTimingFast001', triage: 'E2eTimingTriage1' };
/** Poll every 10 s: six minute-granular cron items, one fixed second each (n8n refuses a sub-minute
 * cron in one item), so the test waits for polls seconds, not minutes. */
const EVERY_10_S = { item: [0, 10, 20, 30, 40, 50].map((s) => ({ mode: 'custom', cronExpression: `${s} * * * * *` })) };

let fake: FakeAssemblyline;
let firewall: FakeFirewall;
let host: N8nHost;
const users = defaultUsers();

function triggerNode(parameters: Record<string, unknown>) {
	return {
		id: 'c1000000-0000-4000-8000-000000000001',
		name: 'AL Alert Trigger',
		type: 'n8n-nodes-assemblyline.assemblylineAlertTrigger',
		typeVersion: 1,
		position: [0, 0],
		credentials: { assemblylineApi: AL },
		parameters: { pollTimes: EVERY_10_S, ...parameters },
	};
}

function post(name: string, url: string, fields: Record<string, string>, x: number) {
	return {
		id: `c1000000-0000-4000-8000-00000000000${x}`,
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position: [x * 260, 0],
		parameters: {
			method: 'POST',
			url,
			sendBody: true,
			contentType: 'json',
			specifyBody: 'keypair',
			bodyParameters: { parameters: Object.entries(fields).map(([n, value]) => ({ name: n, value })) },
			options: {},
		},
	};
}

/** Trigger → Filter Blockable IoCs → "Block on Firewall" (the recorder under `prefix`). */
function blocking(id: string, prefix: string, trigger: Record<string, unknown>): WorkflowJson {
	return {
		id,
		name: `Timing e2e ${prefix}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			triggerNode({ query: QUERY, ...trigger }),
			{
				id: 'c1000000-0000-4000-8000-000000000002',
				name: 'Filter Blockable IoCs',
				type: 'n8n-nodes-assemblyline.filterBlockableIocs',
				typeVersion: 1,
				position: [260, 0],
				parameters: { inputShape: 'alert', minVerdict: 'suspicious', onlyNew: false, output: 'items' },
			},
			post('Block on Firewall', `${firewall.url}${prefix}/block`, { type: '={{ $json.type }}', value: '={{ $json.value }}' }, 3),
		],
		connections: {
			'AL Alert Trigger': { main: [[{ node: 'Filter Blockable IoCs', type: 'main', index: 0 }]] },
			'Filter Blockable IoCs': { main: [[{ node: 'Block on Firewall', type: 'main', index: 0 }], []] },
		},
	};
}

function triage(id: string, prefix: string): WorkflowJson {
	return {
		id,
		name: `Timing e2e ${prefix}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			triggerNode({ mode: 'triage', query: 'status:MALICIOUS' }),
			post('Record', `${firewall.url}${prefix}/event`, { alert_id: '={{ $json.alert_id }}', status: '={{ $json._trigger.triage.status }}', by: '={{ $json._trigger.triage.entity_id }}' }, 2),
		],
		connections: { 'AL Alert Trigger': { main: [[{ node: 'Record', type: 'main', index: 0 }]] } },
	};
}

const searches = () => fake.requests.filter((r) => r.path === '/api/v4/search/alert/').map((r) => (r.body ?? {}) as { filters?: string[] });
const isSlow = (b: { filters?: string[] }) => (b.filters ?? []).includes('reporting_ts:[* TO now-300s]');
const isTriage = (b: { filters?: string[] }) => (b.filters ?? []).some((f) => f.startsWith('events.ts:'));

async function until(what: string, done: () => boolean, timeoutMs = 200_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!done()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 1000));
	}
}

const blockedValues = (prefix: string) => firewall.callsTo(prefix).map((c) => String((c.body as Record<string, unknown>).value));

async function alApi(method: string, p: string, body?: unknown): Promise<unknown> {
	const res = await fetch(`${fake.url}${p}`, {
		method,
		headers: { 'X-USER': users[0].name, 'X-APIKEY': users[0].apikey, 'Content-Type': 'application/json' },
		body: JSON.stringify(body),
	});
	return ((await res.json()) as { api_response: unknown }).api_response;
}

e2e('AL Alert Trigger timing in a real n8n', () => {
	beforeAll(async () => {
		const install = await ensureN8n();
		fake = await startFakeAssemblyline({ dataset: { submissions: [], alerts: [] }, users, workflowManager: true });
		// The fake's clock stands still unless the test moves it: n8n's polls see the same "now".
		fake.setClock({ now: Date.now() });
		fake.dataset.addWorkflow({ name: 'Known false positive', query: `al.domain:${FP_DOMAIN}`, status: 'NON-MALICIOUS', labels: ['FALSE_POSITIVE'] });
		fake.dataset.makeAlert({ alert_id: 'TriagedLater01', domains: ['triaged-later.top'], reporting_ts: fake.now() - 3_600_000 });
		firewall = await startFakeFirewall();
		host = await N8nHost.create({ install });
		const tarball = await packPackage({ repoDir, outDir: path.join(host.userFolder, 'pack'), build: process.env.E2E_SKIP_BUILD !== '1' });
		await host.installPackage(tarball);
		await host.importCredentials([{ ...alCredential({ url: fake.url, user: users[0].name, apikey: users[0].apikey, verifyTls: true }), ...AL }]);
		await host.importWorkflows([
			blocking(IDS.slow, '/default', {}),
			blocking(IDS.fast, '/fast', { waitFor: 'searchable' }),
			triage(IDS.triage, '/triage'),
		]);
		for (const id of Object.values(IDS)) expect((await host.cli(activateWorkflowArgs(id))).code).toBe(0);
		await host.start();
		// Each trigger's first poll takes "now" from Assemblyline (date math + Date header).
		await until('the first poll of each trigger', () => searches().filter((b) => (b.filters ?? []).some((f) => / TO \*\]$/.test(f) && f.includes('[now'))).length >= 3);
	});

	afterAll(async () => {
		await host?.dispose();
		await firewall?.close();
		await fake?.close();
	});

	test('a workflow marks an alert NON-MALICIOUS 30 s after creation: never blocked by default, blocked with the fast option', async () => {
		fake.setClock({ advanceMs: 2_000 });
		fake.dataset.makeAlert({ alert_id: 'FalsePositive1', domains: [FP_DOMAIN] });
		fake.dataset.makeAlert({ alert_id: 'RealThreat0001', domains: [BAD_DOMAIN] });
		// The fast trigger acts before the workflow ran: the risk it states.
		await until('the fast trigger to block both', () => blockedValues('/fast/').length >= 2);
		expect(blockedValues('/fast/').sort()).toEqual([FP_DOMAIN, BAD_DOMAIN].sort());
		expect(blockedValues('/default/')).toEqual([]);

		fake.setClock({ advanceMs: 30_000 }); // a workflow pass: FalsePositive1 → NON-MALICIOUS
		expect(fake.dataset.getAlert('FalsePositive1')).toMatchObject({ status: 'NON-MALICIOUS', label: ['FALSE_POSITIVE'] });
		fake.setClock({ advanceMs: 600_000 }); // past the alert delay
		await until('the default trigger to block the real threat', () => blockedValues('/default/').length >= 1);
		const polled = searches().filter(isSlow).length;
		await until('one more poll of the default trigger', () => searches().filter(isSlow).length > polled + 1);
		expect(blockedValues('/default/')).toEqual([BAD_DOMAIN]);
	});

	test('an alert triaged MALICIOUS an hour after creation starts exactly one execution in "Triage Changes" mode', async () => {
		const before = searches().filter(isTriage).length;
		expect(await alApi('POST', '/api/v4/alert/status/TriagedLater01/', 'MALICIOUS')).toEqual({ success: true });
		await until('the triage trigger to fire', () => firewall.callsTo('/triage/').length >= 1);
		const polled = searches().filter(isTriage).length;
		expect(polled).toBeGreaterThan(before);
		await until('two more polls of the triage trigger', () => searches().filter(isTriage).length > polled + 1);
		const calls = firewall.callsTo('/triage/');
		expect(calls).toHaveLength(1);
		expect(calls[0].body).toEqual({ alert_id: 'TriagedLater01', status: 'MALICIOUS', by: users[0].name });
	});
});
