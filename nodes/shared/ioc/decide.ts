import type { Allowlist } from './allowlist';
import type { ValueReason } from './blockable';
import { IocMerger, type HeldBack } from './merge';
import { REASON_PRECEDENCE, REASON_TEXT } from './reasons';
import { quote } from './text';
import type { FilterResult, IocItem, IocOccurrence, ReasonCode, SkippedIoc } from './types';
import { isKnownVerdict, verdictRank, type KnownVerdict } from './verdict';

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

interface Merged {
	item: IocItem;
	held: HeldBack | undefined;
	rank: number;
}
type Check = (merged: Merged) => string | null;

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
	const valueCheck =
		(code: ValueReason): Check =>
		({ held }) =>
			held?.reason === code ? held.text : null;
	const checks: Record<
		Exclude<ReasonCode, 'already_blocked' | 'over_cap' | 'not_exportable'>,
		Check
	> = {
		invalid: valueCheck('invalid'),
		allowlisted: valueCheck('allowlisted'),
		safelisted: ({ item }) => (item.safelisted ? (REASON_TEXT.safelisted as string) : null),
		non_global_ip: valueCheck('non_global_ip'),
		special_use_domain: valueCheck('special_use_domain'),
		public_suffix: valueCheck('public_suffix'),
		unsupported_type: valueCheck('unsupported_type'),
		no_verdict: ({ item }) =>
			item.verdict === null && skipNoVerdict ? (REASON_TEXT.no_verdict as string) : null,
		below_threshold: ({ item, rank }) =>
			item.verdict !== null && rank < minRank
				? `Verdict ${quote(item.verdict)} is below the minimum verdict ${quote(minVerdict)} for blocking.`
				: null,
	};
	const orderedChecks = REASON_PRECEDENCE.filter(
		(code): code is keyof typeof checks => code in checks,
	).map((code) => [code, checks[code]] as const);

	const result: FilterResult = { block: [], skipped: [] };
	const merged: Merged = { item: undefined as unknown as IocItem, held: undefined, rank: 0 };
	merger.forEach((item, held, rank) => {
		merged.item = item;
		merged.held = held;
		merged.rank = rank;
		for (const [code, test] of orderedChecks) {
			const text = test(merged);
			if (text !== null) {
				result.skipped.push(holdBack(item, code, text));
				return;
			}
		}
		result.block.push(item);
	});
	return result;
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
	const ranked = items.map((item, index) => ({ item, index, rank: verdictRank(item.verdict) }));
	ranked.sort((a, b) => b.rank - a.rank || a.index - b.index);
	return ranked.map(({ item }) => item);
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
