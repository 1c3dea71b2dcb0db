// npm run test:queue: the "Block IoCs from new alerts" example in n8n's queue mode, end to end.
//
//   Redis + PostgreSQL (Debian's, started here on 127.0.0.1), n8n 2.41.1 main (EXECUTIONS_MODE=queue) and
//   two `n8n worker` processes, each with the package's tarball in its own .n8n/nodes. The example is
//   published on its real trigger (AL Alert Trigger, polling every 10 s) against the fake Assemblyline;
//   alerts appear over several polls; the firewall and Slack are a recorder on 127.0.0.1.
//
//   Part 1 (asserted): every alert is emitted once, every blockable IoC reaches the firewall once, both
//   workers run executions, executions of the one workflow overlap on the two workers, and IoCs first
//   blocked on one worker are held back ("already_blocked") on the other.
//   Part 2 (kill test, asserted as observed behaviour): an execution is caught in "Block on Firewall",
//   its worker is SIGKILLed by PID; what n8n shows (status, data), and what a retry does, once with the
//   workflow's default settings and once with "Save execution progress" on.
//
// Prints one JSON summary on stdout; progress on stderr; exit 1 when an assertion fails.
// QUEUE_KEEP=1 keeps the temporary folders (logs, user folders, DB) for inspection.
import fs from 'node:fs';
import path from 'node:path';

import { ensureN8n, packPackage, stderrLog, withSignals, type WorkflowJson } from '../n8n-host.ts';
import { alCredential } from '../report.ts';
import { copyWorkflow, FEED_CREDENTIAL, feedUrl, FIREWALL_CREDENTIAL, getNode, loadExample, NODE, replaceNode, setParams } from '../workflows.ts';
import { defaultUsers, startFakeAssemblyline, type FakeAssemblyline } from '../../test/fakes/assemblyline/index.ts';
import { QueueCluster, nodeItems } from './cluster.ts';
import { startHoldingFirewall, type HoldingFirewall } from './firewall.ts';
import { ensureServices, startPostgres, startRedis, tempDir, type Postgres, type Service } from './services.ts';

