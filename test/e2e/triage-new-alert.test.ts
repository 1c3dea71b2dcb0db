/**
 * examples/triage-new-alert.json in a real n8n, published, against the fakes: Assemblyline (the demo
 * data plus three new alerts), the threat-intel providers (MalwareBazaar, Triage, ThreatFox,
 * URLhaus) and Slack (the Slack node, which only talks to slack.com, is replaced by an HTTP Request
 * posting the same channel and text to a recorder on 127.0.0.1).
 *
 * Run with `npm run test:e2e -- test/e2e/triage-new-alert.test.ts`; plain `npm test` skips it.
 */
import fs from 'node:fs';
import path from 'node:path';

import { activateWorkflowArgs, ensureN8n, N8nHost, packPackage, type WorkflowJson } from '../../scripts/n8n-host.ts';
import { alCredential } from '../../scripts/report.ts';
import { ABUSECH_CREDENTIAL, copyWorkflow, setParams, slackToRecorder } from '../../scripts/workflows.ts';
import { defaultUsers, demoDataset, startFakeAssemblyline, type FakeAssemblyline } from '../fakes/assemblyline/index.ts';
import { startFakeFirewall, type FakeFirewall } from '../fakes/firewall.ts';
import { FakeProviders, SAMPLES } from '../fakes/providers.ts';

const e2e = process.env.N8N_E2E === '1' ? describe : describe.skip;

const repoDir = path.resolve(__dirname, '..', '..');
const example = require(path.join(repoDir, 'examples', 'triage-new-alert.json')) as WorkflowJson;
const TRIAGE_CREDENTIAL = { id: 'triageCredent001', name: 'Triage (placeholder)' };
const ID = 'E2eTriageNewAlrt';

let fake: FakeAssemblyline;
let recorder: FakeFirewall;
let providers: FakeProviders;
let host: N8nHost;
const users = defaultUsers();

/** The example with the Slack step posting to the recorder and the first poll reaching back an hour. */
function forRecorder(): WorkflowJson {
	const wf = copyWorkflow(example, ID, `${example.name} (e2e)`);
	setParams(wf, 'AL Alert Trigger', { options: { backfillHours: 1 } });
	return slackToRecorder(wf, recorder.url);
}

/** The executions n8n saved, with the first error in each (for a failure message): read from its SQLite database. */
function savedExecutions(): string {
	const file = path.join(host.userFolder, '.n8n', 'database.sqlite');
	if (!fs.existsSync(file)) return 'no database';
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { DatabaseSync } = require('node:sqlite') as { DatabaseSync: new (file: string, options?: object) => { prepare(sql: string): { all(): Record<string, unknown>[] } } };
	const db = new DatabaseSync(file, { readOnly: true });
	const rows = db.prepare('SELECT e.id, e.status, d.data FROM execution_entity e LEFT JOIN execution_data d ON d.executionId = e.id').all();
	return rows
		.map((r) => {
			const data = String(r.data ?? '');
			const at = data.search(/"message"|NodeOperationError|NodeApiError/);
			return `#${r.id} ${r.status}${at >= 0 ? `: ${data.slice(Math.max(0, at - 200), at + 600)}` : ''}`;
		})
		.join('\n');
}

