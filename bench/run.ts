/**
 * `npm run bench`: the package against the physical limit of this machine (issue 7).
 *
 * Every figure is a ratio of two sides measured in the same run, alternating, each measurement in
 * its own process (so peak memory is that side's alone). The fake servers run in their own
 * processes on 127.0.0.1. BENCH_QUICK=1 shrinks every size for a smoke run; BENCH_REPS sets the
 * timed repetitions (default 5, quick 2); BENCH_ONLY=1,3 runs some cases only.
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { runChild } from './lib/child.ts';
import { startFake, type RunningFake } from './lib/fake.ts';
import type { Measurement } from './lib/measure.ts';
import { rawJson } from './lib/raw.ts';
import { mb, median, num, pairedRatios, spread, table } from './lib/stats.ts';
import { enrichCase } from './cases/enrich-run.ts';
import { pythonMissing, runPython } from './lib/python.ts';

const QUICK = process.env.BENCH_QUICK === '1';
const REPS = Number(process.env.BENCH_REPS ?? (QUICK ? 2 : 5));
const ONLY = process.env.BENCH_ONLY?.split(',').map(Number);
const wanted = (n: number) => !ONLY || ONLY.includes(n);
const SIZES = {
	alerts: QUICK ? 5_000 : 50_000,
	submissions: QUICK ? 100 : 500,
	filterAlerts: Number(process.env.BENCH_FILTER_ALERTS ?? (QUICK ? 10_000 : 100_000)),
	allowlist: 10_000,
	allowlists: QUICK ? [1_000, 10_000] : [1_000, 10_000, 100_000],
	scaling: QUICK ? [5_000, 50_000] : [5_000, 50_000, 500_000],
	backfill: Number(process.env.BENCH_BACKFILL ?? (QUICK ? 50_000 : 500_000)),
};
// One core for the filtering case ("on one core"), when taskset is there.
const ONE_CORE = hasTaskset() ? ['taskset', '-c', '0'] : [];

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Row {
	case: string;
	measure: string;
	ours: string;
	base: string;
	ratio: string;
	goal: string;
	met: string;
}
const rows: Row[] = [];
const scaling: { order: number; cells: string[] }[] = [];
const record: Record<string, unknown> = {};

/** Runs `a` and `b` `REPS` times, alternating which goes first, after one untimed pair. */
async function pairs(
	label: string,
	a: () => Promise<Measurement>,
	b: () => Promise<Measurement>,
	reps = REPS,
	warmUp = true,
): Promise<{ a: Measurement[]; b: Measurement[] }> {
	if (warmUp) {
		log(`${label}: warm-up pair`);
		await a();
		await b();
	}
	const out = { a: [] as Measurement[], b: [] as Measurement[] };
	for (let i = 0; i < reps; i++) {
		log(`${label}: pair ${i + 1}/${reps}`);
		if (i % 2 === 0) {
			out.a.push(await a());
			out.b.push(await b());
		} else {
			out.b.push(await b());
			out.a.push(await a());
		}
	}
	record[label] = out;
	return out;
}

/** Like `pairs` for three or more sides: each repetition starts with the next side (A B C, B C A, …). */
async function rotations(label: string, sides: Array<() => Promise<Measurement>>, reps = REPS): Promise<Measurement[][]> {
	log(`${label}: warm-up round`);
	for (const side of sides) await side();
	const out: Measurement[][] = sides.map(() => []);
	for (let i = 0; i < reps; i++) {
		log(`${label}: round ${i + 1}/${reps}`);
		for (let k = 0; k < sides.length; k++) {
			const at = (i + k) % sides.length;
			out[at].push(await sides[at]());
		}
	}
	record[label] = out;
	return out;
}

const per = (m: Measurement[], count: (m: Measurement) => number) => m.map((x) => count(x) / (x.wallMs / 1000));
const met = (ok: boolean) => (ok ? 'met' : 'MISSED');

// --- case 1 (and 5): alert paging ----------------------------------------------------------------

