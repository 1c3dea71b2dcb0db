/**
 * "Analyse attachments and block what they contact" (examples/analyse-attachments-and-block.json) in a
 * real n8n (2.41.1, or N8N_HOST_VERSION), with this package installed from its `npm pack` tarball.
 * Assemblyline is the fake server: it receives the file, "analyses" it (the network IoCs written in
 * it, like FrankenStrings) and completes after a delay. The Webhook is replaced by a Manual Trigger
 * and an HTTP Request that downloads the attachment from 127.0.0.1 as binary data (what the Webhook
 * gives for an upload); Slack is replaced by an HTTP Request to a recorder. Everything else is the
 * example's own nodes and wiring. Checks read the fake's state: the bytes it received, its badlist.
 *
 * Run with `npm run test:e2e -- test/e2e/analyse-attachments.test.ts`; plain `npm test` skips it.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { ensureN8n, N8nHost, packPackage, type ExecuteResult, type WorkflowJson } from '../../scripts/n8n-host.ts';
import { alCredential } from '../../scripts/report.ts';
import { copyWorkflow, getNode, MANUAL_TRIGGER, replaceNode } from '../../scripts/workflows.ts';
import { defaultUsers, demoDataset, startFakeAssemblyline, type FakeAssemblyline } from '../fakes/assemblyline/index.ts';
import { startFakeFirewall, type FakeFirewall } from '../fakes/firewall.ts';

const e2e = process.env.N8N_E2E === '1' ? describe : describe.skip;

const repoDir = path.resolve(__dirname, '..', '..');
const EXAMPLE = 'analyse-attachments-and-block.json';
const ID = 'E2eAnalyseAttach';
const SUBMIT = 'Submit to Assemblyline';
const SLACK = 'Tell the SOC on Slack';

/** What the attachment contacts: written into it, so the fake's analysis finds them. */
const C2 = ['http://91.214.124.19:8443/api/v2/beacon?id=7f3a9c21', 'https://login-microsoftonline-secure.top/common/oauth2/authorize'];
/** ... and what the Filter's default rules hold back (a private address). */
const PRIVATE = 'http://10.20.30.40/internal';
/** The Block items the badlist must hold, with Assemblyline's tag type (the fake tags strings found in a file as static). */
const EXPECTED_BADLIST = [
	['network.static.ip', '91.214.124.19'],
	['network.static.domain', 'login-microsoftonline-secure.top'],
	['network.static.uri', C2[0]],
	['network.static.uri', C2[1]],
];

let fake: FakeAssemblyline;
let recorder: FakeFirewall;
let files: http.Server;
let filesUrl: string;
let host: N8nHost;
const users = defaultUsers();
/** A 3 MB "attachment" with the C2 addresses inside. */
const attachment = Buffer.concat([randomBytes(1_500_000), Buffer.from(`\n${C2.join('\n')}\n${PRIVATE}\n`), randomBytes(1_500_000)]);
const sha256 = createHash('sha256').update(attachment).digest('hex');

function describeFailure(r: ExecuteResult): string {
	return `exit ${r.exitCode}: ${JSON.stringify(r.error)}\n--- stdout ---\n${r.stdout.slice(-3000)}\n--- stderr ---\n${r.stderr.slice(-3000)}`;
}

/** The example, runnable with `n8n execute` against the fakes. */
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
	const slack = getNode(wf, SLACK);
	replaceNode(wf, SLACK, {
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			method: 'POST', url: `${recorder.url}/slack/soc-blocklist`, sendBody: true, contentType: 'json', specifyBody: 'keypair',
			bodyParameters: { parameters: [{ name: 'channel', value: slack.parameters.channelId.value }, { name: 'text', value: slack.parameters.text }] },
			options: {},
		},
	});
	return wf;
}

e2e('"Analyse attachments and block what they contact" in a real n8n', () => {
	beforeAll(async () => {
		const install = await ensureN8n();
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
		await host.importCredentials([alCredential({ url: fake.url, user: users[0].name, apikey: users[0].apikey, verifyTls: true })]);
		const example = JSON.parse(fs.readFileSync(path.join(repoDir, 'examples', EXAMPLE), 'utf8')) as WorkflowJson;
		await host.importWorkflows([forE2e(example)]);
	});

	afterAll(async () => {
		await host?.dispose();
		await recorder?.close();
		await new Promise((resolve) => files?.close(resolve));
		await fake?.close();
	});

	test('the attachment reaches Assemblyline byte for byte; what it contacts ends on the badlist, once, and in Slack', async () => {
		const before = fake.badlist.size;
		const r = await host.execute(ID);
		if (!r.ok) throw new Error(describeFailure(r));

		// Submit (wait): the fake holds a completed submission of exactly these bytes.
		const [submitted] = r.nodes[SUBMIT].outputs[0];
		expect(submitted).toMatchObject({ completed: true, state: 'completed', sha256, size: attachment.length });
		const doc = fake.dataset.getSubmission(submitted.sid)!;
		expect(doc.completed).toBe(true);
		expect(doc.spec.files[0]).toMatchObject({ sha256, size: attachment.length, name: 'invoice_8841.docm' });
		expect(submitted.ui_url).toBe(`${fake.url}/submission/detail/${submitted.sid}`);

		// The badlist: one entry per blocked IoC, with its tag type; the private address is not there.
		expect(fake.badlist.size).toBe(before + EXPECTED_BADLIST.length);
		for (const [type, value] of EXPECTED_BADLIST) {
			const entry = fake.badlist.getTag(type, value);
			expect(entry?.tag).toEqual({ type, value });
			expect(entry?.sources.map((s) => s.name)).toEqual([users[0].name]);
		}
		expect(fake.badlist.getTag('network.static.ip', '10.20.30.40')).toBeUndefined();
		expect(r.nodes['Filter Blockable IoCs'].outputs[1].map((i) => `${i.value} ${i.reason}`)).toEqual(expect.arrayContaining(['10.20.30.40 non_global_ip']));

		// Slack: one message naming every blocked value and the submission.
		const slack = recorder.callsTo('/slack/');
		expect(slack).toHaveLength(1);
		const text = String((slack[0].body as { text: string }).text);
		for (const [, value] of EXPECTED_BADLIST) expect(text).toContain(value);
		expect(text).toContain(`/submission/detail/${submitted.sid}`);

		// The same attachment again: no second badlist entry for any IoC (the Filter may also hold them
		// back as already blocked, since Confirm Blocked IoCs recorded them).
		const again = await host.execute(ID);
		if (!again.ok) throw new Error(describeFailure(again));
		expect(fake.badlist.size).toBe(before + EXPECTED_BADLIST.length);
		for (const [type, value] of EXPECTED_BADLIST) expect(fake.badlist.getTag(type, value)?.sources).toHaveLength(1);
	});
});
