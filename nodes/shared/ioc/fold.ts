import { extractInto } from './extract';
import { IocMerger } from './merge';
import type { IocItem } from './types';

/**
 * Sources listed per merged IoC in the IoC output: its first ones (the alerts it was first seen
 * in). Every IoC seen in hundreds of alerts would otherwise list an object per alert, which grows
 * with the alerts (docs/benchmarks.md, "Backfill memory"). 100 is five times what IoC Blocklist's
 * Prepare Rows keeps of them (the first 20: SOURCES_CAP in nodes/shared/blocklist/rows.ts), so a
 * blocklist row, and the alerts a workflow labels from it, are the same from either output.
 */
export const FOLD_MAX_SOURCES = 100;

/** One merged IoC as AL Alert Search's IoC output gives it: what Filter Blockable IoCs reads
 * (type, value, verdict, sources, occurrences…), without the input item indexes, and
 * `source_count`: how many alerts (sources) it was seen in, of which `sources` lists the first
 * FOLD_MAX_SOURCES. */
export type FoldedIoc = Omit<IocItem, 'itemIndexes' | 'original'> & {
	original?: string;
	source_count: number;
};

/**
 * Folds alerts into merged IoCs while the pages of a search stream in: each alert is read
 * (extractInto, as Filter Blockable IoCs reads it) and merged by IocMerger, the library's one
 * merge, then dropped. Memory grows with the distinct IoCs, not with the alerts. No value is held
 * back here: Filter Blockable IoCs decides, and gives the same Block and Skipped as from the alerts.
 */
export class AlertIocFold {
	private readonly merger = new IocMerger(undefined, { maxSources: FOLD_MAX_SOURCES });
	/** Alerts folded in. */
	alerts = 0;
	/** Alerts that carried no `al` object (fetched without it): nothing to fold. */
	withoutIocs = 0;

	add(alert: unknown): void {
		this.alerts++;
		const al = alert && typeof alert === 'object' ? (alert as { al?: unknown }).al : undefined;
		if (!al || typeof al !== 'object' || Array.isArray(al)) {
			this.withoutIocs++;
			return;
		}
		extractInto(alert, { shape: 'alert' }, this.merger);
	}

	addPage(alerts: Iterable<unknown>): void {
		for (const alert of alerts) this.add(alert);
	}

	/** Distinct IoCs so far. */
	get size(): number {
		return this.merger.size;
	}

	/** The merged IoCs, first-seen order; `original`/`originals` only where a raw spelling differed. */
	items(): FoldedIoc[] {
		const out: FoldedIoc[] = [];
		this.merger.forEach((item, _held, _rank, sourceCount) => {
			// No item indexes here (the fold has no input items to pair with); `original` only
			// where a spelling differed.
			const { original, ...rest } = item;
			const folded: FoldedIoc = { ...rest, source_count: sourceCount };
			if (original !== item.value || item.originals !== undefined) folded.original = original;
			out.push(folded);
		});
		return out;
	}
}

/** Folds every page of an alert search (any iterable of pages) into merged IoCs. */
export async function foldAlertPages(
	pages: AsyncIterable<readonly unknown[]> | Iterable<readonly unknown[]>,
): Promise<AlertIocFold> {
	const fold = new AlertIocFold();
	for await (const page of pages) fold.addPage(page);
	return fold;
}
