/**
 * Case 10: alert-to-block latency (issue 21 part 4) in a real n8n (2.41.1, the one the e2e tests use),
 * published workflows on n8n's own poll schedule, wall time throughout.
 *
 * Two copies of "Block IoCs from new alerts" (examples/block-iocs-from-new-alerts.json: AL Alert
 * Trigger → Filter Blockable IoCs → the `ioc_blocklist` Data Table), each with "Block on PAN-OS" of
 * examples/push-blocks-to-pan-os-and-defender.json on the Filter's Block output, polling every 10 s:
 * - default: AL Alert Trigger as the example has it ("Wait For: Assemblyline to Finish", Alert
 *   Delay 300 s, the default of Assemblyline's core.alerter.delay): bound 10 + 300 + 5 s;
 * - fast: "Wait For: Nothing (Fastest)": bound 10 + 5 s.
 * Each copy reads its own fake Assemblyline (so neither sees the other's alerts); both write to the
 * one Data Table, served by "Serve the blocklist to your firewalls", and push to one fake PAN-OS.
 *
 * The fakes run in this process on the real clock (no setClock: the `now-300s` of the default
 * trigger's filter is evaluated on wall time). An alert is created with reporting_ts = t0 = the wall
 * time of its creation, one blockable IP each, staggered 2.5 s apart so that they meet n8n's
 * 10-second poll at different phases. Then:
 * - in the feed: a firewall's pull of `?type=ip&format=plain` every second; the latency is the time
 *   the first answer holding the IP arrived (so at most one pull period late);
 * - at PAN-OS: the fake's registrations, read in this process every 50 ms;
 * - the poll that found it: the first search request the fake recorded once the alert could match
 *   (t0, or t0 + the alert delay). Poll wait = that request − t0 (delay included); the rest is the
 *   workflow's run.
 * Nothing here is asserted: the bench prints the latencies beside the bound.
 *
 * `latencyCase` (one line in bench/run.ts) runs in the bench process; n8n is its own process.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { activateWorkflowArgs, ensureN8n, N8nHost, packPackage, type WorkflowJson } from '../../scripts/n8n-host.ts';
import { alCredential } from '../../scripts/report.ts';
import { FEED_CREDENTIAL, NODE, copyWorkflow, feedUrl, getNode, loadExamples, removeNodes } from '../../scripts/workflows.ts';
import { defaultUsers, startFakeAssemblyline, type FakeAssemblyline } from '../../test/fakes/assemblyline/index.ts';
import { PANOS_KEY, startFakePanos, type FakePanos } from '../../test/fakes/firewalls/panos.ts';
import { num, spread } from '../lib/stats.ts';

const repoDir = fileURLToPath(new URL('../..', import.meta.url));
const AUTH = { user: 'firewall', password: 'bench-latency-password-1' };
const POLL_S = 10;
/** Poll every 10 s: six minute-granular cron items, one second each (n8n refuses a sub-minute cron in one item). */
const EVERY_10_S = { item: [0, 10, 20, 30, 40, 50].map((s) => ({ mode: 'custom', cronExpression: `${s} * * * * *` })) };
const SLACK_S = 5;
const STAGGER_MS = 2500;
const SEARCH = '/api/v4/search/alert/';

interface Config {
	key: 'default' | 'fast';
	label: string;
	/** Seconds an alert must age before the trigger may emit it (0: none). */
	delayS: number;
	waitFor?: string;
	credential: { id: string; name: string };
	/** First two octets of its IPs (distinct per config). */
	net: string;
	fake?: FakeAssemblyline;
}

