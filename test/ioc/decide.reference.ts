/**
 * The merge as it was before the columnar IocMerger (nodes/shared/ioc/merge.ts): one object per
 * IoC, strings on the hot path. Kept as the oracle the new merge is compared with
 * (test/ioc/merge.test.ts): same items, same order, same decisions. Not used by the package.
 */
import type { Allowlist } from '../../nodes/shared/ioc/allowlist';
import { checkBlockable, type Blockable, type ValueReason } from '../../nodes/shared/ioc/blockable';
import { REASON_PRECEDENCE, REASON_TEXT } from '../../nodes/shared/ioc/reasons';
import { quote } from '../../nodes/shared/ioc/text';
import type { FilterResult, IocItem, IocOccurrence, IocSource, ReasonCode, SkippedIoc } from '../../nodes/shared/ioc/types';
import { isKnownVerdict, normaliseVerdict, verdictRank, type KnownVerdict } from '../../nodes/shared/ioc/verdict';

export interface DecideOptions {
	/** Lowest verdict that is blocked (default `suspicious`). */
	minVerdict?: KnownVerdict;
	/** IoCs with no verdict at all: absence is not a statement of safety (default `block`). */
	noVerdict?: 'block' | 'skip';
	allowlist?: Allowlist;
}

const DEFAULT_MIN_VERDICT: KnownVerdict = 'suspicious';
/** Distinct raw values listed per merged IoC; enough for real spellings, bounded for hostile input. */
const ORIGINALS_CAP = 20;

/** One distinct (type word, raw string) of the call, checked once. */
interface Parsed {
	type: string;
	value: string;
	original: string;
	/** The value-level verdict (checkBlockable): the same definition the exporters re-check with. */
	check: Blockable;
	merged?: Merged;
}

/** Running state of one (type, normalised value). */
interface Merged {
	item: IocItem;
	parsed: Parsed;
	rank: number;
	sourceKeys: Set<string>;
	lastSource?: IocSource;
	classifications: string[];
}

function parseOccurrence(value: unknown, typeWord: unknown, allowlist: Allowlist | undefined): Parsed {
	const check = checkBlockable(typeWord, value, allowlist);
	return { type: check.type, value: check.value, original: typeof value === 'string' ? value : check.value, check };
}

function newMerged(parsed: Parsed): Merged {
	const item: IocItem = {
		type: parsed.type,
		value: parsed.value,
		original: parsed.original,
		verdict: null,
		tag_type: null,
		tag_types: [],
		safelisted: false,
		sources: [],
		occurrences: 0,
	};
	return { item, parsed, rank: -2, sourceKeys: new Set(), classifications: [] };
}

function addOccurrence(merged: Merged, occurrence: IocOccurrence): void {
	const item = merged.item;
	item.occurrences++;
	const verdict = normaliseVerdict(occurrence.verdict);
	const rank = verdictRank(verdict);
	const classification = typeof occurrence.classification === 'string' && occurrence.classification !== '' ? occurrence.classification : undefined;
	if (rank > merged.rank) {
		merged.rank = rank;
		item.verdict = verdict;
		if (classification !== undefined) item.classification = classification;
	}
	if (classification !== undefined && !merged.classifications.includes(classification)) {
		merged.classifications.push(classification);
	}
	if (occurrence.safelisted === true) item.safelisted = true;
	const tagType = occurrence.tag_type;
	if (typeof tagType === 'string' && tagType !== '' && !item.tag_types.includes(tagType)) {
		item.tag_types.push(tagType);
		item.tag_type ??= tagType;
	}
	const source = occurrence.source;
	if (source && source !== merged.lastSource) {
		merged.lastSource = source;
		const alertId = typeof source.alert_id === 'string' ? source.alert_id : undefined;
		const sid = typeof source.sid === 'string' ? source.sid : undefined;
		const key = `${alertId ?? ''}\u0000${sid ?? ''}`;
		if ((alertId !== undefined || sid !== undefined) && !merged.sourceKeys.has(key)) {
			merged.sourceKeys.add(key);
			item.sources.push(alertId === undefined ? { sid } : sid === undefined ? { alert_id: alertId } : { alert_id: alertId, sid });
		}
	}
	const index = occurrence.itemIndex;
	if (typeof index === 'number') {
		const indexes = (item.itemIndexes ??= []);
		if (indexes[indexes.length - 1] !== index) indexes.push(index);
	}
}

function addOriginal(item: IocItem, original: string): void {
	const originals = (item.originals ??= [item.original]);
	if (originals.includes(original)) return;
	if (originals.length < ORIGINALS_CAP) originals.push(original);
	else item.originals_more = (item.originals_more ?? 0) + 1;
}

