/**
 * The example "Block IoCs from new alerts and push them to PAN-OS and Defender" in a real n8n (the
 * pinned version, the package installed from its `npm pack` tarball), against the fake Assemblyline
 * with the demo data and the fake PAN-OS and Defender APIs (test/fakes/firewalls/). Afterwards the
 * fakes hold exactly what Filter Blockable IoCs sent to Block in that run: its IPs on PAN-OS (tagged,
 * with a timeout) and all of it on Defender (one indicator each, with an expiry). A second run
 * pushes the same IoCs again and changes nothing but Defender's expiry.
 *
 * Run with `npm run test:e2e -- test/e2e/push-blocks.test.ts` (plain `npm test` skips it).
 */
import fs from 'node:fs';
import path from 'node:path';

import { ensureN8n, N8nHost, packPackage, type ExecuteResult, type WorkflowJson } from '../../scripts/n8n-host.ts';
import { alCredential } from '../../scripts/report.ts';
import { copyWorkflow, setParams, withManualTrigger } from '../../scripts/workflows.ts';
import { defaultUsers, demoDataset, startFakeAssemblyline, type FakeAssemblyline } from '../fakes/assemblyline/index.ts';
import { DEFENDER_CLIENT_ID, DEFENDER_SECRET, DEFENDER_TENANT, startFakeDefender, type FakeDefender } from '../fakes/firewalls/defender.ts';
import { PANOS_KEY, startFakePanos, type FakePanos } from '../fakes/firewalls/panos.ts';

const e2e = process.env.N8N_E2E === '1' ? describe : describe.skip;
const repoDir = path.resolve(__dirname, '..', '..');
const EXAMPLE = path.join(repoDir, 'examples', 'push-blocks-to-pan-os-and-defender.json');
const ID = 'E2ePushPanosMde1';
const WEEK_MS = 168 * 3_600_000;

let al: FakeAssemblyline;
let panos: FakePanos;
let defender: FakeDefender;
let host: N8nHost;
const users = defaultUsers();

function describeFailure(r: ExecuteResult): string {
	return `exit ${r.exitCode}: ${JSON.stringify(r.error)}\n--- stdout ---\n${r.stdout.slice(-3000)}\n--- stderr ---\n${r.stderr.slice(-3000)}`;
}

const key = (item: Record<string, any>) => `${item.type} ${item.value}`;