async function alertPaging(fake: RunningFake, alerts: number, reps = REPS, warmUp = true) {
	const server = { url: fake.url, user: fake.user, apikey: fake.apikey };
	const run = (side: string) => () => runChild('alerts.ts', { side, server, expect: alerts }, heapFor(alerts));
	return await pairs(`alerts-${alerts}`, run('node'), run('raw'), reps, warmUp);
}

async function case1(fake: RunningFake) {
	const missing = pythonMissing();
	if (missing) log(`case 1: no Python row: ${missing}`);
	const server = { url: fake.url, user: fake.user, apikey: fake.apikey };
	const args = { server, expect: SIZES.alerts };
	const sides = [
		() => runChild('alerts.ts', { side: 'node', ...args }, heapFor(SIZES.alerts)),
		() => runChild('alerts.ts', { side: 'raw', ...args }, heapFor(SIZES.alerts)),
		...(missing ? [] : [() => runPython('alerts_requests.py', args)]),
	];
	const [node, raw, python] = await rotations(`alerts-${SIZES.alerts}`, sides);
	const ratios = pairedRatios(per(node, (m) => m.items), per(raw, (m) => m.items));
	const memory = node.map((m) => m.peakRss / m.bytes);
	const rawMemory = raw.map((m) => m.peakRss / m.bytes);
	rows.push(
		{
			case: '1 Alert paging',
			measure: `alerts/s, ${num(SIZES.alerts)} alerts, Return All`,
			ours: spread(per(node, (m) => m.items)),
			base: spread(per(raw, (m) => m.items)),
			ratio: spread(ratios, 2),
			goal: '≥ 0.80',
			met: met(median(ratios) >= 0.8),
		},
		{
			case: '',
			measure: 'client CPU ms (this process only)',
			ours: spread(node.map((m) => m.cpuMs)),
			base: spread(raw.map((m) => m.cpuMs)),
			ratio: spread(pairedRatios(raw.map((m) => m.cpuMs), node.map((m) => m.cpuMs)), 2),
			goal: '(info)',
			met: '',
		},
		{
			case: '',
			measure: `peak RSS MB / JSON received ${num(mb(median(node.map((m) => m.bytes))))} MB`,
			ours: spread(node.map((m) => mb(m.peakRss))),
			base: spread(raw.map((m) => mb(m.peakRss))),
			ratio: `${spread(memory, 2)} × JSON (raw ${median(rawMemory).toFixed(2)} ×)`,
			goal: '≤ 2.0 × JSON',
			met: met(median(memory) <= 2),
		},
		connectionsRow(node, raw),
	);
	const cpuPerAlert = (m: Measurement[]) => m.map((x) => (x.cpuMs * 1000) / x.items);
	if (!python) {
		rows.push({ case: '', measure: 'Python (requests, 100-row deep paging)', ours: 'skipped', base: '', ratio: '', goal: '', met: missing ?? '' });
	} else {
		const speed = pairedRatios(per(node, (m) => m.items), per(python, (m) => m.items));
		const cpu = pairedRatios(cpuPerAlert(node), cpuPerAlert(python));
		rows.push(
			{
				case: '',
				measure: 'alerts/s: node vs Python requests (100-row deep paging, the seed)',
				ours: spread(per(node, (m) => m.items)),
				base: spread(per(python, (m) => m.items)),
				ratio: `${spread(speed, 2)} (raw ${median(pairedRatios(per(raw, (m) => m.items), per(python, (m) => m.items))).toFixed(2)})`,
				goal: '≥ 1.25',
				met: met(median(speed) >= 1.25),
			},
			{
				case: '',
				measure: 'client CPU µs per alert: node vs Python',
				ours: spread(cpuPerAlert(node)),
				base: spread(cpuPerAlert(python)),
				ratio: `${spread(cpu, 2)} (raw ${median(pairedRatios(cpuPerAlert(raw), cpuPerAlert(python))).toFixed(2)})`,
				goal: '≤ 0.70',
				met: met(median(cpu) <= 0.7),
			},
		);
	}
	scalingRowAlerts(SIZES.alerts, node, raw);
}

