/**
 * The managed blocklist in a real n8n (2.41.1; Data Tables do not exist in n8n 1.x): "Block IoCs from
 * new alerts (scheduled search)" fills the `ioc_blocklist` Data Table from the fake Assemblyline, and a
 * client that behaves like a firewall pulls every feed of "Serve the blocklist to your firewalls" with
 * Basic auth. Hand-inserted rows, expiry, the sweep, unblock, re-seeing and a failing Data Table are
 * driven through n8n's own REST API (the Data Table view's calls) and the example workflows.
 *
 * Run with `npm run test:e2e -- test/e2e/blocklist.test.ts` (sets N8N_E2E=1); plain `npm test` skips it.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import path from 'node:path';

import { activateWorkflowArgs, ensureN8n, N8N_VERSION, N8nHost, packPackage } from '../../scripts/n8n-host.ts';
import { runInEditor, signIn } from '../../scripts/editor-setup.ts';
import { alCredential } from '../../scripts/report.ts';
import {
	BLOCKLIST_TABLE,
	FEED_CREDENTIAL,
	FEEDS,
	NODE,
	UNBLOCK_CREDENTIAL,
	UNBLOCK_PATH,
	copyWorkflow,
	feedUrl,
	loadExamples,
	removeNodes,
	setParams,
	withManualTrigger,
} from '../../scripts/workflows.ts';
import { defaultUsers, demoDataset, startFakeAssemblyline, type FakeAssemblyline } from '../fakes/assemblyline/index.ts';

/** Data Tables came with n8n 1.113; the oldest n8n we test (1.85.4) has none, so there is nothing to run. */
const e2e = process.env.N8N_E2E === '1' && !N8N_VERSION.startsWith('1.') ? describe : describe.skip;

const repoDir = path.resolve(__dirname, '..', '..');
const examples = loadExamples(path.join(repoDir, 'examples'));
const IDS = { block: 'E2eBlocklistBlk1', feeds: 'E2eBlocklistFeed', sweep: 'E2eBlocklistSwp1', unblock: 'E2eBlocklistUnb1' };
const FEED_AUTH = { user: 'firewall', password: 'e2e-feed-password-1' };
const UNBLOCK_AUTH = { user: 'analyst', password: 'e2e-unblock-password-1' };
const OWNER = { email: 'soc@example.com', password: 'E2e-blocklist-1', firstName: 'SOC', lastName: 'Analyst' };
/** Hand-edited rows that must never reach a firewall (private, CIDR, injected line, any-address, wrong type). */
const HOSTILE: [string, string][] = [
	['ip', '10.0.0.0/8'],
	['domain', 'evil.com\n10.0.0.1'],
	['ip', '0.0.0.0/0'],
	['ip', '192.168.1.1'],
	['ip', 'hostile-name.example.net'],
	['uri', 'http://evil.example.net/a\r\nb'],
];

let fake: FakeAssemblyline;
let install: Awaited<ReturnType<typeof ensureN8n>>;
let host: N8nHost;
let headers: Record<string, string>;
let projectId: string;
let tableId: string;
const users = defaultUsers();

const basic = (auth: { user: string; password: string }) => `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;

async function rest(method: string, route: string, body?: unknown): Promise<any> {
	const res = await fetch(`${host.url}/rest${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
	const text = await res.text();
	if (!res.ok) throw new Error(`${method} /rest${route}: HTTP ${res.status} ${text.slice(0, 500)}`);
	return text ? JSON.parse(text).data : undefined;
}

const tableRoute = (suffix = '') => `/projects/${projectId}/data-tables/${tableId}${suffix}`;

interface Row {
	id: number;
	key: string;
	type: string;
	value: string;
	status: string;
	verdict: string;
	first_seen: string;
	last_seen: string;
	expires_at: string;
	sources: string;
	note: string;
}

async function rows(): Promise<Row[]> {
	const page = await rest('GET', tableRoute('/rows?take=1000&skip=0'));
	return page.data as Row[];
}

