/** Case 4 rows: runs cases/enrich.ts in its own process and turns its figures into table rows. */
import { runChild } from '../lib/child.ts';
import { median, num, spread } from '../lib/stats.ts';
import { PROVIDER_IDS } from '../../test/fakes/providers.ts';

const PROVIDER_COUNT = PROVIDER_IDS.length;

const LATENCY_MS = 200;
const PER_SECOND = 20;
// Configured exactly at the provider's rate; the node's limiter keeps its own 5% margin.
const PACE = PER_SECOND;

export async function enrichCase(options: {
	reps: number;
	quick: boolean;
	log: (line: string) => void;
}) {
	const iocs = options.quick ? 60 : 200;
	// BENCH_ENRICH_ALL_REPS=n: only the every-provider rows (issue 18), n runs.
	const allOnly = Number(process.env.BENCH_ENRICH_ALL_REPS ?? 0);
	options.log(
		`enrichment: 1 IoC × ${options.reps * 2} runs, ${iocs} IoCs × ${options.quick ? 1 : 3} runs per pace`,
	);
	const m = await runChild('enrich.ts', {
		latencyMs: LATENCY_MS,
		oneReps: allOnly ? 0 : options.reps * 2,
		runReps: allOnly ? 0 : options.quick ? 1 : 3,
		iocs,
		perSecond: PER_SECOND,
		clientPerSecond: [PACE],
		allReps: allOnly || (options.quick ? 1 : 3),
	});
	const { one, runs, all } = m.extra as {
		all: Record<string, { together: number[]; slowestAlone: number[]; slowest: string[] }>;
		one: { node: number[]; raw: number[] };
		runs: { clientPerSecond: number; wallMs: number; http429: number; notOk: number }[];
	};
	// The limits imply: the last of `iocs` starts spaced 1/PER_SECOND apart, plus one answer.
	const boundMs = (iocs - 1) * Math.ceil(1000 / PER_SECOND) + LATENCY_MS;
	const oneRatio = one.node.map((ms) => ms / LATENCY_MS);
	const rows: {
		case: string;
		measure: string;
		ours: string;
		base: string;
		ratio: string;
		goal: string;
		met: string;
	}[] = [];
	if (!allOnly)
		rows.push({
			case: '4 Enrichment',
			measure: `1 IoC, 8 providers answering after ${LATENCY_MS} ms: wall ms`,
			ours: spread(one.node),
			base: `${LATENCY_MS} (raw replay ${num(median(one.raw))})`,
			ratio: spread(oneRatio, 2),
			goal: '≤ 1.20',
			met: median(oneRatio) <= 1.2 ? 'met' : 'MISSED',
		});
	const pace = PACE;
	const mine = runs.filter((r) => r.clientPerSecond === pace);
	const ratios = mine.map((r) => r.wallMs / boundMs);
	const http429 = mine.reduce((n, r) => n + r.http429, 0);
	const failed = mine.reduce((n, r) => n + r.notOk, 0);
	const ok = median(ratios) <= 1.1 && http429 === 0 && failed === 0;
	if (!allOnly)
		rows.push({
			case: '',
			measure: `${iocs} IoCs, fake allows ${PER_SECOND}/s per provider, node configured at ${num(pace)}/s: wall s; 429s`,
			ours: `${spread(
				mine.map((r) => r.wallMs / 1000),
				2,
			)}; ${http429} × 429${failed ? `, ${failed} failed lookups` : ''}`,
			base: `bound ${num(boundMs / 1000, 2)} s`,
			ratio: spread(ratios, 2),
			goal: '≤ 1.10, no 429',
			met: ok ? 'met' : 'MISSED',
		});
	// Issue 18: ioclib's claim, every provider at once costs the slowest provider's chain.
	for (const [label, c] of Object.entries(all)) {
		const ratios = c.together.map((ms, i) => ms / c.slowestAlone[i]);
		rows.push({
			case: '',
			measure: `${label === 'url' ? '1 IoC (a URL)' : '1 IP, 1 URL, 1 SHA256'} against all ${PROVIDER_COUNT} providers at once, each answering after ${LATENCY_MS} ms: wall ms`,
			ours: spread(c.together),
			base: `slowest alone ${spread(c.slowestAlone)} (${[...new Set(c.slowest)].join(', ')})`,
			ratio: spread(ratios, 2),
			goal: '≤ 1.20',
			met: median(ratios) <= 1.2 ? 'met' : 'MISSED',
		});
	}
	return rows;
}