// --- case 6: backfill, the IoC output against the alert output -----------------------------------

async function case6() {
	const alerts = SIZES.backfill;
	const fake = await startFake({ alerts });
	try {
		const server = { url: fake.url, user: fake.user, apikey: fake.apikey };
		const run = (side: string) => () => runChild('alerts.ts', { side, server, expect: alerts, block: true }, heapFor(alerts));
		// The largest size (or BENCH_REPS=1): one pair, no warm-up pair (each child still warms up).
		const one = alerts >= 500_000 || REPS === 1;
		const { a: iocs, b: node } = await pairs(`backfill-${alerts}`, run('iocs'), run('node'), one ? 1 : 3, !one);
		const memory = pairedRatios(iocs.map((m) => m.peakRss), node.map((m) => m.peakRss));
		const wall = pairedRatios(iocs.map((m) => m.wallMs), node.map((m) => m.wallMs));
		const hashes = new Set([...iocs, ...node].map((m) => String(m.extra?.blockHash)));
		rows.push(
			{
				case: '6 Backfill',
				measure: `peak RSS MB, ${num(alerts)} alerts: IoC output vs alert output (${num(median(iocs.map((m) => m.items)))} IoCs)`,
				ours: spread(iocs.map((m) => mb(m.peakRss))),
				base: spread(node.map((m) => mb(m.peakRss))),
				ratio: spread(memory, 2),
				goal: '≤ 0.25',
				met: met(median(memory) <= 0.25),
			},
			{
				case: '',
				measure: 'wall s: IoC output vs alert output',
				ours: spread(iocs.map((m) => m.wallMs / 1000), 1),
				base: spread(node.map((m) => m.wallMs / 1000), 1),
				ratio: spread(wall, 2),
				goal: '≤ 1.00',
				met: met(median(wall) <= 1),
			},
			{
				case: '',
				measure: 'Block set (Filter Blockable IoCs library, no cap): count, hash',
				ours: `${num(Number(iocs[0].extra?.blockCount))}, ${String(iocs[0].extra?.blockHash)}`,
				base: `${num(Number(node[0].extra?.blockCount))}, ${String(node[0].extra?.blockHash)}`,
				ratio: '',
				goal: 'identical',
				met: met(hashes.size === 1),
			},
		);
	} finally {
		await fake.stop();
	}
}

function scalingRowAlerts(alerts: number, node: Measurement[], raw: Measurement[]) {
	scaling.push({ order: alerts, cells: [
		`1 paging, ${num(alerts)} alerts`,
		`${spread(node.map((m) => m.wallMs / 1000), 1)} s`,
		`${spread(raw.map((m) => m.wallMs / 1000), 1)} s`,
		spread(pairedRatios(per(node, (m) => m.items), per(raw, (m) => m.items)), 2),
		`${num(mb(median(node.map((m) => m.peakRss))))} / ${num(mb(median(raw.map((m) => m.peakRss))))}`,
		num(mb(median(node.map((m) => m.peakRss - m.baseRss)))),
		num(mb(median(node.map((m) => m.bytes)))),
		(median(node.map((m) => m.peakRss)) / median(node.map((m) => m.bytes))).toFixed(2),
	] });
}

// --- case 2: submission IoCs ---------------------------------------------------------------------