const repoDir = path.resolve(import.meta.dirname, '..', '..');
const t0 = Date.now();
const log = (m: string) => stderrLog(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${m}`);

const WF = { main: 'QueueBlockTrig01', progress: 'QueueBlockTrig02', feeds: 'QueueBlockFeeds1' };
const FEED_AUTH = { user: 'firewall', password: 'queue-feed-password-1' };
const FIREWALL_TOKEN = 'Bearer queue-firewall-token';
/** Bull's lock and stalled check scaled down so a dead worker's job is noticed in seconds (n8n defaults:
 * 60 s lock, 10 s renew, 30 s stalled check). The main's queue recovery keeps its default (every 180 min,
 * plus once at start-up): with a short interval it can mark the execution "crashed" before the stalled
 * job fails, and the outcome depends on which comes first (docs/queue-mode.md). */
const FAST_RECOVERY = {
	QUEUE_WORKER_LOCK_DURATION: '15000',
	QUEUE_WORKER_LOCK_RENEW_TIME: '5000',
	QUEUE_WORKER_STALLED_INTERVAL: '10000',
};

// --- assertions ----------------------------------------------------------------------------------
const failures: string[] = [];
function check(ok: boolean, what: string, detail?: unknown): boolean {
	log(`${ok ? 'PASS' : 'FAIL'} ${what}${!ok && detail !== undefined ? `: ${JSON.stringify(detail)}` : ''}`);
	if (!ok) failures.push(`${what}${detail !== undefined ? `: ${JSON.stringify(detail)}` : ''}`);
	return ok;
}

/** What n8n itself does, recorded as a finding (docs/queue-mode.md) rather than a failure of this package. */
const findings: string[] = [];
function note(ok: boolean, what: string, detail?: unknown): void {
	const line = `${ok ? 'YES' : 'NO '} ${what}${detail !== undefined ? `: ${JSON.stringify(detail)}` : ''}`;
	log(`n8n: ${line}`);
	findings.push(line);
}

async function waitUntil<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, everyMs = 250): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
		await new Promise((r) => setTimeout(r, everyMs));
	}
}

const key = (i: { type?: unknown; value?: unknown }) => `${i.type} ${i.value}`;

// --- the workflow under test ---------------------------------------------------------------------
/** Poll every 10 s: six "custom" items with one fixed second each. n8n 2.41 refuses a sub-minute cron
 * in one item ("The polling interval is too short"), but each of these is minute-granular. */
const EVERY_10_S = { item: [0, 10, 20, 30, 40, 50].map((s) => ({ mode: 'custom', cronExpression: `${s} * * * * *` })) };

function queueCopy(example: WorkflowJson, id: string, name: string, fw: HoldingFirewall, settings: Record<string, unknown> = {}): WorkflowJson {
	const wf = copyWorkflow(example, id, name);
	// The test adds alerts as it goes and asserts on each poll: emit them as soon as they are searchable
	// instead of after Assemblyline's alert delay (the example's default, 300 s).
	setParams(wf, NODE.trigger, { pollTimes: EVERY_10_S, waitFor: 'searchable' });
	// Cross-worker dedup is asserted while two executions overlap, so the Filter records what it passes on
	// (the example records only what Confirm Blocked IoCs confirms, which an overlapping run cannot see yet).
	setParams(wf, NODE.filter, { onlyNew: true, remember: 'passedOn' });
	// The example writes to the blocklist Data Table (read by the feed that the main instance serves). A
	// firewall API call on a branch of its own, first after the Filter, is what the test holds to keep an
	// execution busy on its worker, and what the kill test catches an execution in.
	wf.nodes.push({
		id: 'q0000000-0000-4000-8000-0000000000f1',
		name: NODE.firewall,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position: [520, -80],
		parameters: {
			method: 'POST',
			url: `${fw.url}/${id}/api/v1/blocklist`,
			authentication: 'genericCredentialType',
			genericAuthType: 'httpHeaderAuth',
			sendBody: true,
			contentType: 'json',
			specifyBody: 'keypair',
			bodyParameters: { parameters: [{ name: 'type', value: '={{ $json.type }}' }, { name: 'value', value: '={{ $json.value }}' }] },
			options: {},
		},
		credentials: { httpHeaderAuth: { ...FIREWALL_CREDENTIAL } },
	});
	const filterOut = (wf.connections[NODE.filter] as { main: { node: string; type: string; index: number }[][] }).main;
	filterOut[0] = [{ node: NODE.firewall, type: 'main', index: 0 }, ...filterOut[0]];
	const slack = getNode(wf, NODE.slack);
	replaceNode(wf, NODE.slack, {
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			method: 'POST',
			url: `${fw.url}/${id}/slack/chat.postMessage`,
			sendBody: true,
			contentType: 'json',
			specifyBody: 'keypair',
			bodyParameters: { parameters: [{ name: 'channel', value: slack.parameters.channelId.value }, { name: 'text', value: slack.parameters.text }] },
			options: {},
		},
	});
	wf.settings = { ...(wf.settings as object), ...settings };
	return wf;
}

/** The alert ids an execution's trigger emitted (from run data, or from the start stack when the
 * execution never got past its first node). */
function emittedAlertIds(data: any): string[] {
	const runs = nodeItems(data, NODE.trigger);
	if (runs.length > 0) return runs.flat().map((a) => String(a.alert_id));
	const stack = (data?.executionData?.nodeExecutionStack ?? []) as any[];
	const entry = stack.find((s) => s.node?.name === NODE.trigger);
	return ((entry?.data?.main?.[0] ?? []) as any[]).map((i) => String(i.json?.alert_id));
}

// --- main ----------------------------------------------------------------------------------------
async function main(): Promise<void> {
	const keep = process.env.QUEUE_KEEP === '1';
	const work = tempDir('al-queue-');
	let fake: FakeAssemblyline | undefined;
	let fw: HoldingFirewall | undefined;
	let pg: Postgres | undefined;
	let redis: Service | undefined;
	let cluster: QueueCluster | undefined;
	const cleanup = async () => {
		await cluster?.dispose({ keepFolders: keep }).catch((e) => log(`cluster stop: ${e}`));
		await redis?.stop().catch((e) => log(`redis stop: ${e}`));
		await pg?.stop().catch((e) => log(`postgres stop: ${e}`));
		await fw?.close();
		await fake?.close();
		if (keep) log(`Kept ${work} and the n8n user folders (QUEUE_KEEP=1)`);
		else fs.rmSync(work, { recursive: true, force: true });
	};

	const summary: Record<string, any> = {};
	await withSignals(cleanup, async () => {
		const install = await ensureN8n({ log });
		const { redisServer, pgBin } = ensureServices(log);
		[pg, redis] = await Promise.all([startPostgres({ pgBin, dir: work, log }), startRedis({ redisServer, dir: work, log })]);

		const users = defaultUsers();
		fake = await startFakeAssemblyline({ dataset: { submissions: [], alerts: [] } as any, users });
		fw = await startHoldingFirewall();
		log(`Fake Assemblyline ${fake.url}, firewall/Slack recorder ${fw.url}`);

		cluster = await QueueCluster.create({ install, backends: { postgres: pg, redis }, workers: 2, env: FAST_RECOVERY, log });
		const tarball = await packPackage({ repoDir, outDir: path.join(work, 'pack'), build: process.env.QUEUE_SKIP_BUILD !== '1', log });
		await cluster.installPackage(tarball);
		await cluster.importCredentials([
			alCredential({ url: fake.url, user: users[0].name, apikey: users[0].apikey, verifyTls: true }),
			{ ...FIREWALL_CREDENTIAL, type: 'httpHeaderAuth', data: { name: 'Authorization', value: FIREWALL_TOKEN } },
			{ ...FEED_CREDENTIAL, type: 'httpBasicAuth', data: FEED_AUTH },
		]);
		const example = loadExample(path.join(repoDir, 'examples'), 'blockTrigger');
		const wfMain = queueCopy(example, WF.main, `${example.name} (queue mode)`, fw);
		const wfProgress = queueCopy(example, WF.progress, `${example.name} (queue mode, save progress)`, fw, { saveExecutionProgress: true });
		const feeds = copyWorkflow(loadExample(path.join(repoDir, 'examples'), 'feeds'), WF.feeds);
		await cluster.importWorkflows([wfMain, wfProgress, feeds]);
		await cluster.publish(WF.main);
		await cluster.publish(WF.feeds);
		await Promise.all([cluster.startMain(process.env.QUEUE_MAIN_LOG_LEVEL ? { N8N_LOG_LEVEL: process.env.QUEUE_MAIN_LOG_LEVEL } : {}), cluster.startWorkers(1)]);
		await cluster.setupOwner();
		const active = (await cluster.rest('GET', `/workflows/${WF.main}`)).active;
		check(active === true, `workflow ${WF.main} is active on the main instance`, { active });
		summary.setup = { seconds: Math.round((Date.now() - t0) / 1000), main: cluster.main.url, workers: cluster.workers.map((w) => ({ name: w.name, pid: w.pid })) };

		await part1(cluster, fake, fw, summary);
		await part2(cluster, fake, fw, summary);
		summary.seconds = Math.round((Date.now() - t0) / 1000);
		summary.n8nFindings = findings;
		summary.failures = failures;
	});
	process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
	if (failures.length) {
		log(`${failures.length} assertion(s) failed:\n  ${failures.join('\n  ')}`);
		process.exitCode = 1;
	} else {
		log(`All assertions passed in ${Math.round((Date.now() - t0) / 1000)} s.`);
	}
}

// Public, non-special IoCs (the Filter blocks them at its default threshold); `10.x` is held back.
const IOC = {
	ip1: '185.220.101.11', ip2: '185.220.101.22', ip3: '193.142.146.33', ip4: '45.155.205.44',
	d1: 'update-check-q1.top', d2: 'cdn-sync-q2.xyz', d3: 'login-verify-q3.click',
	u1: 'http://update-check-q1.top/a.php', u2: 'https://login-verify-q3.click/owa/',
};

interface Round {
	name: string;
	alerts: Array<{ ips?: string[]; domains?: string[]; uris?: string[] }>;
	/** Hold the firewall: the round's execution stays in "Block on Firewall" until released. */
	hold?: boolean;
}

const ROUNDS: Round[] = [
	{ name: 'poll 1', alerts: [{ ips: [IOC.ip1, '10.1.2.3'], domains: [IOC.d1], uris: [IOC.u1] }] },
	{ name: 'poll 2 (firewall held: this execution keeps its worker busy)', hold: true, alerts: [{ ips: [IOC.ip1, IOC.ip2], domains: [IOC.d2] }] },
	{ name: 'poll 3 (while poll 2 still runs)', alerts: [{ domains: [IOC.d1, IOC.d3], uris: [IOC.u1, IOC.u2] }, { ips: [IOC.ip2, IOC.ip3] }] },
	{ name: 'poll 4', alerts: [{ ips: [IOC.ip3, IOC.ip4], domains: [IOC.d2] }] },
];
const EXPECTED_BLOCKED = [
	`ip ${IOC.ip1}`, `ip ${IOC.ip2}`, `ip ${IOC.ip3}`, `ip ${IOC.ip4}`,
	`domain ${IOC.d1}`, `domain ${IOC.d2}`, `domain ${IOC.d3}`, `uri ${IOC.u1}`, `uri ${IOC.u2}`,
];

function allStarted(c: QueueCluster): string[] {
	return c.workers.flatMap((w) => w.started());
}
function allFinished(c: QueueCluster): string[] {
	return c.workers.flatMap((w) => w.finished());
}

async function part1(c: QueueCluster, fake: FakeAssemblyline, fw: HoldingFirewall, summary: Record<string, any>): Promise<void> {
	log('Part 1: alerts over several polls, two workers');
	// The trigger starts from the moment of its first poll (Backfill 0): wait for that poll to be answered
	// so no alert of this test is older than the cursor.
	await waitUntil('the trigger\'s first poll', () => fake.requests.some((r) => r.path.includes('/search/alert')), 60000);
	await new Promise((r) => setTimeout(r, 1000));
	const alertIds: string[] = [];
	const rounds: any[] = [];
	let heldExec: string | undefined;
	for (const round of ROUNDS) {
		const before = new Set(allStarted(c));
		if (round.hold) fw.hold();
		const ids = round.alerts.map((a) => String(fake.dataset.makeAlert({ ...a, verdict: 'malicious' }).alert_id));
		alertIds.push(...ids);
		log(`${round.name}: added alert(s) ${ids.join(', ')}`);
		const exec = await waitUntil(`an execution for ${round.name}`, () => allStarted(c).find((id) => !before.has(id)), 40000);
		const worker = c.workerOf(exec)!;
		log(`  execution ${exec} started on ${worker.name}`);
		if (round.hold) {
			await waitUntil(`${round.name} to reach the firewall`, () => fw.callsTo(`/${WF.main}/api/v1/blocklist`).some((x) => x.state === 'held'), 30000);
			await new Promise((r) => setTimeout(r, 1000));
			fw.stopHoldingNew();
			heldExec = exec;
		} else {
			await waitUntil(`execution ${exec} to finish`, () => allFinished(c).includes(exec), 60000);
			if (heldExec) {
				log(`  execution ${exec} finished while ${heldExec} is still in "Block on Firewall"; releasing the firewall`);
				check(!allFinished(c).includes(heldExec), 'two executions of the workflow ran at the same time (one per worker)');
				fw.release();
				await waitUntil(`execution ${heldExec} to finish`, () => allFinished(c).includes(heldExec!), 60000);
				heldExec = undefined;
			}
		}
		rounds.push({ round: round.name, alerts: ids, execution: exec, worker: worker.name });
	}

	// Executions, as n8n records them.
	await waitUntil('every execution saved as finished', async () => {
		const list = await c.executions(WF.main);
		return list.length >= ROUNDS.length && list.every((e) => e.status === 'success' || e.status === 'error' || e.status === 'crashed');
	}, 30000, 1000);
	const list = await c.executions(WF.main);
	const perExec: any[] = [];
	for (const e of list.slice().reverse()) {
		const full = await c.execution(String(e.id));
		const [block = [], skipped = []] = [nodeItems(full.data, NODE.filter, 0).flat(), nodeItems(full.data, NODE.filter, 1).flat()];
		perExec.push({
			id: String(e.id), mode: e.mode, status: e.status, worker: c.workerOf(String(e.id))?.name,
			startedAt: e.startedAt, stoppedAt: e.stoppedAt,
			alerts: emittedAlertIds(full.data),
			blocked: block.map(key),
			alreadyBlocked: skipped.filter((s) => s.reason === 'already_blocked').map(key),
			otherSkipped: skipped.filter((s) => s.reason !== 'already_blocked').map((s) => `${key(s)} (${s.reason})`),
		});
	}

	// Assertions.
	const emitted = perExec.flatMap((e) => e.alerts);
	check(perExec.length === ROUNDS.length && perExec.every((e) => e.status === 'success' && e.mode === 'trigger'), `${ROUNDS.length} trigger executions, all successful`, perExec.map((e) => [e.id, e.mode, e.status]));
	check(JSON.stringify([...emitted].sort()) === JSON.stringify([...alertIds].sort()), 'the trigger emitted every alert exactly once', { emitted, added: alertIds });
	const fwCalls = fw.callsTo(`/${WF.main}/api/v1/blocklist`);
	const received = fwCalls.map((x) => key(x.body));
	const counts: Record<string, number> = {};
	for (const r of received) counts[r] = (counts[r] ?? 0) + 1;
	check(JSON.stringify(Object.keys(counts).sort()) === JSON.stringify([...EXPECTED_BLOCKED].sort()) && Object.values(counts).every((n) => n === 1),
		`the firewall received each of the ${EXPECTED_BLOCKED.length} blockable IoCs exactly once`, counts);
	check(fwCalls.every((x) => x.state === 'answered'), 'every firewall call was answered');
	const byWorker: Record<string, string[]> = {};
	for (const e of perExec) (byWorker[e.worker ?? '?'] ??= []).push(e.id);
	check(c.workers.every((w) => (byWorker[w.name]?.length ?? 0) > 0), 'both workers ran executions', byWorker);
	// Cross-worker dedup: an IoC blocked by an execution on one worker is "already_blocked" on the other.
	const firstBlock: Record<string, { exec: string; worker: string }> = {};
	for (const e of perExec) for (const k of e.blocked) firstBlock[k] ??= { exec: e.id, worker: e.worker };
	const crossWorker: any[] = [];
	for (const e of perExec) {
		for (const k of e.alreadyBlocked) {
			const first = firstBlock[k];
			if (first && first.worker !== e.worker) crossWorker.push({ ioc: k, blockedBy: `${first.exec}@${first.worker}`, heldBackBy: `${e.id}@${e.worker}` });
		}
	}
	check(crossWorker.length > 0, 'cross-worker dedup: IoCs blocked on one worker were held back as already_blocked on the other', crossWorker);
	const repeats = perExec.flatMap((e) => e.alreadyBlocked);
	check(repeats.length >= 5, 'every repeated IoC went to Skipped as already_blocked', repeats);
	// The feeds, served by the main instance from the Data Table the workers wrote: each blocked IoC
	// exactly once, in the feed of its type.
	const served: string[] = [];
	for (const type of ['ip', 'domain', 'url']) {
		const res = await fetch(feedUrl(c.main.url, type, 'plain'), { headers: { authorization: `Basic ${Buffer.from(`${FEED_AUTH.user}:${FEED_AUTH.password}`).toString('base64')}` } });
		const body = await res.text();
		check(res.status === 200, `the main instance serves the ${type} feed`, { status: res.status, body: body.slice(0, 200) });
		served.push(...body.split('\n').filter(Boolean).map((v) => `${type === 'url' ? 'uri' : type} ${v}`));
	}
	check(JSON.stringify([...served].sort()) === JSON.stringify([...EXPECTED_BLOCKED].sort()), 'the feeds hold every blocked IoC exactly once', served);
	const slack = fw.callsTo(`/${WF.main}/slack/`);
	check(slack.length === ROUNDS.length, 'one Slack message per execution that blocked something', slack.length);
	summary.part1 = {
		polls: rounds,
		executions: perExec,
		executionsPerWorker: byWorker,
		firewall: { calls: fwCalls.length, perIoc: counts },
		slackMessages: slack.length,
		feeds: served,
		crossWorkerDedup: crossWorker,
	};
}

// --- part 2: kill a worker in the middle of an execution ------------------------------------------
async function killTest(c: QueueCluster, fake: FakeAssemblyline, fw: HoldingFirewall, wfId: string, iocs: { ips: string[]; domains: string[] }, label: string): Promise<Record<string, any>> {
	const result: Record<string, any> = { workflow: wfId, label };
	const before = new Set(allStarted(c));
	const fwPath = `/${wfId}/api/v1/blocklist`;
	const callsBefore = fw.callsTo(fwPath).length;
	fw.hold();
	const alertId = String(fake.dataset.makeAlert({ ...iocs, verdict: 'malicious' }).alert_id);
	const expected = [...iocs.ips.map((v) => `ip ${v}`), ...iocs.domains.map((v) => `domain ${v}`)];
	log(`[${label}] added alert ${alertId} with ${expected.length} blockable IoCs; firewall held`);
	const exec = await waitUntil('the kill-test execution', () => allStarted(c).find((id) => !before.has(id)), 40000);
	const victim = c.workerOf(exec)!;
	await waitUntil('the held firewall calls', () => fw.callsTo(fwPath).slice(callsBefore).filter((x) => x.state === 'held').length >= expected.length, 30000).catch(() => undefined);
	await new Promise((r) => setTimeout(r, 500));
	fw.stopHoldingNew();
	const arrived = fw.callsTo(fwPath).slice(callsBefore).map((x) => key(x.body));
	log(`[${label}] execution ${exec} on ${victim.name}: ${arrived.length} firewall call(s) arrived and are held; killing ${victim.name} (pid ${victim.pid})`);
	const killedAt = Date.now();
	await c.killWorker(victim);
	fw.release();
	result.execution = exec;
	result.killedWorker = `${victim.name} (pid ${victim.pid})`;
	result.firewallCallsBeforeKill = arrived;
	result.firewallCallStates = fw.callsTo(fwPath).slice(callsBefore).map((x) => `${key(x.body)}: ${x.state}`);

	// What n8n shows, over time.
	const timeline: Array<{ s: number; status: string }> = [];
	let last = '';
	const final = await waitUntil(`execution ${exec} to leave "running"`, async () => {
		const e = (await c.executions(wfId)).find((x) => String(x.id) === exec);
		const status = String(e?.status);
		if (status !== last) {
			timeline.push({ s: Math.round((Date.now() - killedAt) / 1000), status });
			log(`[${label}]   +${Math.round((Date.now() - killedAt) / 1000)} s: execution ${exec} is "${status}"`);
			last = status;
		}
		return status !== 'running' && status !== 'new' ? e : undefined;
	}, 120000, 1000);
	// n8n may write the execution twice (queue recovery: "crashed"; the failed Bull job: "error"): wait until
	// its status has stayed the same for 15 s before reading it.
	for (let stable = 0; stable < 15;) {
		await new Promise((r) => setTimeout(r, 1000));
		const e = (await c.executions(wfId)).find((x) => String(x.id) === exec);
		if (String(e?.status) !== last) {
			timeline.push({ s: Math.round((Date.now() - killedAt) / 1000), status: String(e?.status) });
			log(`[${label}]   +${Math.round((Date.now() - killedAt) / 1000)} s: execution ${exec} is "${e?.status}"`);
			last = String(e?.status);
			stable = 0;
		} else stable++;
	}
	final.status = last;
	result.statusTimeline = timeline;
	result.finalStatus = final.status;
	result.secondsUntilMarked = Math.round((Date.now() - killedAt) / 1000);
	const crashed = await c.execution(exec);
	const keptAlerts = emittedAlertIds(crashed.data);
	result.dataKept = {
		alerts: keptAlerts,
		nodesWithRunData: Object.keys(crashed.data?.resultData?.runData ?? {}),
		filterBlockOutput: nodeItems(crashed.data, NODE.filter, 0).flat().map(key),
		lastNodeExecuted: crashed.data?.resultData?.lastNodeExecuted ?? null,
	};
	result.dataKept.error = crashed.data?.resultData?.error?.message ?? null;
	check(final.status === 'crashed' || final.status === 'error', `[${label}] the killed execution is visible as failed (not "running" forever)`, timeline);
	note(keptAlerts.includes(alertId), `[${label}] the failed execution keeps the alert it held`, { kept: keptAlerts, error: result.dataKept.error });

	// Retry it (REST, as the editor's "Retry" button does): it runs on the surviving worker.
	const callsBeforeRetry = fw.callsTo(fwPath).length;
	const startedBeforeRetry = new Set(allStarted(c));
	// POST /retry answers when the retry has finished; for an execution whose data n8n replaced it can
	// hang, so a timeout is recorded and the retry execution is looked up by retryOf instead.
	let retryAnswer: string;
	let retryId = '';
	try {
		const retry = await c.retry(exec, false);
		retryId = String(retry?.id ?? '');
		retryAnswer = `answered (${retry?.status})`;
	} catch (e) {
		retryAnswer = `no answer: ${(e as Error).message.slice(0, 200)}`;
	}
	log(`[${label}] retried ${exec}: ${retryAnswer}`);
	result.retryRequest = retryAnswer;
	retryId ||= await waitUntil('the retry execution', async () => {
		const e = (await c.executions(wfId)).find((x) => String(x.retryOf ?? '') === exec);
		return e ? String(e.id) : undefined;
	}, 30000, 1000).catch(() => '');
	if (!retryId) {
		note(false, `[${label}] a retry execution exists`, retryAnswer);
		return result;
	}
	await waitUntil('the retry to finish', async () => {
		const e = (await c.executions(wfId)).find((x) => String(x.id) === retryId);
		return e && e.status !== 'running' && e.status !== 'new' ? e : undefined;
	}, 60000, 500).catch(() => undefined);
	const r = await c.execution(retryId);
	const retryCalls = fw.callsTo(fwPath).slice(callsBeforeRetry).map((x) => key(x.body));
	const sentTwice = retryCalls.filter((k) => arrived.includes(k));
	const neverSent = expected.filter((k) => !arrived.includes(k) && !retryCalls.includes(k));
	result.retry = {
		execution: retryId,
		status: r.status,
		mode: r.mode,
		retryOf: r.retryOf ?? null,
		worker: c.workers.find((w) => w.started().includes(retryId) && !startedBeforeRetry.has(retryId))?.name ?? null,
		filterBlock: nodeItems(r.data, NODE.filter, 0).flat().map(key),
		filterAlreadyBlocked: nodeItems(r.data, NODE.filter, 1).flat().filter((s) => s.reason === 'already_blocked').map(key),
		ranNodes: Object.keys(r.data?.resultData?.runData ?? {}),
		firewallCalls: retryCalls,
		sentTwice,
		neverReachedFirewall: neverSent,
	};
	result.retry.error = r.data?.resultData?.error?.message ?? null;
	note(r.status === 'success' && result.retry.filterBlock.length + result.retry.filterAlreadyBlocked.length === expected.length, `[${label}] the retry re-ran the alert's IoCs`, { status: r.status, error: result.retry.error, ranNodes: result.retry.ranNodes });
	return result;
}