interface Sample {
	config: string;
	ip: string;
	t0: number;
	pollMs?: number;
	feedMs?: number;
	panosMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The example, polling every 10 s, Slack removed, pushing the Block items to PAN-OS too. */
function blockingWorkflow(examples: ReturnType<typeof loadExamples>, config: Config, panosNode: Record<string, any>): WorkflowJson {
	const wf = copyWorkflow(examples.blockTrigger, `BenchLatency${config.key === 'fast' ? 'Fast' : 'Dflt'}`, `Latency bench: ${config.label}`);
	removeNodes(wf, [NODE.aggregate, NODE.slack]);
	const trigger = getNode(wf, NODE.trigger);
	trigger.parameters.pollTimes = EVERY_10_S;
	if (config.waitFor) trigger.parameters.waitFor = config.waitFor;
	for (const n of wf.nodes) if (n.credentials?.assemblylineApi) n.credentials.assemblylineApi = { ...config.credential };
	wf.nodes.push({ ...JSON.parse(JSON.stringify(panosNode)), position: [560, -160] });
	wf.connections[NODE.filter].main[0].push({ node: panosNode.name, type: 'main', index: 0 });
	return wf;
}

export async function latencyCase(options: { quick: boolean; reps: number; log: (line: string) => void }) {
	const log = options.log;
	const perConfig = options.quick ? 2 : 4;
	const users = defaultUsers();
	const configs: Config[] = [
		{ key: 'default', label: 'default settings (Wait For: Assemblyline to Finish, alert delay 300 s)', delayS: 300, credential: { id: 'alLatencyDflt001', name: 'Assemblyline (latency, default)' }, net: '45.140' },
		{ key: 'fast', label: 'Wait For: Nothing (Fastest)', delayS: 0, waitFor: 'searchable', credential: { id: 'alLatencyFast001', name: 'Assemblyline (latency, fast)' }, net: '45.141' },
	];
	const install = await ensureN8n({ log });
	const host = await N8nHost.create({ install, log });
	let panos: FakePanos | undefined;
	try {
		for (const c of configs) c.fake = await startFakeAssemblyline({ dataset: { submissions: [], alerts: [] }, users });
		panos = await startFakePanos();
		const tarball = await packPackage({ repoDir, outDir: path.join(host.userFolder, 'pack'), build: false, log });
		await host.installPackage(tarball);
		const examples = loadExamples(path.join(repoDir, 'examples'));
		const push = JSON.parse(readFileSync(path.join(repoDir, 'examples', 'push-blocks-to-pan-os-and-defender.json'), 'utf8')) as WorkflowJson;
		const panosNode = getNode(push, 'Block on PAN-OS');
		await host.importCredentials([
			...configs.map((c) => ({ ...alCredential({ url: c.fake!.url, user: users[0].name, apikey: users[0].apikey, verifyTls: true }), ...c.credential })),
			{ ...panosNode.credentials.blockPanOsApi, type: 'blockPanOsApi', data: { url: panos.url, apiKey: PANOS_KEY, vsys: '', ignoreSslIssues: false } },
			{ ...FEED_CREDENTIAL, type: 'httpBasicAuth', data: AUTH },
		]);
		const workflows = [...configs.map((c) => blockingWorkflow(examples, c, panosNode)), copyWorkflow(examples.feeds, 'BenchLatencyFeed')];
		await host.importWorkflows(workflows);
		for (const wf of workflows) {
			const r = await host.cli(activateWorkflowArgs(String(wf.id)));
			if (r.code !== 0) throw new Error(`publishing ${wf.id} failed:\n${r.stdout}${r.stderr}`);
		}
		await host.start();

		// Each trigger's first poll sets its floor (no backfill): alerts count from then on.
		const searches = (c: Config) => c.fake!.requests.filter((r) => r.path === SEARCH);
		for (const c of configs) {
			const deadline = Date.now() + 120_000;
			while (searches(c).length < 2) {
				if (Date.now() > deadline) throw new Error(`the ${c.key} trigger did not poll`);
				await sleep(500);
			}
		}

		const authorization = `Basic ${Buffer.from(`${AUTH.user}:${AUTH.password}`).toString('base64')}`;
		let feedErrors = 0;
		const feed = async (): Promise<Set<string>> => {
			const res = await fetch(feedUrl(host.url, 'ip', 'plain'), { headers: { authorization } });
			const body = await res.text();
			// Until the first blocking run has created the Data Table, the feed workflow fails (HTTP 500).
			if (res.status !== 200) {
				feedErrors++;
				return new Set();
			}
			return new Set(body.split('\n').filter(Boolean));
		};
		const watch = async (samples: Sample[], timeoutMs: number) => {
			const deadline = Date.now() + timeoutMs;
			const panosTimer = setInterval(() => {
				const state = panos!.state();
				for (const s of samples) if (s.panosMs === undefined && state[s.ip]) s.panosMs = Date.now() - s.t0;
			}, 50);
			try {
				while (samples.some((s) => s.feedMs === undefined || s.panosMs === undefined)) {
					if (Date.now() > deadline) break;
					const started = Date.now();
					const served = await feed();
					const at = Date.now();
					for (const s of samples) if (s.feedMs === undefined && served.has(s.ip)) s.feedMs = at - s.t0;
					await sleep(Math.max(0, 1000 - (Date.now() - started)));
				}
			} finally {
				clearInterval(panosTimer);
			}
		};
		const create = async (c: Config, ip: string): Promise<Sample> => {
			const t0 = Date.now();
			c.fake!.dataset.makeAlert({ alert_id: `Latency-${ip}`, ips: [ip], reporting_ts: t0 });
			return { config: c.key, ip, t0 };
		};

		// Warm-up: one alert through the fast copy creates the Data Table and loads every node.
		log('latency: warm-up alert through the fast workflow');
		const warm = [await create(configs[1], `${configs[1].net}.0.1`)];
		await watch(warm, 120_000);
		if (warm[0].feedMs === undefined || warm[0].panosMs === undefined) throw new Error('latency: the warm-up alert never reached the feed and PAN-OS');

		log(`latency: warm-up in the feed +${num(warm[0].feedMs / 1000, 1)} s, at PAN-OS +${num(warm[0].panosMs / 1000, 1)} s (${feedErrors} feed pulls failed before the table existed)`);
		const warmErrors = feedErrors;
		const load = [loadavg()[0]];
		const samples: Sample[] = [];
		for (let i = 0; i < perConfig; i++) {
			for (const c of configs) samples.push(await create(c, `${c.net}.1.${i + 1}`));
			await sleep(STAGGER_MS);
		}
		log(`latency: ${samples.length} alerts created; waiting up to ${POLL_S + 300 + 60} s for the default copy`);
		const loadTimer = setInterval(() => load.push(loadavg()[0]), 15_000);
		await watch(samples, (POLL_S + 300 + 60) * 1000 + perConfig * STAGGER_MS);
		clearInterval(loadTimer);
		load.push(loadavg()[0]);
		for (const s of samples) {
			const c = configs.find((x) => x.key === s.config)!;
			const poll = searches(c).find((r) => Date.parse(r.ts) >= s.t0 + c.delayS * 1000);
			if (poll) s.pollMs = Date.parse(poll.ts) - s.t0;
			log(`latency: ${s.config} ${s.ip}: poll that could find it +${num((s.pollMs ?? NaN) / 1000, 1)} s, in the feed +${num((s.feedMs ?? NaN) / 1000, 1)} s, at PAN-OS +${num((s.panosMs ?? NaN) / 1000, 1)} s`);
		}
		if (feedErrors > warmErrors) log(`latency: ${feedErrors - warmErrors} feed pulls failed during the measurement`);
		log(`latency: 1-minute load average during the measurement ${load.map((l) => num(l, 1)).join(', ')}`);

		const rows = configs.flatMap((c) => {
			const mine = samples.filter((s) => s.config === c.key);
			const bound = POLL_S + c.delayS + SLACK_S;
			const secs = (pick: (s: Sample) => number | undefined) => mine.map((s) => (pick(s) ?? Infinity) / 1000);
			const feedS = secs((s) => s.feedMs);
			const panosS = secs((s) => s.panosMs);
			const worst = Math.max(...feedS, ...panosS);
			const run = mine.map((s) => (Math.max(s.feedMs ?? Infinity, s.panosMs ?? Infinity) - (s.pollMs ?? NaN)) / 1000);
			return [
				{
					case: c.key === 'default' ? '10 Alert-to-block latency' : '',
					measure: `${c.label}, poll every ${POLL_S} s, ${mine.length} alerts: s from alert creation to its IP in the served feed`,
					ours: spread(feedS, 1),
					base: `bound ${bound} s`,
					ratio: spread(feedS.map((s) => s / bound), 2),
					goal: '≤ 1.00',
					met: worst <= bound ? 'met' : 'MISSED',
				},
				{ case: '', measure: '… to its IP registered on PAN-OS', ours: spread(panosS, 1), base: `bound ${bound} s`, ratio: spread(panosS.map((s) => s / bound), 2), goal: '≤ 1.00', met: worst <= bound ? 'met' : 'MISSED' },
				{ case: '', measure: '… of which the workflow run (first poll that could find it → feed and PAN-OS both)', ours: spread(run, 1), base: '', ratio: '', goal: '(info)', met: '' },
			];
		});
		return { record: { samples, warm, load, feedErrors, pollS: POLL_S, slackS: SLACK_S }, rows };
	} finally {
		await host.dispose();
		await panos?.close();
		for (const c of configs) await c.fake?.close();
	}
}