async function case2(fake: RunningFake) {
	const server = { url: fake.url, user: fake.user, apikey: fake.apikey };
	// The first alerts each come from a different completed submission.
	const page = await rawJson<{ items: { sid: string }[] }>(server, 'POST', '/api/v4/search/alert/', {
		query: '*',
		rows: SIZES.submissions,
		fl: 'sid',
		sort: 'reporting_ts asc',
	});
	const sids = [...new Set(page.items.map((a) => a.sid))];
	if (sids.length !== SIZES.submissions) throw new Error(`only ${sids.length} distinct submissions`);
	const run = (side: string) => () => runChild('submissions.ts', { side, server, sids });
	const { a: node, b: raw } = await pairs('submissions', run('node'), run('raw'));
	const ratios = pairedRatios(per(node, (m) => m.items), per(raw, (m) => m.items));
	rows.push(
		{
			case: '2 Submission IoCs',
			measure: `submissions/s, ${num(sids.length)} summaries, 4 at a time`,
			ours: spread(per(node, (m) => m.items)),
			base: spread(per(raw, (m) => m.items)),
			ratio: spread(ratios, 2),
			goal: '≥ 0.80',
			met: met(median(ratios) >= 0.8),
		},
		{
			case: '',
			measure: 'client CPU ms (this process only)',
			ours: spread(node.map((m) => m.cpuMs)),
			base: spread(raw.map((m) => m.cpuMs)),
			ratio: spread(pairedRatios(raw.map((m) => m.cpuMs), node.map((m) => m.cpuMs)), 2),
			goal: '(info)',
			met: '',
		},
		connectionsRow(node, raw),
	);
}

function connectionsRow(node: Measurement[], raw: Measurement[]): Row {
	return {
		case: '',
		measure: 'TCP connections opened (timed run)',
		ours: num(median(node.map((m) => m.connections))),
		base: num(median(raw.map((m) => m.connections))),
		ratio: '',
		goal: '(info)',
		met: '',
	};
}

// --- case 3 (and 5): filtering -------------------------------------------------------------------

// The largest sizes hold several GB (n8n keeps every item): room beyond V8's default heap limit.
const heapFor = (alerts: number) => (alerts >= 500_000 ? ['--max-old-space-size=14336'] : []);

const filterRun = (side: string, alerts: number, allowlist: number) => () =>
	runChild('filter.ts', { side, alerts, allowlist }, heapFor(alerts), ONE_CORE);

const occPerSec = (m: Measurement[]) => per(m, (x) => Number(x.extra?.occurrences));
const executeMs = (m: Measurement[]) => m.map((x) => Number(x.extra?.executeMs));

async function case3() {
	const alerts = SIZES.filterAlerts;
	const { a: lib, b: node } = await pairs(
		`filter-${alerts}`,
		filterRun('library', alerts, SIZES.allowlist),
		filterRun('node', alerts, SIZES.allowlist),
	);
	const nodeOverLib = pairedRatios(executeMs(node), lib.map((m) => m.wallMs));
	rows.push(
		{
			case: '3 Filtering',
			measure: `library occurrences/s (1 core), ${num(alerts * 10)} occ., ${num(SIZES.allowlist)} allowlist`,
			ours: spread(occPerSec(lib)),
			base: '500,000',
			ratio: spread(occPerSec(lib).map((x) => x / 5e5), 2),
			goal: '≥ 1.00',
			met: met(median(occPerSec(lib)) >= 5e5),
		},
		{
			case: '',
			measure: 'node execute() time ÷ library time, ms',
			ours: spread(executeMs(node)),
			base: spread(lib.map((m) => m.wallMs)),
			ratio: spread(nodeOverLib, 2),
			goal: '≤ 1.20',
			met: met(median(nodeOverLib) <= 1.2),
		},
		{
			case: '',
			measure: 'whole n8n run (Input → node) ÷ library time',
			ours: spread(node.map((m) => Number(m.extra?.n8nRunMs))),
			base: spread(lib.map((m) => m.wallMs)),
			ratio: spread(pairedRatios(node.map((m) => Number(m.extra?.n8nRunMs)), lib.map((m) => m.wallMs)), 2),
			goal: '(info)',
			met: '',
		},
	);
	scalingRowFilter(alerts, lib, node);
	const distinct = median(lib.map((m) => Number(m.extra?.distinct)));
	rows[rows.length - 3].measure += ` (${num(distinct)} distinct values)`;

	// The same size with more repetition: 10% newly generated values instead of 50%.
	const repeated: Measurement[] = [];
	for (let i = 0; i < REPS; i++) {
		log(`filter repeated values: run ${i + 1}/${REPS}`);
		repeated.push(await runChild('filter.ts', { side: 'library', alerts, allowlist: SIZES.allowlist, fresh: 0.1 }, [], ONE_CORE));
	}
	record.filterRepeated = repeated;
	rows.push({
		case: '',
		measure: `library occurrences/s, same size, ${num(median(repeated.map((m) => Number(m.extra?.distinct))))} distinct values`,
		ours: spread(occPerSec(repeated)),
		base: '500,000',
		ratio: spread(occPerSec(repeated).map((x) => x / 5e5), 2),
		goal: '(info)',
		met: '',
	});

	// Allowlist size: library time with 1k, 10k, 100k entries, interleaved.
	const bySize = new Map<number, Measurement[]>(SIZES.allowlists.map((size) => [size, []]));
	for (let i = 0; i < REPS; i++) {
		for (const size of SIZES.allowlists) {
			log(`filter allowlist ${size}: run ${i + 1}/${REPS}`);
			bySize.get(size)?.push(await filterRun('library', alerts, size)());
		}
	}
	record.allowlists = Object.fromEntries(bySize);
	const smallest = median(bySize.get(SIZES.allowlists[0])?.map((m) => m.wallMs) ?? []);
	const largest = median(bySize.get(SIZES.allowlists.at(-1) as number)?.map((m) => m.wallMs) ?? []);
	for (const [size, runs] of bySize) {
		rows.push({
			case: '',
			measure: `library, allowlist ${num(size)} entries: ms (compile ms)`,
			ours: `${spread(runs.map((m) => m.wallMs))} (${num(median(runs.map((m) => Number(m.extra?.compileMs))))})`,
			base: '',
			ratio: `${(median(runs.map((m) => m.wallMs)) / smallest).toFixed(2)} × 1k`,
			goal: 'flat',
			met: size === SIZES.allowlists.at(-1) ? met(largest / smallest <= 1.25) : '',
		});
	}
}

