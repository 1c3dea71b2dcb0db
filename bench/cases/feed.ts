/**
 * Case 8: a blocklist feed of 100,000 rows rendered and served by a real n8n (2.41.1, the one the
 * e2e tests use; Data Tables live in n8n's server, `n8n execute` cannot reach them).
 *
 * One n8n, one `ioc_blocklist` Data Table filled with 100,000 `ip` rows through n8n's REST API (the
 * Data Table view's calls), two published webhooks pulled alternately in the same run:
 * - ours: examples/serve-blocklist-feeds.json as users import it (Webhook → Data Table Get all →
 *   IoC Blocklist "Render Feed" → Respond to Webhook), `?type=ip&format=plain`;
 * - base: Webhook → the same Data Table Get all → Respond to Webhook with the row count: the time to
 *   read the same rows with the bare Data Table node.
 * Wall time is the client's, request to last byte. Peak memory is the n8n process's VmHWM, reset
 * before each pull by writing 5 to /proc/<pid>/clear_refs (Linux: "reset the peak resident set size").
 *
 * `feedCase` (one line in bench/run.ts) runs in the bench process; n8n is its own process.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { activateWorkflowArgs, ensureN8n, N8nHost, packPackage, type WorkflowJson } from '../../scripts/n8n-host.ts';
import { signIn } from '../../scripts/editor-setup.ts';
import { BLOCKLIST_TABLE, FEED_CREDENTIAL, copyWorkflow, feedUrl, loadExamples } from '../../scripts/workflows.ts';
import { median, num, pairedRatios, spread } from '../lib/stats.ts';

const repoDir = fileURLToPath(new URL('../..', import.meta.url));
const COLUMNS = ['key', 'type', 'value', 'verdict', 'status', 'first_seen', 'last_seen', 'expires_at', 'sources', 'reason', 'added_by', 'note'];
const AUTH = { user: 'firewall', password: 'bench-feed-password-1' };
const OWNER = { email: 'bench@example.com', password: 'Bench-feed-1', firstName: 'Bench', lastName: 'Feed' };
const BARE_PATH = 'bench-bare-data-table-read';
const SETTLE_MS = 8000;

/** Distinct global IPv4 addresses in 23.0.0.0/8. */
const ip = (k: number) => `23.${Math.floor(k / 62_500) % 250}.${Math.floor(k / 250) % 250}.${(k % 250) + 1}`;

/** Webhook → Data Table Get (all rows of the blocklist) → Respond with the row count. */
function bareWorkflow(): WorkflowJson {
	return {
		id: 'BenchBareRead001',
		name: 'Bench: read the blocklist with the bare Data Table node',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: 'b1', name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: 'bench-bare-0001', parameters: { httpMethod: 'GET', path: BARE_PATH, authentication: 'basicAuth', responseMode: 'responseNode', options: {} }, credentials: { httpBasicAuth: FEED_CREDENTIAL } },
			{ id: 'b2', name: 'Read Blocklist', type: 'n8n-nodes-base.dataTable', typeVersion: 1.1, position: [200, 0], parameters: { resource: 'row', operation: 'get', dataTableId: { __rl: true, mode: 'name', value: BLOCKLIST_TABLE }, returnAll: true } },
			{ id: 'b3', name: 'Respond', type: 'n8n-nodes-base.respondToWebhook', typeVersion: 1.1, position: [400, 0], parameters: { respondWith: 'text', responseBody: '={{ $input.all().length }}', options: {} } },
		],
		connections: {
			Webhook: { main: [[{ node: 'Read Blocklist', type: 'main', index: 0 }]] },
			'Read Blocklist': { main: [[{ node: 'Respond', type: 'main', index: 0 }]] },
		},
	} as unknown as WorkflowJson;
}

interface Pull {
	wallMs: number;
	peakRss: number;
	entries: number;
	bytes: number;
}

