/**
 * The Assemblyline action node against the fake Assemblyline, through n8n-core's engine with real
 * HTTP. Every check reads the fake's state (what it stored, what it received), not what the node
 * says it did.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';
import type { IBinaryData, IDataObject, INodeParameters } from 'n8n-workflow';
import { BINARY_ENCODING } from 'n8n-workflow';

import { Assemblyline } from '../../nodes/Assemblyline/Assemblyline.node';
import { AssemblylineSubmissionIocs } from '../../nodes/AssemblylineSubmissionIocs/AssemblylineSubmissionIocs.node';
import { FilterBlockableIocs } from '../../nodes/FilterBlockableIocs/FilterBlockableIocs.node';
import { fixturesDataset, startFakeAssemblyline, type FakeAssemblyline } from '../fakes/assemblyline/index.ts';
import type { Rec } from '../fakes/assemblyline/search.ts';
import { runNode } from '../harness/n8n.ts';

const node = new Assemblyline();
const iocsNode = new AssemblylineSubmissionIocs();

let fake: FakeAssemblyline;
let storage: string;
let binaries: BinaryDataService;

function credentials(user = 'svc_soc') {
	const u = fake.users.find((x) => x.name === user)!;
	return { assemblylineApi: { url: fake.url, username: u.name, apiKey: u.apikey } };
}

beforeAll(async () => {
	fake = await startFakeAssemblyline({ dataset: fixturesDataset(), submitCompletionMs: 1200 });
	// n8n's filesystem binary mode (the default of n8n 2 outside queue mode), in a temporary folder.
	storage = mkdtempSync(join(tmpdir(), 'al-node-binary-'));
	binaries = Container.get(BinaryDataService);
	const config = (binaries as unknown as { config: { mode: string; localStoragePath: string } }).config;
	config.mode = 'filesystem';
	config.localStoragePath = storage;
	await binaries.init();
});

afterAll(async () => {
	await fake.close();
	rmSync(storage, { recursive: true, force: true });
});

beforeEach(() => {
	fake.faults.clear();
	fake.clearRequests();
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function stored(bytes: Buffer, fileName: string): Promise<IBinaryData> {
	return await binaries.store(
		{ type: 'execution', workflowId: 'wf-test', executionId: 'exec-1' } as never,
		bytes,
		{ mimeType: 'application/octet-stream', fileName, data: '' } as IBinaryData,
	);
}

function submitted(sid: string): Rec {
	const b = fake.dataset.getSubmission(sid);
	if (!b) throw new Error(`the fake has no submission ${sid}`);
	return b.document() as Rec;
}

describe('Submission: Submit', () => {
	test('a 5 MB file from n8n\'s filesystem binary storage arrives byte for byte (streamed multipart)', async () => {
		const bytes = randomBytes(5 * 1024 * 1024);
		const binary = await stored(bytes, 'invoice 8841.docm');
		expect(binary.id).toMatch(/^filesystem/);
		const { outputs, error } = await runNode({
			node,
			parameters: {
				resource: 'submission', operation: 'submit', input: 'file', binaryPropertyName: 'attachment_0',
				options: {
					description: 'From the phishing mailbox', classification: 'TLP:C', priority: 800, ttl: 15, deepScan: true,
					selectedServices: 'Extraction, Static Analysis', excludedServices: 'Dynamic Analysis',
					metadata: { entry: [{ key: 'case', value: 'INC-4711' }] },
				},
				submissionProfile: 'static_with_dynamic',
			},
			inputItems: [{ json: { mail: 1 }, binary: { attachment_0: binary } }],
			credentials: credentials(),
		});
		expect(error).toBeUndefined();
		const out = outputs[0][0].json;
		expect(out.sid).toMatch(/^[0-9A-Za-z]{1,64}$/);
		expect(out.ui_url).toBe(`${fake.url}/submission/detail/${out.sid}`);
		const doc = submitted(String(out.sid));
		const files = doc.files as Rec[];
		expect(files).toEqual([{ name: 'invoice 8841.docm', sha256: sha256(bytes), size: bytes.length }]);
		const params = doc.params as Rec;
		expect(params).toMatchObject({
			description: 'From the phishing mailbox', classification: 'TLP:C', priority: 800, ttl: 15, deep_scan: true,
			services: { selected: ['Extraction', 'Static Analysis'], excluded: ['Dynamic Analysis'] }, submission_profile: 'static_with_dynamic',
		});
		expect(doc.metadata).toEqual({ case: 'INC-4711' });
		const request = fake.requests.find((r) => r.path === '/api/v4/submit/')!;
		expect(request.status).toBe(200);
		expect(outputs[0][0].pairedItem).toEqual({ item: 0 });
	});

	test('structured parameters go through a schema: metadata whose value is an object and services given as a number are errors naming them; nothing is submitted', async () => {
		const submit = (options: INodeParameters) =>
			runNode({
				node,
				parameters: { resource: 'submission', operation: 'submit', input: 'url', url: 'https://cdn-update.example.net/inv.zip', options },
				input: [{ n: 1 }],
				credentials: credentials(),
			});
		const before = fake.requests.filter((r) => r.path === '/api/v4/submit/').length;
		const metadata = await submit({ metadata: { entry: [{ key: 'case', value: '={{ { id: 4711 } }}' }] } });
		expect(metadata.error?.message).toMatch(/^"Metadata" \(entry\[0\]\.value\): does not match any accepted shape \(got an object\)/);
		const services = await submit({ selectedServices: '={{ 42 }}' });
		expect(services.error?.message).toMatch(/^"Selected Services": does not match any accepted shape \(got number 42\)/);
		expect(fake.requests.filter((r) => r.path === '/api/v4/submit/').length).toBe(before);
		// A list from an expression is a list of services.
		const listed = await submit({ selectedServices: '={{ ["Extraction", "Static Analysis"] }}' });
		expect(listed.error).toBeUndefined();
		expect((submitted(String(listed.outputs[0][0].json.sid)).params as Rec).services).toEqual({ selected: ['Extraction', 'Static Analysis', 'URLDownloader'] });
	});

	test('a file held in memory (n8n\'s in-memory binary mode) arrives byte for byte too', async () => {
		const bytes = Buffer.concat([Buffer.from('MZ\x90\x00'), randomBytes(4096)]);
		const { outputs, error } = await runNode({
			node,
			parameters: { resource: 'submission', operation: 'submit', input: 'file', binaryPropertyName: 'data' },
			inputItems: [{ json: {}, binary: { data: { data: bytes.toString(BINARY_ENCODING), mimeType: 'application/octet-stream', fileName: 'a.exe' } } }],
			credentials: credentials(),
		});
		expect(error).toBeUndefined();
		expect((submitted(String(outputs[0][0].json.sid)).files as Rec[])[0]).toEqual({ name: 'a.exe', sha256: sha256(bytes), size: bytes.length });
	});

	test('a URL goes as JSON with URLDownloader selected; a known SHA256 resubmits the file Assemblyline holds', async () => {
		const { outputs } = await runNode({
			node,
			parameters: { resource: 'submission', operation: 'submit', input: 'url', url: 'hxxps://cdn-update[.]example[.]net/inv.zip' },
			credentials: credentials(),
		});
		const urlDoc = submitted(String(outputs[0][0].json.sid));
		expect((urlDoc.params as Rec).services).toEqual({ selected: ['URLDownloader'] });
		expect((urlDoc.files as Rec[])[0].name).toBe('https://cdn-update.example.net/inv.zip');

		const known = (urlDoc.files as Rec[])[0].sha256 as string;
		const again = await runNode({ node, parameters: { resource: 'submission', operation: 'submit', input: 'sha256', sha256: known }, credentials: credentials() });
		expect((submitted(String(again.outputs[0][0].json.sid)).files as Rec[])[0].sha256).toBe(known);
		expect(again.outputs[0][0].json.sid).not.toBe(outputs[0][0].json.sid);

		const unknown = await runNode({ node, parameters: { resource: 'submission', operation: 'submit', input: 'sha256', sha256: 'a'.repeat(64) }, credentials: credentials() });
		expect(unknown.error?.message).toMatch(/SHA256 does not exist in Assemblyline/);
	});

	test('Wait for Completion: the output chains into AL Submission IoCs, which yields the submission\'s mapping', async () => {
		// The fake's analysis reports the network IoCs written in the file (like FrankenStrings).
		const bytes = Buffer.from('GET http://203.0.113.45:8080/gate.php\nbeacon https://cdn-update.example.net/a/b.bin\n' + 'x'.repeat(1000));
		const binary = await stored(bytes, 'dropper.bin');
		const submit = await runNode({
			node,
			parameters: { resource: 'submission', operation: 'submit', input: 'file', binaryPropertyName: 'data', waitForCompletion: true, waitTimeout: 60 },
			inputItems: [{ json: {}, binary: { data: binary } }],
			credentials: credentials(),
		});
		expect(submit.error).toBeUndefined();
		const out = submit.outputs[0][0].json;
		expect(out).toMatchObject({ state: 'completed', completed: true });
		const sid = String(out.sid);
		expect(fake.dataset.getSubmission(sid)!.completed).toBe(true);
		expect(fake.requests.filter((r) => r.path === `/api/v4/submission/is_completed/${sid}/`).length).toBeGreaterThan(1);

		const iocs = await runNode({ node: iocsNode, parameters: { source: 'summary', tags: 'network', output: 'grouped' }, input: [out], credentials: credentials() });
		expect(iocs.error).toBeUndefined();
		expect(iocs.outputs[0][0].json).toMatchObject({ sid, partial: false });
		expect(iocs.outputs[0][0].json.iocs).toEqual({
			'network.static.ip': ['203.0.113.45'],
			'network.static.domain': ['cdn-update.example.net'],
			'network.static.uri': ['http://203.0.113.45:8080/gate.php', 'https://cdn-update.example.net/a/b.bin'],
		});
	});

	test.each([
		['between two polls', false],
		['while a poll is in flight (n8n cancels that request)', true],
	])('Wait for Completion stops when the execution is stopped %s, and polls no more', async (_when, inFlight) => {
		const controller = new AbortController();
		// The node as it is, with the execution's cancel signal under the test's control.
		const stoppable = Object.create(node) as Assemblyline;
		stoppable.execute = function (this: object) {
			const context = new Proxy(this, {
				get: (target, prop) =>
					prop === 'getExecutionCancelSignal' ? () => controller.signal : (Reflect.get(target, prop, target) as unknown),
			});
			return node.execute.call(context as never);
		};
		let pollsAtStop = -1;
		// The second poll is held by the fake for 3 s when the stop is to land while it is in flight.
		const rule = fake.faults.add({ kind: 'slow', path: '^/api/v4/submission/is_completed/', after: 1, once: true, delayMs: inFlight ? 3000 : 0 });
		const polls = () => fake.faults.rules.find((r) => r.id === rule)?.seen ?? 0;
		const stopper = (async () => {
			while (polls() < 2) await new Promise((resolve) => setTimeout(resolve, 20));
			pollsAtStop = polls();
			controller.abort();
		})();
		const neverDone = await stored(Buffer.from('a sample that never finishes'), 'slow.bin');
		// The fake never completes this one: only the stop can end the wait.
		const addSubmittedSpec = fake.dataset.addSubmittedSpec;
		fake.dataset.addSubmittedSpec = (spec) => addSubmittedSpec.call(fake.dataset, spec, Infinity);
		const run = runNode({
			node: stoppable,
			parameters: { resource: 'submission', operation: 'submit', input: 'file', binaryPropertyName: 'data', waitForCompletion: true, waitTimeout: 3600 },
			inputItems: [{ json: {}, binary: { data: neverDone } }],
			credentials: credentials(),
		});
		const { outputs, error } = await run.finally(() => {
			fake.dataset.addSubmittedSpec = addSubmittedSpec;
		});
		await stopper;
		expect(error).toBeUndefined();
		expect(outputs[0][0].json).toMatchObject({ completed: false, state: 'submitted' });
		expect(polls()).toBeLessThanOrEqual(pollsAtStop + 1);
	});

	test('a user without submission_create is told which role to ask the administrator for; nothing is created', async () => {
		const before = fake.dataset.submissions.size;
		const { error } = await runNode({
			node,
			parameters: { resource: 'submission', operation: 'submit', input: 'url', url: 'https://example.org/x' },
			credentials: credentials('viewer'),
		});
		expect(error?.message).toMatch(/lacks the role "submission_create"/);
		expect(error?.description).toMatch(/Ask your Assemblyline administrator/);
		expect(fake.dataset.submissions.size).toBe(before);
	});

	test('the concurrency quota 503 is retried and submits once; a 502 is not retried (the server may have acted)', async () => {
		const before = fake.dataset.submissions.size;
		fake.faults.add({ kind: '503-concurrency', path: '^/api/v4/submit/$', times: 2 });
		const ok = await runNode({ node, parameters: { resource: 'submission', operation: 'submit', input: 'url', url: 'https://example.org/q' }, credentials: credentials() });
		expect(ok.error).toBeUndefined();
		expect(fake.requests.filter((r) => r.path === '/api/v4/submit/').map((r) => r.status)).toEqual([503, 503, 200]);
		expect(fake.dataset.submissions.size).toBe(before + 1);

		fake.clearRequests();
		fake.faults.add({ kind: '502', path: '^/api/v4/submit/$', once: true });
		const failed = await runNode({ node, parameters: { resource: 'submission', operation: 'submit', input: 'url', url: 'https://example.org/r' }, credentials: credentials() });
		expect(failed.error?.message).toMatch(/HTTP 502/);
		expect(fake.requests.filter((r) => r.path === '/api/v4/submit/')).toHaveLength(1);
	});
});

describe('Submission: Get', () => {
	test('is_completed, the document and the report (425 while running is a clear per-item error)', async () => {
		const run = await runNode({ node, parameters: { resource: 'submission', operation: 'submit', input: 'url', url: 'https://example.org/get' }, credentials: credentials() });
		const sid = String(run.outputs[0][0].json.sid);
		const early = await runNode({ node, parameters: { resource: 'submission', operation: 'get', what: 'report' }, input: [{ sid }], credentials: credentials(), continueOnFail: true });
		expect(early.outputs[0][0].json.error).toMatch(/too early to generate the report/);
		const done = await runNode({ node, parameters: { resource: 'submission', operation: 'get', what: 'isCompleted' }, input: [{ sid }], credentials: credentials() });
		expect(done.outputs[0][0].json).toMatchObject({ sid, is_completed: fake.dataset.getSubmission(sid)!.completed });
		const doc = await runNode({ node, parameters: { resource: 'submission', operation: 'get', what: 'document' }, input: [{ sid }], credentials: credentials() });
		expect(doc.outputs[0][0].json.document).toEqual(submitted(sid));
	});
});

describe('Alert write-back', () => {
	const label = (alertIds: string[], extra: IDataObject = {}, user = 'svc_soc') =>
		runNode({ node, parameters: { resource: 'alert', operation: 'label', labels: 'blocked', ...extra }, input: alertIds.map((alert_id) => ({ alert_id })), credentials: credentials(user) });

	const userEvents = (id: string) => ((fake.dataset.getAlert(id)!.events as Rec[]) ?? []).filter((e) => e.entity_type === 'user');

	test('Label, Set Status, Take Ownership twice: the alert shows the label once, with the events Assemblyline writes', async () => {
		const alert = fake.dataset.makeAlert({ ips: ['203.0.113.45'] });
		const id = String(alert.alert_id);
		for (let run = 0; run < 2; run++) {
			expect((await label([id])).error).toBeUndefined();
			expect((await runNode({ node, parameters: { resource: 'alert', operation: 'setStatus', status: 'MALICIOUS' }, input: [{ alert_id: id }], credentials: credentials() })).error).toBeUndefined();
			expect((await runNode({ node, parameters: { resource: 'alert', operation: 'takeOwnership' }, input: [{ alert_id: id }], credentials: credentials() })).error).toBeUndefined();
		}
		const doc = fake.dataset.getAlert(id)!;
		expect(doc.label).toEqual(['BLOCKED']);
		expect(doc.status).toBe('MALICIOUS');
		expect(doc.owner).toBe('svc_soc');
		// One event per call that changed something; ownership writes none (assemblyline-ui api/v4/alert.py).
		expect(userEvents(id).map(({ ts: _ts, ...e }) => e)).toEqual([
			{ entity_id: 'svc_soc', entity_name: fake.users[0].fullName, entity_type: 'user', labels: ['BLOCKED'], labels_removed: [], priority: null, status: null },
			{ entity_id: 'svc_soc', entity_name: fake.users[0].fullName, entity_type: 'user', labels: [], labels_removed: [], priority: null, status: 'MALICIOUS' },
		]);
	});

	test('Set Priority and Remove Label write their events; removing an absent label changes nothing', async () => {
		const id = String(fake.dataset.makeAlert({ domains: ['cdn-update.example.net'], label: ['FP'] }).alert_id);
		await runNode({ node, parameters: { resource: 'alert', operation: 'setPriority', priority: 'CRITICAL' }, input: [{ alert_id: id }], credentials: credentials() });
		await runNode({ node, parameters: { resource: 'alert', operation: 'removeLabel', labels: 'fp, not-there' }, input: [{ alert_id: id }], credentials: credentials() });
		await runNode({ node, parameters: { resource: 'alert', operation: 'removeLabel', labels: 'fp' }, input: [{ alert_id: id }], credentials: credentials() });
		const doc = fake.dataset.getAlert(id)!;
		expect(doc.priority).toBe('CRITICAL');
		expect(doc.label).toEqual([]);
		expect(userEvents(id).map((e) => [e.priority, e.labels_removed])).toEqual([['CRITICAL', []], [null, ['FP']]]);
	});

	test('an alert owned by someone else is a per-item error; the others still get done', async () => {
		const mine = String(fake.dataset.makeAlert({ ips: ['198.51.100.23'] }).alert_id);
		const theirs = String(fake.dataset.makeAlert({ ips: ['198.51.100.24'], owner: 'jdoe' }).alert_id);
		const { outputs } = await runNode({ node, parameters: { resource: 'alert', operation: 'takeOwnership' }, input: [{ alert_id: theirs }, { alert_id: mine }], credentials: credentials(), continueOnFail: true });
		expect(outputs[0].map((i) => [i.json.error ?? i.json.owner, i.pairedItem])).toEqual([
			[expect.stringMatching(/already owned by jdoe/), { item: 0 }],
			['svc_soc', { item: 1 }],
		]);
		expect(fake.dataset.getAlert(theirs)!.owner).toBe('jdoe');
		expect(fake.dataset.getAlert(mine)!.owner).toBe('svc_soc');
	});

	test('an unknown alert id is a per-item error with its item index; the other items are labelled', async () => {
		const id = String(fake.dataset.makeAlert({ ips: ['192.0.2.77'] }).alert_id);
		const cont = await runNode({ node, parameters: { resource: 'alert', operation: 'label', labels: 'BLOCKED' }, input: [{ alert_id: 'NoSuchAlert1' }, { alert_id: id }], credentials: credentials(), continueOnFail: true });
		expect(cont.outputs[0]).toHaveLength(2);
		expect(cont.outputs[0][0].json.error).toMatch(/Alert ID NoSuchAlert1 not found/);
		expect(cont.outputs[0][1].json).toMatchObject({ alert_id: id, success: true });
		expect(fake.dataset.getAlert(id)!.label).toEqual(['BLOCKED']);
		const stop = await label(['NoSuchAlert1']);
		expect(stop.error?.message).toMatch(/not found/);
		expect(stop.error?.context?.itemIndex).toBe(0);
	});

	test('a key without alert_manage: the error names the role and what to ask for; the alert is unchanged', async () => {
		const id = String(fake.dataset.makeAlert({ ips: ['192.0.2.78'] }).alert_id);
		const { error } = await label([id], {}, 'viewer');
		expect(error?.message).toMatch(/lacks the role "alert_manage"/);
		expect(error?.description).toMatch(/administrator.*"alert_manage" role.*W, write/);
		expect(fake.dataset.getAlert(id)!.label).toEqual([]);
	});

	test('an id that is not an Assemblyline id never reaches a URL', async () => {
		const { error } = await label(['../../user/admin']);
		expect(error?.message).toMatch(/is not an Assemblyline alert ID/);
		expect(fake.requests).toHaveLength(0);
	});
});

describe('Safelist and Badlist', () => {
	const filterNode = new FilterBlockableIocs();

	/** The IoCs of an alert-like submission, through AL Submission IoCs and Filter Blockable IoCs, as a workflow does. */
	async function blockItems(): Promise<IDataObject[]> {
		const sid = fake.dataset.addSubmission({
			completed: true,
			ips: ['91.219.236.18', { value: '10.1.2.3', verdict: 'malicious' }],
			domains: ['Invoice-Update.top', { value: 'time.windows.com', verdict: 'safe' }],
			uris: ['http://91.219.236.18:8080/Gate.php', { value: 'https://static.badcdn.ru/x', kind: 'static' }],
		});
		const iocs = await runNode({ node: iocsNode, parameters: { sid, output: 'perIoc' }, credentials: credentials() });
		const filtered = await runNode({ node: filterNode, parameters: {}, input: iocs.outputs[0].map((i) => i.json) });
		expect(filtered.error).toBeUndefined();
		return filtered.outputs[0].map((i) => i.json);
	}

	test('Badlist Add of the Block items: one entry per IoC with the right tag type; a second run adds no duplicate', async () => {
		const block = await blockItems();
		// Held back by Filter: the private IP and the safe domain. Something to block is left.
		expect(block.map((i) => i.value).sort()).toEqual(['91.219.236.18', 'http://91.219.236.18:8080/Gate.php', 'https://static.badcdn.ru/x', 'invoice-update.top']);
		const before = fake.badlist.size;
		const add = () => runNode({ node, parameters: { resource: 'badlist', operation: 'add', reason: 'Blocked on the perimeter firewall' }, input: block, credentials: credentials() });
		const first = await add();
		expect(first.error).toBeUndefined();
		expect(first.outputs[0].map((i) => i.json.op)).toEqual(['add', 'add', 'add', 'add']);
		const second = await add();
		expect(second.outputs[0].map((i) => i.json.op)).toEqual(['update', 'update', 'update', 'update']);
		expect(fake.badlist.size).toBe(before + block.length);
		for (const item of block) {
			const entry = fake.badlist.getTag(String(item.tag_type), String(item.value));
			expect(entry).toBeDefined();
			// The tag type the IoC had in Assemblyline: dynamic for what the sandbox saw, static for the file's strings.
			expect(entry!.tag).toEqual({ type: item.tag_type, value: item.value });
			expect(String(item.tag_type)).toBe(`network.${item.value === 'https://static.badcdn.ru/x' ? 'static' : 'dynamic'}.${item.type}`);
			expect(entry!.sources).toEqual([expect.objectContaining({ name: 'svc_soc', type: 'user', reason: ['Blocked on the perimeter firewall'] })]);
		}
		expect(first.outputs[0].map((i) => i.pairedItem)).toEqual(block.map((_, item) => ({ item })));
	});

	test('Add takes plain ip/domain/uri items too (the kind chosen in the panel), with an expiry', async () => {
		const { outputs } = await runNode({
			node,
			parameters: { resource: 'badlist', operation: 'add', reason: 'feed', networkKind: 'static', options: { expiryDays: 30 } },
			input: [{ type: 'domain', value: 'evil-cdn.example.com' }, { type: 'ip', value: '198.51.100.99' }],
			credentials: credentials(),
		});
		expect(outputs[0]).toHaveLength(2);
		const domain = fake.badlist.getTag('network.static.domain', 'evil-cdn.example.com');
		expect(domain?.tag).toEqual({ type: 'network.static.domain', value: 'evil-cdn.example.com' });
		expect(Date.parse(String(domain?.expiry_ts)) - Date.now()).toBeGreaterThan(29 * 86_400_000);
		expect(fake.badlist.getTag('network.static.ip', '198.51.100.99')).toBeDefined();
	});

	test('Check answers listed true with the entry, or false; the hash is Assemblyline\'s (case of a domain ignored)', async () => {
		await runNode({ node, parameters: { resource: 'safelist', operation: 'add', reason: 'NTP' }, input: [{ tag_type: 'network.dynamic.domain', value: 'Time.Windows.com' }], credentials: credentials() });
		const { outputs } = await runNode({
			node,
			parameters: { resource: 'safelist', operation: 'check' },
			input: [{ tag_type: 'network.dynamic.domain', value: 'TIME.windows.com' }, { tag_type: 'network.dynamic.domain', value: 'not-listed.example.com' }],
			credentials: credentials(),
		});
		expect(outputs[0].map((i) => [i.json.listed, i.json.hash])).toEqual([
			[true, '81c5f7136c33b27f591a54cc8b646199b332bdd3455fd474b201294191938a38'],
			[false, createHash('sha256').update('network.dynamic.domain: not-listed.example.com').digest('hex')],
		]);
		expect((outputs[0][0].json.entry as IDataObject).tag).toEqual({ type: 'network.dynamic.domain', value: 'time.windows.com' });
		expect(outputs[0][1].json.entry).toBeNull();
	});

	test('Check of a URI (its "/" cannot go in the tag route): only the host part is case-insensitive', async () => {
		await runNode({ node, parameters: { resource: 'badlist', operation: 'add', reason: 'C2' }, input: [{ tag_type: 'network.dynamic.uri', value: 'http://203.0.113.45:8080/gate.php' }], credentials: credentials() });
		const { outputs } = await runNode({
			node,
			parameters: { resource: 'badlist', operation: 'check' },
			input: [{ tag_type: 'network.dynamic.uri', value: 'http://203.0.113.45:8080/gate.php' }, { tag_type: 'network.dynamic.uri', value: 'http://203.0.113.45:8080/GATE.php' }],
			credentials: credentials(),
		});
		expect(outputs[0].map((i) => [i.json.listed, i.json.hash])).toEqual([
			[true, 'b4a7d2e658a78a2d8c2387efb69b629780f722bc03793163f1c0b94aa11efee2'],
			[false, expect.any(String)],
		]);
	});

	test('Remove takes the caller\'s entry off; removing again answers removed: false', async () => {
		const item = { tag_type: 'network.dynamic.ip', value: '192.0.2.200' };
		await runNode({ node, parameters: { resource: 'badlist', operation: 'add', reason: 'oops' }, input: [item], credentials: credentials() });
		expect(fake.badlist.getTag(item.tag_type, item.value)).toBeDefined();
		const remove = () => runNode({ node, parameters: { resource: 'badlist', operation: 'remove' }, input: [item], credentials: credentials() });
		expect((await remove()).outputs[0][0].json.removed).toBe(true);
		expect(fake.badlist.getTag(item.tag_type, item.value)).toBeUndefined();
		expect((await remove()).outputs[0][0].json.removed).toBe(false);
	});

	test('a key without badlist_manage: the error names the role; nothing is added', async () => {
		const before = fake.badlist.size;
		const { error } = await runNode({ node, parameters: { resource: 'badlist', operation: 'add', reason: 'x' }, input: [{ type: 'ip', value: '198.51.100.7' }], credentials: credentials('viewer') });
		expect(error?.message).toMatch(/lacks the role "badlist_manage", needed to add to or remove from the badlist/);
		expect(error?.description).toMatch(/Ask your Assemblyline administrator/);
		expect(fake.badlist.size).toBe(before);
	});

	test('an item without a usable tag type is a per-item error', async () => {
		const { outputs } = await runNode({ node, parameters: { resource: 'badlist', operation: 'add', reason: 'x' }, input: [{ type: 'sha256', value: 'abc' }, { type: 'ip', value: '198.51.100.8' }], credentials: credentials(), continueOnFail: true });
		expect(outputs[0][0].json.error).toMatch(/no usable tag type/);
		expect(outputs[0][1].json).toMatchObject({ op: 'add', tag_type: 'network.dynamic.ip' });
	});
});