function scalingRowFilter(alerts: number, lib: Measurement[], node: Measurement[]) {
	scaling.push({ order: 1e9 + alerts, cells: [
		`3 filtering, ${num(alerts)} alerts (${num(alerts * 10)} occ.)`,
		`${spread(executeMs(node).map((x) => x / 1000), 1)} s`,
		`${spread(lib.map((m) => m.wallMs / 1000), 1)} s`,
		spread(pairedRatios(executeMs(node), lib.map((m) => m.wallMs)), 2),
		`${num(mb(median(node.map((m) => m.peakRss))))} / ${num(mb(median(lib.map((m) => m.peakRss))))}`,
		num(mb(median(node.map((m) => m.peakRss - m.baseRss)))),
		`${num(median(occPerSec(lib)))} occ/s (library)`,
		'',
	] });
}

// --- case 5: scaling -----------------------------------------------------------------------------

async function case5() {
	for (const alerts of SIZES.scaling) {
		if (alerts === SIZES.alerts && wanted(1)) continue; // measured in case 1
		const fake = await startFake({ alerts });
		try {
			// The largest size: one pair, no warm-up pair (each child still warms up on 3 pages).
			const big = alerts >= 500_000;
			const { a: node, b: raw } = await alertPaging(fake, alerts, big ? 1 : 3, !big);
			scalingRowAlerts(alerts, node, raw);
		} finally {
			await fake.stop();
		}
	}
	for (const alerts of SIZES.scaling) {
		if (alerts === SIZES.filterAlerts && wanted(3)) continue;
		const big = alerts >= 500_000;
		const { a: lib, b: node } = await pairs(
			`filter-${alerts}`,
			filterRun('library', alerts, SIZES.allowlist),
			filterRun('node', alerts, SIZES.allowlist),
			big ? 1 : 3,
			!big,
		);
		scalingRowFilter(alerts, lib, node);
	}
}

// --- main ----------------------------------------------------------------------------------------

