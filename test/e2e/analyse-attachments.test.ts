/**
 * "Analyse attachments and block what they contact" (examples/analyse-attachments-and-block.json) in a
 * real n8n (2.41.1, or N8N_HOST_VERSION), with this package installed from its `npm pack` tarball.
 * Assemblyline is the fake server: it receives the file, "analyses" it (the network IoCs written in
 * it, like FrankenStrings) and completes after a delay. The Webhook is replaced by a Manual Trigger
 * and an HTTP Request that downloads the attachment from 127.0.0.1 as binary data (what the Webhook
 * gives for an upload); Slack is replaced by an HTTP Request to a recorder. Everything else is the
 * example's own nodes and wiring, the blocklist Data Table included; "Serve the blocklist to your
 * firewalls" is published beside it, so the test pulls the feeds the way a firewall does.
 *
 * The example writes to an n8n Data Table, which lives in n8n's server (its data-table module) and
 * which `n8n execute` cannot reach: the runs go through the running n8n's REST API ("Execute
 * workflow" in the editor). Data Tables came with n8n 1.113, so on n8n 1.x this file is skipped.
 * Checks read state: the bytes the fake received, the Data Table's rows, the feeds, the fake's
 * badlist, the Slack recorder.
 *
 * Run with `npm run test:e2e -- test/e2e/analyse-attachments.test.ts`; plain `npm test` skips it.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { activateWorkflowArgs, ensureN8n, N8N_VERSION, N8nHost, packPackage, type WorkflowJson } from '../../scripts/n8n-host.ts';
import { runInEditor, signIn } from '../../scripts/editor-setup.ts';
import { alCredential } from '../../scripts/report.ts';
import { BLOCKLIST_TABLE, copyWorkflow, FEED_CREDENTIAL, feedUrl, getNode, loadExamples, MANUAL_TRIGGER, NODE, replaceNode, slackToRecorder } from '../../scripts/workflows.ts';
import { defaultUsers, demoDataset, startFakeAssemblyline, type FakeAssemblyline } from '../fakes/assemblyline/index.ts';
import { startFakeFirewall, type FakeFirewall } from '../fakes/firewall.ts';

const e2e = process.env.N8N_E2E === '1' && !N8N_VERSION.startsWith('1.') ? describe : describe.skip;

const repoDir = path.resolve(__dirname, '..', '..');
const examplesDir = path.join(repoDir, 'examples');
const EXAMPLE = 'analyse-attachments-and-block.json';
const ID = 'E2eAnalyseAttach';
const FEEDS_ID = 'E2eAnalyseFeeds1';
const SUBMIT = 'Submit to Assemblyline';
const BADLIST = 'Badlist in Assemblyline';
const FEED_AUTH = { user: 'firewall', password: 'e2e-feed-password-2' };
const OWNER = { email: 'soc@example.com', password: 'E2e-analyse-attach-1', firstName: 'SOC', lastName: 'Analyst' };

/** What the attachment contacts: written into it, so the fake's analysis finds them. */
const C2 = ['http://91.214.124.19:8443/api/v2/beacon?id=7f3a9c21', 'https://login-microsoftonline-secure.top/common/oauth2/authorize'];
/** ... and what the Filter's default rules hold back (a private address). */
const PRIVATE = 'http://10.20.30.40/internal';
/** The Block items, with the tag type Assemblyline found each under (the fake tags strings found in a
 * file as static): the blocklist rows, the feeds and the badlist must hold exactly these. */
const EXPECTED: { type: 'ip' | 'domain' | 'uri'; tagType: string; value: string }[] = [
	{ type: 'ip', tagType: 'network.static.ip', value: '91.214.124.19' },
	{ type: 'domain', tagType: 'network.static.domain', value: 'login-microsoftonline-secure.top' },
	{ type: 'uri', tagType: 'network.static.uri', value: C2[0] },
	{ type: 'uri', tagType: 'network.static.uri', value: C2[1] },
];
const EXPECTED_KEYS = EXPECTED.map((e) => `${e.type}:${e.value}`).sort();

let fake: FakeAssemblyline;
let recorder: FakeFirewall;
let files: http.Server;
let filesUrl: string;
let install: Awaited<ReturnType<typeof ensureN8n>>;
let host: N8nHost;
let headers: Record<string, string>;
let projectId: string;
const users = defaultUsers();
/** A 3 MB "attachment" with the C2 addresses inside. */
const attachment = Buffer.concat([randomBytes(1_500_000), Buffer.from(`\n${C2.join('\n')}\n${PRIVATE}\n`), randomBytes(1_500_000)]);
const sha256 = createHash('sha256').update(attachment).digest('hex');

