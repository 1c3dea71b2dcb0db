import { extractInto } from './extract';
import { IocMerger } from './merge';
import type { IocItem } from './types';

/** One merged IoC as AL Alert Search's IoC output gives it: what Filter Blockable IoCs reads
 * (type, value, verdict, sources, occurrences…), without the input item indexes. */
export type FoldedIoc = Omit<IocItem, 'itemIndexes' | 'original'> & { original?: string };

/**
 * Folds alerts into merged IoCs while the pages of a search stream in: each alert is read
 * (extractInto, as Filter Blockable IoCs reads it) and merged by IocMerger, the library's one
 * merge, then dropped. Memory grows with the distinct IoCs, not with the alerts. No value is held
 * back here: Filter Blockable IoCs decides, and gives the same Block and Skipped as from the alerts.
 */
export class AlertIocFold {
	private readonly merger = new IocMerger();
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
		this.merger.forEach((item) => {
			// No item indexes here (the fold has no input items to pair with); `original` only
			// where a spelling differed.
			const { original, ...rest } = item;
			out.push(
				original === item.value && item.originals === undefined ? rest : { ...rest, original },
			);
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