/** A case that fails leaves a row saying so; the others still run. Results are saved after each. */
async function guarded(name: string, run: () => Promise<void>) {
	try {
		await run();
	} catch (error) {
		const message = String((error as Error).message ?? error).split('\n').filter(Boolean).slice(-1)[0] ?? '';
		log(`case ${name} failed: ${(error as Error).stack ?? error}`);
		rows.push({ case: `${name} (failed)`, measure: message.slice(0, 120), ours: '', base: '', ratio: '', goal: '', met: 'ERROR' });
	}
	mkdirSync(here('./.results'), { recursive: true });
	writeFileSync(here(`./.results/partial${ONLY ? `-${ONLY.join('-')}` : ''}.json`), JSON.stringify({ rows, scaling, record }, null, 1));
}

function hasTaskset(): boolean {
	try {
		execFileSync('taskset', ['-c', '0', 'true']);
		return true;
	} catch {
		return false;
	}
}

function snapshotDist(): string {
	// One snapshot per bench process, so two runs of different cases can go side by side.
	const target = here(`./.dist-${process.pid}`);
	rmSync(target, { recursive: true, force: true });
	cpSync(here('../dist'), target, { recursive: true });
	// bench/ is an ES module package; the compiled package is CommonJS.
	writeFileSync(`${target}/package.json`, '{ "type": "commonjs" }\n');
	return target;
}

async function main() {
	const started = Date.now();
	process.env.BENCH_DIST = snapshotDist();
	const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, ${num(totalmem() / 1024 ** 3, 0)} GiB, Node ${process.version}, ${process.platform}`;
	log(`machine: ${machine}${QUICK ? ' (quick mode)' : ''}`);

	if (wanted(1) || wanted(2)) {
		const fake = await startFake({ alerts: SIZES.alerts });
		try {
			if (wanted(1)) await guarded('1', () => case1(fake));
			if (wanted(2)) await guarded('2', () => case2(fake));
		} finally {
			await fake.stop();
		}
	}
	if (wanted(3)) await guarded('3', case3);
	if (wanted(4)) await guarded('4', async () => void rows.push(...(await enrichCase({ reps: REPS, quick: QUICK, log }))));
	if (wanted(5)) await guarded('5', case5);
	if (wanted(6)) await guarded('6', case6);
	if (wanted(7)) await guarded('7', async () => void rows.push(...(await (await import('./cases/push.ts')).pushCase({ quick: QUICK, reps: REPS, log }))));
	if (wanted(8)) await guarded('8', async () => void rows.push(...(record.feed = await (await import('./cases/feed.ts')).feedCase({ quick: QUICK, reps: REPS, log })).rows));
	if (wanted(10)) await guarded('10', async () => void rows.push(...(record.latency = await (await import('./cases/latency.ts')).latencyCase({ quick: QUICK, reps: REPS, log })).rows));

	const minutes = ((Date.now() - started) / 60000).toFixed(1);
	const out = [
		`machine: ${machine}`,
		`date: ${new Date().toISOString()}; ${REPS} timed runs per side after a warm-up; ${minutes} min${QUICK ? '; QUICK sizes' : ''}`,
		'',
		table(
			['Case', 'Measure', 'Ours: median (min–max)', 'Baseline', 'Ratio: median (min–max)', 'Goal', 'Met'],
			rows.map((r) => [r.case, r.measure, r.ours, r.base, r.ratio, r.goal, r.met]),
		),
	];
	if (scaling.length) {
		out.push(
			'',
			'Scaling (case 5): time median (min–max); "ours" = node, "base" = raw client (paging) or library (filtering)',
			'',
			table(
				['Case, size', 'Ours', 'Base', 'Ratio', 'Peak RSS MB ours / base', 'Ours RSS growth MB', 'JSON MB / rate', 'Peak RSS ÷ JSON'],
				scaling.sort((a, b) => a.order - b.order).map((r) => r.cells),
			),
		);
	}
	process.stdout.write(`${out.join('\n')}\n`);
	mkdirSync(here('./.results'), { recursive: true });
	writeFileSync(here(`./.results/last-run${ONLY ? `-${ONLY.join('-')}` : ''}.json`), JSON.stringify({ machine, quick: QUICK, reps: REPS, rows, scaling, record }, null, 1));
	rmSync(process.env.BENCH_DIST, { recursive: true, force: true });
}

await main();
