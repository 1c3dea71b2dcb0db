import type { Allowlist } from './allowlist';
import { IocMerger } from './merge';
import { REASON_PRECEDENCE, REASON_TEXT } from './reasons';
import { quote } from './text';
import type { FilterResult, IocItem, IocOccurrence, ReasonCode, SkippedIoc } from './types';
import { isKnownVerdict, VERDICTS, verdictRank, type KnownVerdict } from './verdict';

export interface DecideOptions {
	/** Lowest verdict that is blocked (default `suspicious`). */
	minVerdict?: KnownVerdict;
	/** IoCs with no verdict at all: absence is not a statement of safety (default `block`). */
	noVerdict?: 'block' | 'skip';
	allowlist?: Allowlist;
}

export const DEFAULT_MIN_VERDICT: KnownVerdict = 'suspicious';
export { ORIGINALS_CAP } from './merge';
export const DEFAULT_CAP = 1000;

/** Marks an item as held back (also for the node's `already_blocked`). */
export function holdBack(item: IocItem, reason: ReasonCode, reasonText?: string): SkippedIoc {
	return { ...item, reason, reason_text: reasonText ?? REASON_TEXT[reason] ?? reason };
}

/** Merges the occurrences of one call by (type, normalised value) (IocMerger, merge.ts) and
 * decides each IoC. No cap on Block here: see applyCap. */
export function decideIocs(
	occurrences: Iterable<IocOccurrence>,
	options: DecideOptions = {},
): FilterResult {
	const merger = new IocMerger(options.allowlist);
	for (const occurrence of occurrences) merger.add(occurrence);
	return decideMerged(merger, options);
}

/** decideIocs over a merger already filled, e.g. by extractInto (no occurrence objects); the
 * merger's allowlist is the one that counts. */
export function decideMerged(
	merger: IocMerger,
	options: Omit<DecideOptions, 'allowlist'> = {},
): FilterResult {
	const minVerdict = options.minVerdict ?? DEFAULT_MIN_VERDICT;
	if (!isKnownVerdict(minVerdict))
		throw new RangeError(`Unknown minimum verdict ${JSON.stringify(minVerdict)}`);
	const minRank = verdictRank(minVerdict);
	const skipNoVerdict = options.noVerdict === 'skip';
	// Which reason applies when several do: the first in REASON_PRECEDENCE (reasons.ts).
	const order = new Map(REASON_PRECEDENCE.map((code, index) => [code, index]));
	const before = (code: ReasonCode, than: ReasonCode | undefined) =>
		than === undefined || (order.get(code) as number) < (order.get(than) as number);
	// One sentence per verdict, not one per IoC.
	const belowTexts = new Map<string, string>();
	const belowText = (verdict: string) => {
		let text = belowTexts.get(verdict);
		if (text === undefined) {
			text = `Verdict ${quote(verdict)} is below the minimum verdict ${quote(minVerdict)} for blocking.`;
			belowTexts.set(verdict, text);
		}
		return text;
	};

	const result: FilterResult = { block: [], skipped: [] };
	merger.forEach((item, held, rank) => {
		let code: ReasonCode | undefined = held?.reason;
		let text = held?.text;
		if (item.safelisted && before('safelisted', code)) {
			code = 'safelisted';
			text = REASON_TEXT.safelisted;
		}
		if (item.verdict === null) {
			if (skipNoVerdict && before('no_verdict', code)) {
				code = 'no_verdict';
				text = REASON_TEXT.no_verdict;
			}
		} else if (rank < minRank && before('below_threshold', code)) {
			code = 'below_threshold';
			text = belowText(item.verdict);
		}
		if (code === undefined) result.block.push(item);
		// The item is new and nobody else holds it: marked in place, as holdBack would copy it.
		else result.skipped.push(markHeldBack(item, code, text as string));
	});
	return result;
}

function markHeldBack(item: IocItem, reason: ReasonCode, text: string): SkippedIoc {
	const skipped = item as SkippedIoc;
	skipped.reason = reason;
	skipped.reason_text = text;
	return skipped;
}

/** Keeps at most `cap` IoCs on Block, the highest verdicts first and then in input order;
 * the rest go to Skipped with `over_cap`. Run it after the node's cross-run dedup. */
export function applyCap(block: readonly IocItem[], cap: number = DEFAULT_CAP): FilterResult {
	if (!(cap >= 0) || (Number.isFinite(cap) && !Number.isInteger(cap))) {
		throw new RangeError(`The cap must be a whole number ≥ 0 or Infinity, not ${cap}`);
	}
	const ranked = inCapOrder(block);
	const text = `Over the cap of ${cap} IoCs sent to Block in one run (the highest verdicts go first).`;
	return {
		block: ranked.slice(0, cap),
		skipped: ranked.slice(cap).map((item) => holdBack(item, 'over_cap', text)),
	};
}

/** The order the cap keeps IoCs in: highest verdict first, then input order (a new array). */
export function inCapOrder<T extends IocItem>(items: readonly T[]): T[] {
	// Ranks are a few small integers (-1 for none up to the top verdict's): one stable pass per
	// rank, highest first, instead of a comparison sort over a wrapper object per item.
	const ranks = new Int8Array(items.length);
	for (let i = 0; i < items.length; i++) ranks[i] = verdictRank(items[i].verdict);
	const ordered: T[] = [];
	for (let rank = VERDICTS.length - 1; rank >= -1; rank--)
		for (let i = 0; i < items.length; i++) if (ranks[i] === rank) ordered.push(items[i]);
	return ordered;
}

/** decideIocs then applyCap, for callers with no cross-run dedup in between. */
export function filterBlockableIocs(
	occurrences: Iterable<IocOccurrence>,
	options: DecideOptions & { cap?: number } = {},
): FilterResult {
	const decided = decideIocs(occurrences, options);
	const capped = applyCap(decided.block, options.cap);
	return { block: capped.block, skipped: [...decided.skipped, ...capped.skipped] };
}