e2e('"Triage a new alert" in a real n8n', () => {
	/** alert id → what its summary must say. */
	const expected = new Map<string, { fileVerdict: string; sha256: string; iocs: string[] }>();

	beforeAll(async () => {
		const install = await ensureN8n();
		fake = await startFakeAssemblyline({ dataset: demoDataset(), users });
		recorder = await startFakeFirewall();
		providers = await new FakeProviders().start();
		// Older than the trigger's default alert delay (300 s), newer than its one-hour first poll.
		const reporting_ts = Date.now() - 10 * 60_000;
		const bad = fake.dataset.makeAlert({ ips: [SAMPLES.badIp], domains: [SAMPLES.badDomain], uris: [SAMPLES.badUrl], file_name: 'invoice_0325.js', reporting_ts });
		// The same alert for a file the threat-intel fakes know as malware.
		const badFile: Record<string, unknown> = { ...structuredClone(bad), alert_id: 'E2eTriageBadFile01' };
		(badFile.file as Record<string, unknown>).sha256 = SAMPLES.badSha256;
		fake.dataset.addAlerts([badFile]);
		const quiet = fake.dataset.makeAlert({ domains: [SAMPLES.unknownDomain], verdict: 'suspicious', file_name: 'notes.txt', reporting_ts });
		const network = [`ip ${SAMPLES.badIp}`, `domain ${SAMPLES.badDomain}`, `uri ${SAMPLES.badUrl}`];
		expected.set(String(bad.alert_id), { fileVerdict: 'unknown', sha256: String((bad.file as Record<string, unknown>).sha256), iocs: network });
		expected.set('E2eTriageBadFile01', { fileVerdict: 'malicious', sha256: SAMPLES.badSha256, iocs: network });
		expected.set(String(quiet.alert_id), { fileVerdict: 'unknown', sha256: String((quiet.file as Record<string, unknown>).sha256), iocs: [`domain ${SAMPLES.unknownDomain}`] });

		host = await N8nHost.create({ install });
		const tarball = await packPackage({ repoDir, outDir: path.join(host.userFolder, 'pack'), build: process.env.E2E_SKIP_BUILD !== '1' });
		await host.installPackage(tarball);
		const keys = providers.credentials();
		await host.importCredentials([
			alCredential({ url: fake.url, user: users[0].name, apikey: users[0].apikey, verifyTls: true }),
			{ ...ABUSECH_CREDENTIAL, type: 'iocEnrichAbuseChApi', data: keys.iocEnrichAbuseChApi },
			{ ...TRIAGE_CREDENTIAL, type: 'iocEnrichTriageApi', data: keys.iocEnrichTriageApi },
		]);
		await host.importWorkflows([forRecorder()]);
	}, 600_000);

	afterAll(async () => {
		await host?.dispose();
		await recorder?.close();
		await providers?.stop();
		await fake?.close();
	});

	test('one Slack summary per new alert, naming the file verdict and every network IoC with its verdict', async () => {
		const published = await host.cli(activateWorkflowArgs(ID));
		expect(published.code).toBe(0);
		await host.start();
		const deadline = Date.now() + 150_000;
		while (recorder.callsTo('/slack/').length < expected.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1000));
		// A little longer: a second message for an alert would arrive now.
		await new Promise((r) => setTimeout(r, 3000));

		const messages = recorder.callsTo('/slack/soc-triage').map((c) => String((c.body as { text?: unknown }).text));
		if (messages.length !== expected.size) throw new Error(`${messages.length} Slack message(s), ${expected.size} expected; n8n's executions:\n${savedExecutions()}`);
		const byAlert = new Map<string, string>();
		for (const text of messages) {
			const id = /Assemblyline alert (\S+)/.exec(text)?.[1] ?? '';
			expect(byAlert.has(id)).toBe(false);
			byAlert.set(id, text);
		}
		expect([...byAlert.keys()].sort()).toEqual([...expected.keys()].sort());
		for (const [id, want] of expected) {
			const text = byAlert.get(id) ?? '';
			expect(text).toContain(`(${want.sha256}): ${want.fileVerdict}`);
			const lines = text.split('\n').slice(3);
			expect(lines.map((l) => l.replace(/^\w+: /, '')).sort()).toEqual([...want.iocs].sort());
			for (const line of lines) expect(line).toMatch(/^(malicious|suspicious|benign|unknown): (ip|domain|uri) \S+$/);
		}
		// What the fakes know: URLhaus lists the bad URL; nobody knows the quiet domain (unknown, never benign).
		expect(byAlert.get('E2eTriageBadFile01')).toContain(`malicious: uri ${SAMPLES.badUrl}`);
		expect([...byAlert.values()].join('\n')).toContain(`unknown: domain ${SAMPLES.unknownDomain}`);
		// The file was looked up by its SHA256 in MalwareBazaar and Triage; the network IoCs in ThreatFox and URLhaus.
		expect(providers.requestsTo('triage').map((r) => r.value)).toContain(SAMPLES.badSha256);
		expect(providers.requestsTo('malwarebazaar').map((r) => r.value)).toContain(SAMPLES.badSha256);
		expect(providers.requestsTo('urlhaus').map((r) => r.value)).toContain(SAMPLES.badUrl);
	}, 600_000);
});