async function part2(c: QueueCluster, fake: FakeAssemblyline, fw: HoldingFirewall, summary: Record<string, any>): Promise<void> {
	log('Part 2: kill the worker that runs an execution, in "Block on Firewall"');
	const workersBefore = c.workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null).length;
	const a = await killTest(c, fake, fw, WF.main, { ips: ['91.92.109.51', '91.92.109.52'], domains: ['kill-a.top'] }, 'default settings');
	check((a.retry?.sentTwice ?? []).length === 0, '[default settings] the retry sent nothing to the firewall twice', a.retry.sentTwice);
	summary.killDefault = a;

	// The same with the workflow setting "Save execution progress" (per-node saves to the DB), on a second
	// copy of the workflow: deactivate the first, publish the second (its trigger starts from now).
	const alive = c.workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
	if (alive.length < 1) throw new Error('no worker left for the second kill test');
	await c.rest('POST', `/workflows/${WF.main}/deactivate`, {});
	const wf = await c.rest('GET', `/workflows/${WF.progress}`);
	await c.rest('POST', `/workflows/${WF.progress}/activate`, { versionId: wf.versionId });
	log(`Workflow ${WF.progress} (saveExecutionProgress) active; ${WF.main} deactivated; ${alive.length} of ${workersBefore} workers alive`);
	// With one worker left, the kill would take out the last one: restart the killed worker first (what a
	// supervisor does), so the retry has somewhere to run.
	const dead = c.workers.find((w) => w.child.exitCode !== null || w.child.signalCode !== null);
	if (dead) await c.restartWorker(dead, 1);
	const b = await killTest(c, fake, fw, WF.progress, { ips: ['91.92.109.61', '91.92.109.62'], domains: ['kill-b.top'] }, 'save execution progress');
	check((b.retry?.sentTwice ?? []).length === 0, '[save execution progress] the retry sent nothing to the firewall twice', b.retry.sentTwice);
	summary.killSaveProgress = b;
}

main().catch((e) => {
	stderrLog(`\ntest:queue failed: ${(e as Error).stack ?? e}`);
	process.exitCode = 1;
});