/** Marks an item as held back (also for the node's `already_blocked`). */
function holdBack(item: IocItem, reason: ReasonCode, reasonText?: string): SkippedIoc {
	return { ...item, reason, reason_text: reasonText ?? REASON_TEXT[reason] ?? reason };
}

type Check = (merged: Merged) => string | null;

/** Merges the occurrences of one call by (type, normalised value) and decides each IoC.
 * Merging: the highest verdict wins (with its classification; when they differ, all are listed in
 * `classifications`); `safelisted` if any occurrence was (Assemblyline safelisted it somewhere,
 * which is a statement about the value); sources, tag types and item indexes are unions;
 * `original` is the first raw value seen, and `originals` lists every distinct one when they differ
 * (capped). No cap on Block here: see applyCap. */
export function referenceDecideIocs(occurrences: Iterable<IocOccurrence>, options: DecideOptions = {}): FilterResult {
	const minVerdict = options.minVerdict ?? DEFAULT_MIN_VERDICT;
	if (!isKnownVerdict(minVerdict)) throw new RangeError(`Unknown minimum verdict ${JSON.stringify(minVerdict)}`);
	const minRank = verdictRank(minVerdict);
	const skipNoVerdict = options.noVerdict === 'skip';
	const allowlist = options.allowlist;

	const parsedByType = new Map<unknown, Map<string, Parsed>>();
	const mergedByKey = new Map<string, Merged>();
	const mergedInOrder: Merged[] = [];
	for (const occurrence of occurrences) {
		const typeWord = occurrence.type ?? occurrence.tag_type;
		let parsed: Parsed | undefined;
		if (typeof occurrence.value === 'string') {
			let byValue = parsedByType.get(typeWord);
			if (!byValue) parsedByType.set(typeWord, (byValue = new Map()));
			parsed = byValue.get(occurrence.value);
			if (!parsed) byValue.set(occurrence.value, (parsed = parseOccurrence(occurrence.value, typeWord, allowlist)));
		} else {
			parsed = parseOccurrence(occurrence.value, typeWord, allowlist);
		}
		let merged = parsed.merged;
		if (!merged) {
			const invalid = !parsed.check.ok && parsed.check.reason === 'invalid';
			const key = `${invalid ? '!' : ''}${parsed.type}\u0000${parsed.value}`;
			merged = mergedByKey.get(key);
			if (!merged) {
				merged = newMerged(parsed);
				mergedByKey.set(key, merged);
				mergedInOrder.push(merged);
			}
			parsed.merged = merged;
			// Runs once per distinct raw value of this IoC (the parse cache keys on it).
			if (parsed.original !== merged.item.original) addOriginal(merged.item, parsed.original);
		}
		addOccurrence(merged, occurrence);
	}

	const valueCheck =
		(code: ValueReason): Check =>
		({ parsed: { check } }) =>
			!check.ok && check.reason === code ? check.text : null;
	const checks: Record<Exclude<ReasonCode, 'already_blocked' | 'over_cap' | 'not_exportable'>, Check> = {
		invalid: valueCheck('invalid'),
		allowlisted: valueCheck('allowlisted'),
		safelisted: ({ item }) => (item.safelisted ? (REASON_TEXT.safelisted as string) : null),
		non_global_ip: valueCheck('non_global_ip'),
		special_use_domain: valueCheck('special_use_domain'),
		public_suffix: valueCheck('public_suffix'),
		unsupported_type: valueCheck('unsupported_type'),
		no_verdict: ({ item }) => (item.verdict === null && skipNoVerdict ? (REASON_TEXT.no_verdict as string) : null),
		below_threshold: ({ item, rank }) =>
			item.verdict !== null && rank < minRank ? `Verdict ${quote(item.verdict)} is below the minimum verdict ${quote(minVerdict)} for blocking.` : null,
	};
	const orderedChecks = REASON_PRECEDENCE.filter((code): code is keyof typeof checks => code in checks).map(
		(code) => [code, checks[code]] as const,
	);

	const result: FilterResult = { block: [], skipped: [] };
	for (const merged of mergedInOrder) {
		if (merged.classifications.length > 1) merged.item.classifications = merged.classifications;
		let skipped: SkippedIoc | null = null;
		for (const [code, check] of orderedChecks) {
			const text = check(merged);
			if (text !== null) {
				skipped = holdBack(merged.item, code, text);
				break;
			}
		}
		if (skipped) result.skipped.push(skipped);
		else result.block.push(merged.item);
	}
	return result;
}