/** The example with a Manual Trigger downloading the attachment, and Slack posting to the recorder. */
function forE2e(example: WorkflowJson): WorkflowJson {
	const wf = copyWorkflow(example, ID, `${example.name} (e2e)`);
	const webhook = wf.nodes.find((n) => n.type === 'n8n-nodes-base.webhook');
	if (!webhook) throw new Error('the example has no Webhook');
	const binaryField = String(getNode(wf, SUBMIT).parameters.binaryPropertyName);
	replaceNode(wf, webhook.name, {
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: { method: 'GET', url: `${filesUrl}/invoice_8841.docm`, options: { response: { response: { responseFormat: 'file', outputPropertyName: binaryField } } } },
	});
	wf.nodes.push({ id: 'e2e00000-0000-4000-8000-00000000a001', name: MANUAL_TRIGGER, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [-460, 100], parameters: {} });
	wf.connections[MANUAL_TRIGGER] = { main: [[{ node: webhook.name, type: 'main', index: 0 }]] };
	return slackToRecorder(wf, recorder.url);
}

async function rest(method: string, route: string): Promise<any> {
	const res = await fetch(`${host.url}/rest${route}`, { method, headers });
	const text = await res.text();
	if (!res.ok) throw new Error(`${method} /rest${route}: HTTP ${res.status} ${text.slice(0, 500)}`);
	return text ? JSON.parse(text).data : undefined;
}

/** The rows of the `ioc_blocklist` Data Table, read through n8n's REST API (the Data Table view's call). */
async function blocklistRows(): Promise<Record<string, string>[]> {
	const tables = await rest('GET', `/projects/${projectId}/data-tables?filter=${encodeURIComponent(JSON.stringify({ name: BLOCKLIST_TABLE }))}`);
	expect(tables.data.map((t: { name: string }) => t.name)).toEqual([BLOCKLIST_TABLE]);
	return (await rest('GET', `/projects/${projectId}/data-tables/${tables.data[0].id}/rows?take=1000&skip=0`)).data;
}

/** A firewall's pull of the plain feed of one type: its entries, sorted. */
async function feed(type: 'ip' | 'domain' | 'url'): Promise<string[]> {
	const res = await fetch(feedUrl(host.url, type, 'plain'), { headers: { authorization: `Basic ${Buffer.from(`${FEED_AUTH.user}:${FEED_AUTH.password}`).toString('base64')}` } });
	expect({ type, status: res.status }).toEqual({ type, status: 200 });
	return (await res.text()).split('\n').filter(Boolean).sort();
}

function run(): Promise<{ status: string; runData: Record<string, any[]> }> {
	const flatted = createRequire(install.n8nBin)('flatted') as { parse(text: string): any };
	return runInEditor(host.url, headers, ID, { parse: flatted.parse, timeoutMs: 180_000 });
}

const outputOf = (runData: Record<string, any[]>, node: string, output = 0): Record<string, any>[] =>
	((runData[node]?.[0]?.data?.main?.[output] ?? []) as { json: Record<string, any> }[]).map((i) => i.json);