export async function feedCase(options: { quick: boolean; reps: number; log: (line: string) => void }) {
	const rowsWanted = 100_000;
	const reps = options.quick ? 2 : Math.max(2, Math.min(5, options.reps));
	const log = options.log;
	const install = await ensureN8n({ log });
	const host = await N8nHost.create({ install, log });
	try {
		const tarball = await packPackage({ repoDir, outDir: path.join(host.userFolder, 'pack'), build: false, log });
		await host.installPackage(tarball);
		await host.importCredentials([{ ...FEED_CREDENTIAL, type: 'httpBasicAuth', data: AUTH }]);
		const examples = loadExamples(path.join(repoDir, 'examples'));
		const feeds = copyWorkflow(examples.feeds, 'BenchFeedServe01');
		await host.importWorkflows([feeds, bareWorkflow()]);
		for (const id of ['BenchFeedServe01', 'BenchBareRead001']) {
			const r = await host.cli(activateWorkflowArgs(id));
			if (r.code !== 0) throw new Error(`publishing ${id} failed:\n${r.stdout}${r.stderr}`);
		}
		// Room for 100,000 rows (n8n caps all Data Tables together at 50 MB by default).
		await host.start({ env: { N8N_DATA_TABLES_MAX_SIZE_BYTES: String(1024 ** 3) } });
		const pid = (host as unknown as { server: { pid: number } }).server.pid;
		const setup = await fetch(`${host.url}/rest/owner/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(OWNER) });
		if (!setup.ok) throw new Error(`owner set-up: HTTP ${setup.status}`);
		const headers = await signIn(host.url, OWNER);
		const rest = async (method: string, route: string, body?: unknown) => {
			const res = await fetch(`${host.url}/rest${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
			const text = await res.text();
			if (!res.ok) throw new Error(`${method} /rest${route}: HTTP ${res.status} ${text.slice(0, 300)}`);
			return text ? JSON.parse(text).data : undefined;
		};
		const projectId = (await rest('GET', '/projects/personal')).id as string;
		const table = await rest('POST', `/projects/${projectId}/data-tables`, { name: BLOCKLIST_TABLE, columns: COLUMNS.map((name) => ({ name, type: 'string' })) });
		const now = new Date().toISOString();
		const expires = new Date(Date.now() + 14 * 86_400_000).toISOString();
		const t0 = performance.now();
		for (let start = 0; start < rowsWanted; start += 1000) {
			const data = Array.from({ length: Math.min(1000, rowsWanted - start) }, (_, i) => {
				const value = ip(start + i);
				return { key: `ip:${value}`, type: 'ip', value, verdict: 'malicious', status: 'block', first_seen: now, last_seen: now, expires_at: expires, sources: `alert:bench-${start + i}`, reason: 'bench', added_by: 'bench', note: '' };
			});
			await rest('POST', `/projects/${projectId}/data-tables/${table.id}/insert`, { data });
			if (start % 20_000 === 0) log(`feed: inserted ${start + data.length} rows`);
		}
		log(`feed: ${num(rowsWanted)} rows inserted in ${num((performance.now() - t0) / 1000, 1)} s`);

		const authorization = `Basic ${Buffer.from(`${AUTH.user}:${AUTH.password}`).toString('base64')}`;
		const pull = async (url: string, count: (body: string) => number): Promise<Pull> => {
			// n8n saves the previous pull's execution (100,000 rows of run data) after it has answered:
			// give it time to finish so that it does not land in this pull's time.
			await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
			writeFileSync(`/proc/${pid}/clear_refs`, '5');
			const t = performance.now();
			const res = await fetch(url, { headers: { authorization } });
			const body = await res.text();
			const wallMs = performance.now() - t;
			if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status} ${body.slice(0, 300)}`);
			const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
			return { wallMs, peakRss: Number(hwm?.[1] ?? 0) * 1024, entries: count(body), bytes: Buffer.byteLength(body) };
		};
		const ours = () => pull(feedUrl(host.url, 'ip', 'plain'), (b) => b.split('\n').filter(Boolean).length);
		const base = () => pull(`${host.url}/webhook/${BARE_PATH}`, (b) => Number(b));
		log('feed: warm-up pair');
		await ours();
		await base();
		const a: Pull[] = [];
		const b: Pull[] = [];
		for (let i = 0; i < reps; i++) {
			log(`feed: pair ${i + 1}/${reps}`);
			if (i % 2 === 0) {
				a.push(await ours());
				b.push(await base());
			} else {
				b.push(await base());
				a.push(await ours());
			}
		}
		for (const p of [...a, ...b]) if (p.entries !== rowsWanted) throw new Error(`a pull saw ${p.entries} rows, expected ${rowsWanted}`);
		// Where the time goes inside n8n: each node's executionTime in the last saved execution of each side.
		const nodeTimes: Record<string, Record<string, number>> = {};
		try {
			const { createRequire } = await import('node:module');
			const flatted = createRequire(install.n8nBin)('flatted') as { parse(text: string): any };
			for (const id of ['BenchFeedServe01', 'BenchBareRead001']) {
				const list = await rest('GET', `/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId: id }))}&limit=1`);
				const exec = await rest('GET', `/executions/${list.results[0].id}`);
				const runData = flatted.parse(exec.data).resultData.runData as Record<string, { executionTime: number }[]>;
				nodeTimes[id] = Object.fromEntries(Object.entries(runData).map(([node, runs]) => [node, runs[0].executionTime]));
				nodeTimes[id].total = new Date(exec.stoppedAt).getTime() - new Date(exec.startedAt).getTime();
			}
			log(`feed: node execution ms (last pull of each side): ${JSON.stringify(nodeTimes)}`);
		} catch (error) {
			log(`feed: could not read the node times: ${(error as Error).message}`);
		}
		const ratios = pairedRatios(a.map((p) => p.wallMs), b.map((p) => p.wallMs));
		const mb = (x: number) => x / 1024 ** 2;
		return {
			record: { a, b, nodeTimes },
			rows: [
				{
					case: '8 Feed served',
					measure: `${num(rowsWanted)}-row IP feed (plain, ${num(mb(a[0].bytes), 1)} MB) pulled from n8n: wall ms ÷ bare Data Table read`,
					ours: spread(a.map((p) => p.wallMs)),
					base: spread(b.map((p) => p.wallMs)),
					ratio: spread(ratios, 2),
					goal: '≤ 1.50',
					met: median(ratios) <= 1.5 ? 'met' : 'MISSED',
				},
				{
					case: '',
					measure: 'n8n process peak RSS MB during the pull (VmHWM, reset before each)',
					ours: spread(a.map((p) => mb(p.peakRss))),
					base: spread(b.map((p) => mb(p.peakRss))),
					ratio: spread(pairedRatios(a.map((p) => p.peakRss), b.map((p) => p.peakRss)), 2),
					goal: '(info)',
					met: '',
				},
			],
		};
	} finally {
		await host.dispose();
	}
}