const eq = (columnName: string, value: string) => ({ type: 'and', filters: [{ columnName, condition: 'eq', value }] });

/** A firewall's GET of one feed; `auth` null sends no Authorization header. */
async function pull(type: string, format: string, auth: string | null = basic(FEED_AUTH), extra: Record<string, string> = {}) {
	const res = await fetch(feedUrl(host.url, type, format), { headers: { ...(auth ? { authorization: auth } : {}), 'user-agent': 'PAN-OS', ...extra } });
	return { status: res.status, body: await res.text(), type: res.headers.get('content-type') ?? '', etag: res.headers.get('etag') ?? '' };
}

/** What a feed must hold, derived from the rows (not from the node): live block rows of the type. */
function expectedValues(all: Row[], type: string): string[] {
	const t = type === 'url' ? 'uri' : type;
	const never = new Set(all.filter((r) => r.status === 'never_block').map((r) => r.key));
	return all
		.filter((r) => r.type === t && r.status === 'block' && new Date(r.expires_at).getTime() > Date.now() && !never.has(r.key))
		.filter((r) => !HOSTILE.some(([, v]) => v === r.value))
		.map((r) => r.value)
		.sort();
}

/** The entries of a feed body, as the firewall reads them. */
function entriesOf(format: string, body: string): string[] {
	if (format === 'csv') {
		const lines = body.split('\r\n').filter(Boolean);
		expect(lines[0]).toBe('type,value,verdict,tag_types,sources,occurrences,classification');
		return lines.slice(1).map((line) => line.split(',')[1]).sort();
	}
	if (format === 'stix') {
		const bundle = JSON.parse(body);
		expect(bundle.type).toBe('bundle');
		for (const o of bundle.objects) {
			expect(o).toMatchObject({ type: 'indicator', spec_version: '2.1', pattern_type: 'stix' });
			expect(o.id).toMatch(/^indicator--[0-9a-f-]{36}$/);
		}
		return bundle.objects.map((o: any) => /^\[[a-z0-9-]+:value = '(.*)'\]$/.exec(o.pattern)![1].replace(/\\'/g, "'").replace(/\\\\/g, '\\')).sort();
	}
	expect(body === '' || body.endsWith('\n')).toBe(true);
	return body.split('\n').filter(Boolean).sort();
}

/** The feed's view of a value: PAN-OS and FortiGate take URLs without their scheme. */
function asServed(format: string, type: string, value: string): string {
	return type === 'url' && (format === 'paloalto_edl' || format === 'fortigate') ? value.replace(/^[a-z]+:\/\//, '') : value;
}

async function expectEveryFeedMatches(all: Row[]): Promise<void> {
	for (const { type, format } of FEEDS) {
		const feed = await pull(type, format);
		expect({ type, format, status: feed.status }).toEqual({ type, format, status: 200 });
		const want = expectedValues(all, type).map((v) => asServed(format, type, v)).sort();
		if (format === 'cisco_md5') {
			const list = await pull(type, 'cisco');
			expect(feed.body).toBe(`${createHash('md5').update(list.body).digest('hex')}\n`);
			continue;
		}
		expect(entriesOf(format, feed.body)).toEqual(want);
		// n8n's web server adds the charset parameter to the Content-Type the workflow sets.
		const [media, ...params] = feed.type.split(';').map((p) => p.trim());
		expect({ format, media }).toEqual({ format, media: format === 'csv' ? 'text/csv' : format === 'stix' ? 'application/stix+json' : 'text/plain' });
		if (format === 'stix') expect(params).toContain('version=2.1');
		expect(feed.etag).toMatch(/^"[0-9a-f]{32}"$/);
	}
}

/** "Execute workflow" in the editor (a manual run through n8n's REST API), to completion. */
function runManually(workflowId: string): Promise<{ status: string; runData: Record<string, any[]> }> {
	const flatted = createRequire(install.n8nBin)('flatted') as { parse(text: string): any };
	return runInEditor(host.url, headers, workflowId, { parse: flatted.parse, timeoutMs: 120_000 });
}

const outputOf = (runData: Record<string, any[]>, node: string, output = 0): Record<string, any>[] =>
	((runData[node]?.[0]?.data?.main?.[output] ?? []) as { json: Record<string, any> }[]).map((i) => i.json);

e2e('the blocklist and its feeds in a real n8n', () => {
	let blockedKeys: string[];

	beforeAll(async () => {
		install = await ensureN8n();
		fake = await startFakeAssemblyline({ dataset: demoDataset(), users });
		host = await N8nHost.create({ install });
		const tarball = await packPackage({ repoDir, outDir: path.join(host.userFolder, 'pack'), build: process.env.E2E_SKIP_BUILD !== '1' });
		await host.installPackage(tarball);
		await host.importCredentials([
			alCredential({ url: fake.url, user: users[0].name, apikey: users[0].apikey, verifyTls: true }),
			{ ...FEED_CREDENTIAL, type: 'httpBasicAuth', data: FEED_AUTH },
			{ ...UNBLOCK_CREDENTIAL, type: 'httpBasicAuth', data: UNBLOCK_AUTH },
		]);
		const block = withManualTrigger(copyWorkflow(examples.blockSearch, IDS.block));
		// Every run reads every demo alert: re-seeing is what the test checks.
		setParams(block, NODE.search, { onlyNew: false });
		removeNodes(block, [NODE.aggregate, NODE.slack]);
		const sweep = withManualTrigger(copyWorkflow(examples.sweep, IDS.sweep));
		await host.importWorkflows([block, copyWorkflow(examples.feeds, IDS.feeds), sweep, copyWorkflow(examples.unblock, IDS.unblock)]);
		for (const id of [IDS.feeds, IDS.unblock]) expect((await host.cli(activateWorkflowArgs(id))).code).toBe(0);

		// Data Tables live in n8n's server (its data-table module); `n8n execute` does not load modules, so
		// every run here goes through the running n8n.
		await host.start();
		const setup = await fetch(`${host.url}/rest/owner/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(OWNER) });
		expect(setup.ok).toBe(true);
		headers = await signIn(host.url, OWNER);
		projectId = (await rest('GET', '/projects/personal')).id;
		// The first run creates the table (its "Blocklist Table" step) and fills it.
		const first = await runManually(IDS.block);
		expect(first.status).toBe('success');
		blockedKeys = outputOf(first.runData, NODE.filter).map((i) => `${i.type}:${i.value}`).sort();
		const tables = await rest('GET', `/projects/${projectId}/data-tables?filter=${encodeURIComponent(JSON.stringify({ name: BLOCKLIST_TABLE }))}`);
		expect(tables.data.map((t: any) => t.name)).toEqual([BLOCKLIST_TABLE]);
		tableId = tables.data[0].id;
	}, 900_000);

	afterAll(async () => {
		await host?.dispose();
		await fake?.close();
	});

	test('the alert workflow fills the Data Table: one block row per blockable IoC, with expiry, sources and reason', async () => {
		expect(blockedKeys.length).toBeGreaterThan(10);
		// Known blockable IoCs of the demo alerts (test/fakes/assemblyline/demo.ts) are there, private ones not.
		expect(blockedKeys).toEqual(expect.arrayContaining(['ip:91.214.124.19', 'domain:login-microsoftonline-secure.top', 'uri:http://91.214.124.45:8080/gate.php']));
		const all = await rows();
		expect(all.map((r) => r.key).sort()).toEqual(blockedKeys);
		for (const r of all) {
			expect(r.status).toBe('block');
			expect(r.key).toBe(`${r.type}:${r.value}`);
			expect(new Date(r.expires_at).getTime()).toBeGreaterThan(Date.now());
			expect(r.first_seen).toBe(r.last_seen);
			expect(r.sources).toMatch(/^(alert|sid):/);
			expect(['suspicious', 'highly suspicious', 'malicious']).toContain(r.verdict);
		}
		expect(all.map((r) => r.value)).not.toEqual(expect.arrayContaining(['10.20.30.40']));
	});

	test('a firewall pulling every feed with Basic auth gets exactly the blockable IoCs of that type, in that format', async () => {
		await expectEveryFeedMatches(await rows());
		// An IP feed holds IP addresses and nothing else (OPNsense would resolve a name and block its addresses).
		const ip = entriesOf('plain', (await pull('ip', 'paloalto_edl')).body);
		expect(ip).toContain('91.214.124.19');
		for (const entry of ip) expect(isIP(entry)).not.toBe(0);
	});

	test('a wrong password or none gets 401 and no list', async () => {
		const tries: [string, string | null][] = [['wrong password', basic({ user: FEED_AUTH.user, password: 'wrong' })], ['no credentials', null], ["the unblock webhook's user", basic(UNBLOCK_AUTH)]];
		for (const [what, auth] of tries) {
			const feed = await pull('ip', 'paloalto_edl', auth);
			expect({ what, status: feed.status }).toEqual({ what, status: 401 });
			expect(feed.body).not.toContain('91.214.124.19');
		}
	});

	test('a second pull with the ETag gets 304 without a body', async () => {
		const first = await pull('domain', 'fortigate');
		const again = await pull('domain', 'fortigate', basic(FEED_AUTH), { 'if-none-match': first.etag });
		expect(again.status).toBe(304);
		expect(again.body).toBe('');
		expect((await pull('domain', 'fortigate', basic(FEED_AUTH), { 'if-none-match': '"something-else"' })).status).toBe(200);
	});

	test('rows inserted by hand with hostile values are in no feed, and the feeds are unchanged', async () => {
		const before = await Promise.all(FEEDS.map(({ type, format }) => pull(type, format)));
		const future = new Date(Date.now() + 86_400_000).toISOString();
		await rest('POST', tableRoute('/insert'), {
			data: HOSTILE.map(([type, value]) => ({ key: `${type}:${value}`, type, value, verdict: 'malicious', status: 'block', first_seen: future, last_seen: future, expires_at: future, sources: '', reason: 'hand edit', added_by: 'e2e', note: '' })),
		});
		expect((await rows()).length).toBe(blockedKeys.length + HOSTILE.length);
		const after = await Promise.all(FEEDS.map(({ type, format }) => pull(type, format)));
		after.forEach((feed, i) => {
			expect(feed.status).toBe(200);
			expect(feed.body).toBe(before[i].body);
			if (FEEDS[i].format === 'cisco_md5') return;
			for (const [, value] of HOSTILE) for (const part of value.split(/[\r\n]+/).filter((p) => p.length > 3)) expect(entriesOf(FEEDS[i].format, feed.body).join('\n')).not.toContain(part);
		});
		await rest('DELETE', tableRoute(`/rows?filter=${encodeURIComponent(JSON.stringify(eq('reason', 'hand edit')))}`));
		expect((await rows()).length).toBe(blockedKeys.length);
	});

	test('seeing the same alerts again keeps the row count and extends expiry', async () => {
		const before = new Map((await rows()).map((r) => [r.key, r]));
		const run = await runManually(IDS.block);
		expect(run.status).toBe('success');
		const after = await rows();
		expect(after.map((r) => r.key).sort()).toEqual(blockedKeys);
		for (const r of after) {
			const old = before.get(r.key)!;
			expect(r.first_seen).toBe(old.first_seen);
			expect(new Date(r.last_seen).getTime()).toBeGreaterThan(new Date(old.last_seen).getTime());
			expect(new Date(r.expires_at).getTime()).toBeGreaterThan(new Date(old.expires_at).getTime());
		}
	});

	test('an expired row leaves every feed before the sweep runs; the sweep deletes it and reports it', async () => {
		const victim = 'ip:91.214.124.19';
		await rest('PATCH', tableRoute('/rows'), { filter: eq('key', victim), data: { expires_at: new Date(Date.now() - 60_000).toISOString() } });
		for (const format of ['paloalto_edl', 'plain', 'csv', 'stix']) expect(entriesOf(format, (await pull('ip', format)).body)).not.toContain('91.214.124.19');
		expect((await rows()).map((r) => r.key)).toContain(victim);
		const sweep = await runManually(IDS.sweep);
		expect(sweep.status).toBe('success');
		expect(outputOf(sweep.runData, NODE.removed)).toEqual([{ removed: 1, values: victim }]);
		const left = await rows();
		expect(left.map((r) => r.key)).not.toContain(victim);
		expect(left).toHaveLength(blockedKeys.length - 1);
		await expectEveryFeedMatches(left);
	});

	test('unblock takes an IoC off every feed at the next pull; never-block keeps it off when alerts show it again', async () => {
		const unblock = async (body: Record<string, unknown>) => {
			const res = await fetch(`${host.url}/webhook/${UNBLOCK_PATH}`, { method: 'POST', headers: { authorization: basic(UNBLOCK_AUTH), 'content-type': 'application/json' }, body: JSON.stringify(body) });
			return { status: res.status, body: await res.text() };
		};
		expect((await unblock({ type: 'domain', value: 'payroll-sync.duckdns.org' })).status).toBe(200);
		const never = await unblock({ type: 'ip', value: '45.133.1[.]87', never_block: true, by: 'jane', why: 'false positive' });
		expect(never.status).toBe(200);
		expect(JSON.parse(never.body)).toMatchObject({ key: 'ip:45.133.1.87', status: 'never_block' });
		expect((await fetch(`${host.url}/webhook/${UNBLOCK_PATH}`, { method: 'POST', headers: { authorization: basic(FEED_AUTH) } })).status).toBe(401);

		let all = await rows();
		expect(all.map((r) => r.key)).not.toContain('domain:payroll-sync.duckdns.org');
		expect(all.find((r) => r.key === 'ip:45.133.1.87')).toMatchObject({ status: 'never_block' });
		expect(all.find((r) => r.key === 'ip:45.133.1.87')!.note).toMatch(/never block by jane .*: false positive/);
		for (const { type, format } of FEEDS) {
			const body = (await pull(type, format)).body;
			expect(body).not.toContain('payroll-sync.duckdns.org');
			expect(body).not.toContain('45.133.1.87');
		}
		await expectEveryFeedMatches(all);

		// The alerts show both again: the removed domain comes back, the never-block IP does not.
		const run = await runManually(IDS.block);
		expect(run.status).toBe('success');
		expect(outputOf(run.runData, NODE.prepare, 1)).toEqual([expect.objectContaining({ value: '45.133.1.87', reason: 'never_block' })]);
		all = await rows();
		expect(all.map((r) => r.key)).toContain('domain:payroll-sync.duckdns.org');
		expect(all.filter((r) => r.key === 'ip:45.133.1.87').map((r) => r.status)).toEqual(['never_block']);
		expect((await pull('ip', 'plain')).body).not.toContain('45.133.1.87');
	});

	test('a Data Table failure answers 5xx, never an empty or partial 200', async () => {
		const good = await pull('ip', 'paloalto_edl');
		expect(good.status).toBe(200);
		expect(good.body.length).toBeGreaterThan(0);
		await rest('DELETE', `/projects/${projectId}/data-tables/${tableId}`);
		for (const { type, format } of FEEDS) {
			const feed = await pull(type, format);
			expect({ type, format, status: feed.status >= 500 }).toEqual({ type, format, status: true });
			expect(feed.body).not.toContain('91.214.124');
		}
	});
});