e2e('"Analyse attachments and block what they contact" in a real n8n', () => {
	beforeAll(async () => {
		install = await ensureN8n();
		fake = await startFakeAssemblyline({ dataset: demoDataset(), users, submitCompletionMs: 3000 });
		recorder = await startFakeFirewall();
		files = http.createServer((_req, res) => {
			res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-disposition': 'attachment; filename="invoice_8841.docm"' });
			res.end(attachment);
		});
		await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
		filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
		host = await N8nHost.create({ install });
		const tarball = await packPackage({ repoDir, outDir: path.join(host.userFolder, 'pack'), build: process.env.E2E_SKIP_BUILD !== '1' });
		await host.installPackage(tarball);
		await host.importCredentials([
			alCredential({ url: fake.url, user: users[0].name, apikey: users[0].apikey, verifyTls: true }),
			{ ...FEED_CREDENTIAL, type: 'httpBasicAuth', data: FEED_AUTH },
		]);
		const example = JSON.parse(fs.readFileSync(path.join(examplesDir, EXAMPLE), 'utf8')) as WorkflowJson;
		await host.importWorkflows([forE2e(example), copyWorkflow(loadExamples(examplesDir).feeds, FEEDS_ID)]);
		expect((await host.cli(activateWorkflowArgs(FEEDS_ID))).code).toBe(0);
		await host.start();
		const setup = await fetch(`${host.url}/rest/owner/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(OWNER) });
		expect(setup.ok).toBe(true);
		headers = await signIn(host.url, OWNER);
		projectId = (await rest('GET', '/projects/personal')).id;
	}, 900_000);

	afterAll(async () => {
		await host?.dispose();
		await recorder?.close();
		await new Promise((resolve) => files?.close(resolve));
		await fake?.close();
	});

	test('the attachment reaches Assemblyline byte for byte; what it contacts goes on the blocklist and its feeds, on the badlist once, and to Slack', async () => {
		const badlistBefore = fake.badlist.size;
		const first = await run();
		expect(first.status).toBe('success');

		// Submit (wait): the fake holds a completed submission of exactly these bytes.
		const [submitted] = outputOf(first.runData, SUBMIT);
		expect(submitted).toMatchObject({ completed: true, state: 'completed', sha256, size: attachment.length });
		const doc = fake.dataset.getSubmission(submitted.sid)!;
		expect(doc.completed).toBe(true);
		expect(doc.spec.files[0]).toMatchObject({ sha256, size: attachment.length, name: 'invoice_8841.docm' });
		expect(submitted.ui_url).toBe(`${fake.url}/submission/detail/${submitted.sid}`);
		// The private address is held back by the Filter, with its reason.
		expect(outputOf(first.runData, NODE.filter, 1).map((i) => `${i.value} ${i.reason}`)).toEqual(expect.arrayContaining(['10.20.30.40 non_global_ip']));

		// The Data Table: one block row per blockable IoC, with an expiry and the submission as source.
		const rows = await blocklistRows();
		expect(rows.map((r) => r.key).sort()).toEqual(EXPECTED_KEYS);
		for (const r of rows) {
			expect(r.status).toBe('block');
			expect(new Date(r.expires_at).getTime()).toBeGreaterThan(Date.now());
			expect(r.sources).toContain(`sid:${submitted.sid}`);
		}

		// The feeds a firewall pulls hold exactly these, nothing private.
		expect(await feed('ip')).toEqual(EXPECTED.filter((e) => e.type === 'ip').map((e) => e.value).sort());
		expect(await feed('domain')).toEqual(EXPECTED.filter((e) => e.type === 'domain').map((e) => e.value).sort());
		expect(await feed('url')).toEqual(EXPECTED.filter((e) => e.type === 'uri').map((e) => e.value).sort());

		// The badlist: one entry per blocked IoC, under the tag type Assemblyline found it under.
		expect(fake.badlist.size).toBe(badlistBefore + EXPECTED.length);
		for (const { tagType, value } of EXPECTED) {
			const entry = fake.badlist.getTag(tagType, value);
			expect(entry?.tag).toEqual({ type: tagType, value });
			expect(entry?.sources.map((s) => s.name)).toEqual([users[0].name]);
		}
		expect(fake.badlist.getTag('network.static.ip', '10.20.30.40')).toBeUndefined();

		// Slack: one message naming every blocked value and the submission.
		const slack = recorder.callsTo('/slack/');
		expect(slack).toHaveLength(1);
		const text = String((slack[0].body as { text: string }).text);
		for (const { value } of EXPECTED) expect(text).toContain(value);
		expect(text).not.toContain('10.20.30.40');
		expect(text).toContain(`/submission/detail/${submitted.sid}`);

		// The same attachment again: the rows are refreshed, not doubled; the badlist answers "update".
		const again = await run();
		expect(again.status).toBe('success');
		const rowsAgain = await blocklistRows();
		expect(rowsAgain.map((r) => r.key).sort()).toEqual(EXPECTED_KEYS);
		for (const r of rowsAgain) expect(r.first_seen).toBe(rows.find((b) => b.key === r.key)!.first_seen);
		expect(outputOf(again.runData, BADLIST).map((i) => i.op)).toEqual(EXPECTED.map(() => 'update'));
		expect(fake.badlist.size).toBe(badlistBefore + EXPECTED.length);
		for (const { tagType, value } of EXPECTED) expect(fake.badlist.getTag(tagType, value)?.sources).toHaveLength(1);
		expect(await feed('ip')).toEqual(['91.214.124.19']);
	});
});
