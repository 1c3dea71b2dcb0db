/**
 * Case 3 (and 5): N alerts × 10 IoC occurrences against an allowlist of CIDRs and domains.
 * side "library": extractInto per alert (into one IocMerger), decideMerged, applyCap (what the
 * node does, minus n8n). side "node": Filter Blockable IoCs through the node tests' n8n execution context; its time
 * is that of its execute() (the node's own work); the whole n8n run is reported next to it.
 * Input generation and (for the library) allowlist compilation are outside the timed part; the
 * node compiles its allowlist text inside, as it does in a workflow.
 */
import { childMain, measure } from '../lib/measure.ts';
import { require, DIST } from '../lib/paths.ts';
import { makeAlerts, makeAllowlist } from '../lib/iocs.ts';
import type { IDataObject } from 'n8n-workflow';

interface Args {
	side: 'library' | 'node';
	alerts: number;
	allowlist: number;
	/** Share of newly generated values (default 0.5; the rest repeat popular ones). */
	fresh?: number;
}

const CAP = 1000; // the node's default "Max IoCs to Block per Run"
const ioc = require(`${DIST}/nodes/shared/ioc/index.js`) as typeof import('../../nodes/shared/ioc/index.ts');

function viaLibrary(alerts: Record<string, unknown>[], allowlistText: string) {
	const t0 = performance.now();
	const { allowlist, errors } = ioc.compileAllowlist(allowlistText);
	if (errors.length) throw new Error(errors[0].message);
	const compileMs = performance.now() - t0;
	return async () => {
		const t1 = performance.now();
		let decided!: ReturnType<typeof ioc.decideMerged>;
		let t2 = 0;
		// Called from findLastIndex (ES2023, not in this tsconfig's lib) so that `valgrind
		// --tool=callgrind --toggle-collect=Builtins_ArrayPrototypeFindLastIndex` counts this part only.
		([0] as unknown as { findLastIndex(f: () => boolean): number }).findLastIndex(() => {
			if (ioc.extractInto) {
				const merger = new ioc.IocMerger(allowlist);
				for (let i = 0; i < alerts.length; i++) ioc.extractInto(alerts[i], { shape: 'alert', itemIndex: i }, merger);
				t2 = performance.now();
				decided = ioc.decideMerged(merger, { minVerdict: 'suspicious', noVerdict: 'block' });
			} else {
				// A dist from before issue 21 part 2 (BENCH_DIST=<old dist>, for old-vs-new runs).
				const occurrences = [];
				for (let i = 0; i < alerts.length; i++) for (const o of ioc.extractOccurrences(alerts[i], { shape: 'alert', itemIndex: i })) occurrences.push(o);
				t2 = performance.now();
				decided = ioc.decideIocs(occurrences, { minVerdict: 'suspicious', noVerdict: 'block', allowlist });
			}
			return true;
		});
		const t3 = performance.now();
		const capped = ioc.applyCap(decided.block, CAP);
		const t4 = performance.now();
		const out = capped.block.length + capped.skipped.length + decided.skipped.length;
		return {
			items: out,
			extra: {
				compileMs,
				mergeMs: t2 - t1,
				decideMs: t3 - t2,
				capMs: t4 - t3,
				allowlisted: decided.skipped.filter((s) => s.reason === 'allowlisted').length,
			},
		};
	};
}

async function viaNode(alerts: Record<string, unknown>[], allowlistText: string) {
	const { harness, nodeClass } = await import('../lib/n8n.ts');
	const Filter = nodeClass('FilterBlockableIocs');
	return async () => {
		const node = new Filter();
		const execute = node.execute!;
		let executeMs = 0;
		node.execute = async function (this: never) {
			const t0 = performance.now();
			try {
				return await execute.call(this);
			} finally {
				executeMs = performance.now() - t0;
			}
		};
		const t0 = performance.now();
		const { outputs, error } = await harness.runNode({
			node,
			parameters: { inputShape: 'alert', allowlist: allowlistText, minVerdict: 'suspicious', noVerdict: 'block', maxToBlock: CAP, onlyNew: false, output: 'items' },
			input: alerts as IDataObject[],
		});
		if (error) throw error;
		return { items: outputs[0].length + outputs[1].length, extra: { executeMs, n8nRunMs: performance.now() - t0 } };
	};
}

await childMain<Args>(async ({ side, alerts: count, allowlist: size, fresh }) => {
	const allowlistText = makeAllowlist(size);
	const make = side === 'library' ? viaLibrary : viaNode;
	await (await make(makeAlerts(Math.min(count, 2000), 99), allowlistText))(); // warm-up on other data
	const alerts = makeAlerts(count, 11, fresh);
	const run = await make(alerts, allowlistText);
	const result = await measure(run);
	const distinct = new Set<string>();
	for (const alert of alerts) {
		for (const list of Object.values((alert.al as { detailed: Record<string, { value: string }[]> }).detailed)) {
			for (const entry of list) distinct.add(entry.value);
		}
	}
	return { ...result, extra: { ...result.extra, occurrences: count * 10, distinct: distinct.size } };
});