e2e('Block on Firewall / EDR in a real n8n', () => {
	beforeAll(async () => {
		const install = await ensureN8n();
		al = await startFakeAssemblyline({ dataset: demoDataset(), users });
		[panos, defender] = await Promise.all([startFakePanos(), startFakeDefender()]);
		host = await N8nHost.create({ install });
		const tarball = await packPackage({ repoDir, outDir: path.join(host.userFolder, 'pack'), build: process.env.E2E_SKIP_BUILD !== '1' });
		await host.installPackage(tarball);
		const example = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')) as WorkflowJson;
		const wf = withManualTrigger(copyWorkflow(example, ID));
		// `n8n execute` moves the search's cursor: read every alert each run, so the second run pushes the same IoCs.
		setParams(wf, 'AL Alert Search', { onlyNew: false });
		const credentialOf = (type: string) => wf.nodes.find((n) => n.credentials?.[type])!.credentials[type] as { id: string; name: string };
		await host.importCredentials([
			alCredential({ url: al.url, user: users[0].name, apikey: users[0].apikey, verifyTls: true }),
			{ ...credentialOf('blockPanOsApi'), type: 'blockPanOsApi', data: { url: panos.url, apiKey: PANOS_KEY, vsys: '', ignoreSslIssues: false } },
			{
				...credentialOf('blockDefenderApi'),
				type: 'blockDefenderApi',
				data: { tenantId: DEFENDER_TENANT, clientId: DEFENDER_CLIENT_ID, clientSecret: DEFENDER_SECRET, apiUrl: defender.url, loginUrl: defender.url, accessToken: '' },
			},
		]);
		await host.importWorkflows([wf]);
	});

	afterAll(async () => {
		await host?.dispose();
		await Promise.all([panos?.close(), defender?.close(), al?.close()]);
	});

	test('the fakes hold exactly the blockable IPs (PAN-OS) and every blockable IoC (Defender), each once, with expiry', async () => {
		const started = Date.now();
		const r = await host.execute(ID);
		if (!r.ok) throw new Error(describeFailure(r));
		const [block] = r.nodes['Filter Blockable IoCs'].outputs;
		// The demo data has IPs, domains and URLs to block (test/fakes/assemblyline/demo.ts).
		expect(new Set(block.map((i) => i.type))).toEqual(new Set(['ip', 'domain', 'uri']));
		expect(block.map(key)).toContain('ip 91.214.124.19');
		expect(block.map(key)).not.toContain('ip 10.20.30.40');

		// PAN-OS: the IPs, tagged n8n-block, expiring in a week; the rest on Not Pushed.
		const ips = block.filter((i) => i.type === 'ip').map((i) => i.value as string);
		const state = panos.state();
		expect(Object.keys(state).sort()).toEqual([...new Set(ips)].sort());
		for (const ip of ips) {
			expect(Object.keys(state[ip])).toEqual(['n8n-block']);
			expect(Math.abs((state[ip]['n8n-block'] as number) - (started + WEEK_MS))).toBeLessThan(5 * 60_000);
		}
		const [panosDone, panosNotPushed] = r.nodes['Block on PAN-OS'].outputs;
		expect(panosDone.map((i) => i.status)).toEqual(ips.map(() => 'added'));
		expect(panosNotPushed.map(key).sort()).toEqual(block.filter((i) => i.type !== 'ip').map(key).sort());
		expect(panosNotPushed.every((i) => i.status === 'unsupported_type')).toBe(true);

		// Defender: every IoC once, with the matching indicator type, action Block and an expiry.
		const indicators = defender.active();
		const typeOf: Record<string, string> = { ip: 'IpAddress', domain: 'DomainName', uri: 'Url' };
		expect(indicators.map((i) => `${i.indicatorType} ${i.indicatorValue}`).sort()).toEqual([...new Set(block.map((i) => `${typeOf[i.type]} ${i.value}`))].sort());
		for (const indicator of indicators) {
			expect(indicator.action).toBe('Block');
			expect(Math.abs(Date.parse(String(indicator.expirationTime)) - (started + WEEK_MS))).toBeLessThan(5 * 60_000);
		}
		const [defenderDone, defenderNotPushed] = r.nodes['Block on Defender'].outputs;
		expect(defenderDone.every((i) => i.status === 'added' && typeof i.target_id === 'string')).toBe(true);
		expect(defenderNotPushed).toEqual([]);
		// At the documented limits nothing was refused for speed.
		expect(panos.count429 + defender.count429).toBe(0);

		// Again, the same alerts: nothing new on either target.
		const before = new Map(indicators.map((i) => [i.id, i.expirationTime]));
		const again = await host.execute(ID);
		if (!again.ok) throw new Error(describeFailure(again));
		expect(again.nodes['Block on PAN-OS'].outputs[0].map((i) => i.status)).toEqual(ips.map(() => 'already_present'));
		expect(again.nodes['Block on Defender'].outputs[0].every((i) => i.status === 'already_present')).toBe(true);
		expect(Object.keys(panos.state()).sort()).toEqual([...new Set(ips)].sort());
		const after = defender.active();
		expect(after.map((i) => i.id).sort()).toEqual([...before.keys()].sort());
		// Defender renews the expiry on a re-add.
		for (const i of after) expect(Date.parse(String(i.expirationTime))).toBeGreaterThanOrEqual(Date.parse(String(before.get(i.id))));
	});
});
