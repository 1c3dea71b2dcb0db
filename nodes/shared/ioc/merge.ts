import type { Allowlist } from './allowlist';
import { checkBlockable, type Blockable, type ValueReason } from './blockable';
import type { IocItem, IocOccurrence, IocSource } from './types';
import { normaliseVerdict, verdictRank } from './verdict';

/** Distinct raw values listed per merged IoC; enough for real spellings, bounded for hostile input. */
export const ORIGINALS_CAP = 20;

const NONE = -1;
/** Below every verdict rank (none is -1): the first occurrence always sets the verdict. */
const UNSET_RANK = -2;

function grown<T extends Int32Array | Float64Array | Int8Array | Uint8Array>(
	array: T,
	size: number,
	fill: number,
): T {
	const next = new (array.constructor as new (n: number) => T)(size);
	next.set(array);
	if (fill !== 0) next.fill(fill, array.length);
	return next;
}

/** A source as items list it: only the ids it has. */
const sourceObject = (alertId: string | undefined, sid: string | undefined): IocSource =>
	alertId === undefined
		? { sid }
		: sid === undefined
			? { alert_id: alertId }
			: { alert_id: alertId, sid };

const isInvalid = (check: Blockable) => !check.ok && check.reason === 'invalid';

/** Why checkBlockable held a value back. */
export interface HeldBack {
	reason: ValueReason;
	text: string;
}

/** Strings seen on the hot path (verdicts, tag types, classifications, sources) as small ids. */
class Interned {
	readonly ids = new Map<string, number>();
	readonly texts: string[] = [];
	id(text: string): number {
		let id = this.ids.get(text);
		if (id === undefined) {
			id = this.texts.length;
			this.ids.set(text, id);
			this.texts.push(text);
		}
		return id;
	}
}

/**
 * The one merge of IoC occurrences by (type, normalised value), used by decideIocs and by the
 * alert search's IoC output (fold.ts). Columnar: each distinct raw value is checked once
 * (checkBlockable) and mapped to an integer id, the state of each merged IoC lives in typed
 * arrays indexed by its id, and strings on the hot path (verdicts, tag types, sources) are
 * interned, so an occurrence costs one map lookup and a few array writes. The IoC items, with
 * their `sources` and `itemIndexes` arrays, are built only when asked for (`forEach`).
 *
 * Merging: the highest verdict wins (with its classification; when they differ, all are listed in
 * `classifications`); `safelisted` if any occurrence was; sources, tag types and item indexes are
 * unions (item indexes drop consecutive repeats only); `original` is the first raw value seen, and
 * `originals` lists every distinct one when they differ (capped).
 */
export class IocMerger {
	private readonly allowlist: Allowlist | undefined;

	// --- distinct raw values ("parsed"): id → check, original text, merged IoC
	private readonly parsedByType = new Map<unknown, Map<string, number>>();
	private lastTypeWord: unknown = {};
	private lastByValue = new Map<string, number>();
	// What the check said, kept small: the normalised type and value of every distinct raw value,
	// and the full outcome (reason and text, without the parsed host) only for those held back.
	private readonly types: string[] = [];
	private readonly values: string[] = [];
	private readonly held: Array<HeldBack | undefined> = [];
	private readonly rawOriginals: string[] = [];
	private parsedMerged = new Int32Array(16384);

	// --- merged IoCs: (type key, normalised value) → id, and per-id state
	private readonly mergedByType = new Map<string, Map<string, number>>();
	private count = 0;
	private capacity = 0;
	private firstParsed = new Int32Array(0);
	private occurrences = new Float64Array(0);
	private rank = new Int8Array(0);
	private verdict = new Int32Array(0);
	private classification = new Int32Array(0);
	private firstClassification = new Int32Array(0);
	private safelisted = new Uint8Array(0);
	private tagType = new Int32Array(0);
	private secondTagType = new Int32Array(0);
	private lastSource = new Int32Array(0);
	private maxSource = new Int32Array(0);
	/** With maxSources: the distinct sources of each IoC, kept in its list or not. */
	private sourceCount = new Float64Array(0);
	private sourceHead = new Int32Array(0);
	private sourceTail = new Int32Array(0);
	private indexHead = new Int32Array(0);
	private indexTail = new Int32Array(0);
	private lastIndex = new Float64Array(0);
	// Rare per-IoC state, kept only for the IoCs that have it.
	private readonly moreTagTypes = new Map<number, number[]>();
	private readonly classificationLists = new Map<number, number[]>();
	private readonly originalLists = new Map<number, { list: string[]; more: number }>();
	private readonly sourceSets = new Map<number, Set<number>>();

	// --- linked lists of sources and item indexes: one pool, entries chained per IoC
	private poolNext = new Int32Array(65536);
	private poolValue = new Float64Array(65536);
	private poolSize = 0;

	// --- interned strings
	private readonly verdicts = new Interned();
	private readonly verdictRanks: number[] = [];
	private readonly verdictByRaw = new Map<string, number>();
	private readonly tagTypes = new Interned();
	private readonly classifications = new Interned();
	private readonly sourceKeys = new Map<string, number>();
	private readonly sourceAlert: Array<string | undefined> = [];
	private readonly sourceSid: Array<string | undefined> = [];
	private lastSourceObject: unknown = undefined;
	private lastSourceId = NONE;

	// --- with maxSources: no source table, only the source of the last sourceOf and those kept
	private readonly maxSources: number;
	private sourcesGiven = 0;
	private pendingId = NONE;
	private pendingAlert: string | undefined = undefined;
	private pendingSid: string | undefined = undefined;
	private readonly keptSources = new Map<number, IocSource>();

	/**
	 * `maxSources`: list at most this many sources per IoC (its first ones) and count the rest
	 * (`sourceCount`), so that memory grows with the distinct IoCs, not with the sources: no table
	 * of every source is kept, and each sourceOf call that names a different source than the call
	 * before gives a new source. Exact when every source's occurrences come together (AlertIocFold:
	 * one alert at a time, each alert once), which is the only use. Without it, every distinct
	 * source is listed.
	 */
	constructor(allowlist?: Allowlist, options: { maxSources?: number } = {}) {
		this.allowlist = allowlist;
		this.maxSources = options.maxSources ?? Infinity;
	}

	/** Distinct merged IoCs so far. */
	get size(): number {
		return this.count;
	}

	add(occurrence: IocOccurrence): void {
		const m = this.mergedOf(occurrence.value, occurrence.type ?? occurrence.tag_type);
		const times = occurrence.count;
		this.occurrences[m] +=
			times === undefined
				? 1
				: typeof times === 'number' && Number.isInteger(times) && times > 0
					? times
					: 1;

		const classificationText = occurrence.classification;
		const classification =
			typeof classificationText === 'string' && classificationText !== ''
				? this.classifications.id(classificationText)
				: NONE;
		this.raiseVerdict(m, this.verdictId(occurrence.verdict), classification);
		// A merged IoC read back lists its classifications in first-seen order: those first.
		const more = occurrence.classifications;
		if (Array.isArray(more)) {
			for (const text of more)
				if (typeof text === 'string' && text !== '')
					this.addClassification(m, this.classifications.id(text));
		}
		if (classification !== NONE) this.addClassification(m, classification);
		if (occurrence.safelisted === true) this.safelisted[m] = 1;

		this.addTagType(m, occurrence.tag_type);
		const tagTypes = occurrence.tag_types;
		if (Array.isArray(tagTypes)) for (const tagType of tagTypes) this.addTagType(m, tagType);

		const source = occurrence.source;
		if (source) {
			if (source !== this.lastSourceObject) {
				this.lastSourceObject = source;
				this.lastSourceId = this.sourceId(source);
			}
			this.addSource(m, this.lastSourceId);
		}
		const sources = occurrence.sources;
		if (Array.isArray(sources)) {
			for (const one of sources)
				if (one && typeof one === 'object') this.addSource(m, this.sourceId(one));
			// With maxSources, the id of `source` above is no longer the pending one.
			this.lastSourceObject = undefined;
		}

		this.addIndex(m, occurrence.itemIndex);
	}

	/**
	 * What add() does with an occurrence that has only a value, type word, tag type, verdict,
	 * source and item index (every sighting read from an alert), without the occurrence object:
	 * `addItem` reads alerts straight into here. `source` is a sourceOf() id.
	 */
	addSighting(
		value: unknown,
		typeWord: unknown,
		tagType: unknown,
		verdict: unknown,
		source: number,
		itemIndex: number | undefined,
	): void {
		const m = this.mergedOf(value, typeWord);
		this.occurrences[m] += 1;
		this.raiseVerdict(m, this.verdictId(verdict), NONE);
		this.addTagType(m, tagType);
		this.addSource(m, source);
		this.addIndex(m, itemIndex);
	}

	/** The id addSighting takes for a source (alert_id, sid); NONE when it names neither. */
	sourceOf(alertId: string | undefined, sid: string | undefined): number {
		if (alertId === undefined && sid === undefined) return NONE;
		if (this.maxSources !== Infinity) {
			if (this.pendingId === NONE || alertId !== this.pendingAlert || sid !== this.pendingSid) {
				this.pendingId = this.sourcesGiven++;
				this.pendingAlert = alertId;
				this.pendingSid = sid;
			}
			return this.pendingId;
		}
		const key = `${alertId ?? ''}\u0000${sid ?? ''}`;
		let id = this.sourceKeys.get(key);
		if (id === undefined) {
			id = this.sourceAlert.length;
			this.sourceKeys.set(key, id);
			this.sourceAlert.push(alertId);
			this.sourceSid.push(sid);
		}
		return id;
	}

	/**
	 * Builds each merged IoC's item, first-seen order, with why checkBlockable held its first raw
	 * value back (undefined when it did not), the rank of its verdict, and how many distinct sources
	 * it has (more than `item.sources` lists only with maxSources).
	 */
	forEach(
		visit: (item: IocItem, held: HeldBack | undefined, rank: number, sourceCount: number) => void,
	): void {
		for (let m = 0; m < this.count; m++) {
			const parsed = this.firstParsed[m];

			const verdictId = this.verdict[m];
			const firstTag = this.tagType[m];
			const tagTypes = firstTag === NONE ? [] : [this.tagTypes.texts[firstTag]];
			if (this.secondTagType[m] !== NONE) tagTypes.push(this.tagTypes.texts[this.secondTagType[m]]);
			const moreTags = this.moreTagTypes.get(m);
			if (moreTags) for (const tag of moreTags) tagTypes.push(this.tagTypes.texts[tag]);
			const item: IocItem = {
				type: this.types[parsed],
				value: this.values[parsed],
				original: this.rawOriginals[parsed],
				verdict: verdictId === NONE ? null : this.verdicts.texts[verdictId],
				tag_type: firstTag === NONE ? null : this.tagTypes.texts[firstTag],
				tag_types: tagTypes,
				safelisted: this.safelisted[m] === 1,
				sources: this.sourcesOf(m),
				occurrences: this.occurrences[m],
			};
			if (this.classification[m] !== NONE)
				item.classification = this.classifications.texts[this.classification[m]];
			if (this.indexHead[m] !== NONE) item.itemIndexes = this.listOf(this.indexHead[m]);
			const originals = this.originalLists.get(m);
			if (originals) {
				item.originals = originals.list;
				if (originals.more > 0) item.originals_more = originals.more;
			}
			const classifications = this.classificationLists.get(m);
			if (classifications)
				item.classifications = classifications.map((id) => this.classifications.texts[id]);
			const sourceCount = this.maxSources === Infinity ? item.sources.length : this.sourceCount[m];
			visit(item, this.held[parsed], this.rank[m], sourceCount);
		}
	}

	/** Every merged IoC's item, first-seen order. */
	items(): IocItem[] {
		const out: IocItem[] = [];
		this.forEach((item) => out.push(item));
		return out;
	}

	// --- internals ---------------------------------------------------------------------------------

	/** The merged IoC of a raw value under a type word: one map lookup when the value was seen. */
	private mergedOf(value: unknown, typeWord: unknown): number {
		let parsed: number;
		if (typeof value === 'string') {
			if (typeWord !== this.lastTypeWord) {
				let byValue = this.parsedByType.get(typeWord);
				if (!byValue) this.parsedByType.set(typeWord, (byValue = new Map()));
				this.lastTypeWord = typeWord;
				this.lastByValue = byValue;
			}
			const known = this.lastByValue.get(value);
			if (known === undefined) {
				parsed = this.parse(value, typeWord);
				this.lastByValue.set(value, parsed);
			} else parsed = known;
		} else {
			parsed = this.parse(value, typeWord);
		}
		return this.parsedMerged[parsed];
	}

	/** The highest verdict wins, with its classification. */
	private raiseVerdict(m: number, verdictId: number, classification: number): void {
		const rank = verdictId === NONE ? -1 : this.verdictRanks[verdictId];
		if (rank > this.rank[m]) {
			this.rank[m] = rank;
			this.verdict[m] = verdictId;
			if (classification !== NONE) this.classification[m] = classification;
		}
	}

	/** Item indexes drop consecutive repeats only. */
	private addIndex(m: number, index: unknown): void {
		if (typeof index === 'number' && (this.indexHead[m] === NONE || this.lastIndex[m] !== index)) {
			this.lastIndex[m] = index;
			this.append(this.indexHead, this.indexTail, m, index);
		}
	}

	/** A new distinct raw value: checked once, mapped to its merged IoC (created when new). */
	private parse(value: unknown, typeWord: unknown): number {
		const check = checkBlockable(typeWord, value, this.allowlist);
		const original = typeof value === 'string' ? value : check.value;
		const id = this.values.length;
		this.types.push(check.type);
		this.values.push(check.value);
		this.held.push(check.ok ? undefined : { reason: check.reason, text: check.text });
		this.rawOriginals.push(original);
		if (id >= this.parsedMerged.length) this.parsedMerged = grown(this.parsedMerged, id * 2, 0);
		const invalid = isInvalid(check);
		const typeKey = invalid ? `!${check.type}` : check.type;
		let m = this.ownForm(check, invalid);
		if (m === undefined) {
			let byValue = this.mergedByType.get(typeKey);
			if (!byValue) this.mergedByType.set(typeKey, (byValue = new Map()));
			m = byValue.get(check.value);
			if (m === undefined) {
				m = this.newMerged(id);
				// A value that is its own normal form under its own type word is found again through
				// the parse cache (ownForm); only the others need the merged map.
				if (typeWord !== check.type || value !== check.value) byValue.set(check.value, m);
			}
		}
		// Runs once per distinct raw value of this IoC (the parse cache keys on it).
		if (this.firstParsed[m] !== id && original !== this.rawOriginals[this.firstParsed[m]])
			this.addOriginal(m, original);
		this.parsedMerged[id] = m;
		return id;
	}

	/** The merged IoC of (type, value) when that value was itself parsed under its type word. */
	private ownForm(check: Blockable, invalid: boolean): number | undefined {
		const parsed = this.parsedByType.get(check.type)?.get(check.value);
		if (parsed === undefined) return undefined;
		const same =
			this.types[parsed] === check.type &&
			this.values[parsed] === check.value &&
			(this.held[parsed]?.reason === 'invalid') === invalid;
		return same ? this.parsedMerged[parsed] : undefined;
	}

	private newMerged(parsed: number): number {
		const m = this.count++;
		if (m >= this.capacity) this.grow(Math.max(16384, this.capacity * 2));
		this.firstParsed[m] = parsed;
		return m;
	}

	private grow(size: number): void {
		this.capacity = size;
		this.firstParsed = grown(this.firstParsed, size, 0);
		this.occurrences = grown(this.occurrences, size, 0);
		this.rank = grown(this.rank, size, UNSET_RANK);
		this.verdict = grown(this.verdict, size, NONE);
		this.classification = grown(this.classification, size, NONE);
		this.firstClassification = grown(this.firstClassification, size, NONE);
		this.safelisted = grown(this.safelisted, size, 0);
		this.tagType = grown(this.tagType, size, NONE);
		this.secondTagType = grown(this.secondTagType, size, NONE);
		this.lastSource = grown(this.lastSource, size, NONE);
		this.maxSource = grown(this.maxSource, size, NONE);
		this.sourceCount = grown(this.sourceCount, size, 0);
		this.sourceHead = grown(this.sourceHead, size, NONE);
		this.sourceTail = grown(this.sourceTail, size, NONE);
		this.indexHead = grown(this.indexHead, size, NONE);
		this.indexTail = grown(this.indexTail, size, NONE);
		this.lastIndex = grown(this.lastIndex, size, 0);
	}

	private verdictId(raw: unknown): number {
		if (raw === undefined || raw === null || raw === '') return NONE;
		if (typeof raw === 'string') {
			const known = this.verdictByRaw.get(raw);
			if (known !== undefined) return known;
		}
		const text = normaliseVerdict(raw) as string;
		const id = this.verdicts.id(text);
		if (id === this.verdictRanks.length) this.verdictRanks.push(verdictRank(text));
		if (typeof raw === 'string') this.verdictByRaw.set(raw, id);
		return id;
	}

	private addClassification(m: number, id: number): void {
		const first = this.firstClassification[m];
		if (first === NONE) {
			this.firstClassification[m] = id;
			return;
		}
		if (first === id) return;
		const list = this.classificationLists.get(m);
		if (!list) this.classificationLists.set(m, [first, id]);
		else if (!list.includes(id)) list.push(id);
	}

	private addTagType(m: number, tagType: unknown): void {
		if (typeof tagType !== 'string' || tagType === '') return;
		const id = this.tagTypes.id(tagType);
		const first = this.tagType[m];
		if (first === NONE) this.tagType[m] = id;
		else if (first !== id) {
			// The second (a value seen both statically and dynamically) in an array, the rest in a map.
			const second = this.secondTagType[m];
			if (second === NONE) {
				this.secondTagType[m] = id;
				return;
			}
			if (second === id) return;
			const more = this.moreTagTypes.get(m);
			if (!more) this.moreTagTypes.set(m, [id]);
			else if (!more.includes(id)) more.push(id);
		}
	}

	private addOriginal(m: number, original: string): void {
		let entry = this.originalLists.get(m);
		if (!entry)
			this.originalLists.set(
				m,
				(entry = { list: [this.rawOriginals[this.firstParsed[m]]], more: 0 }),
			);
		if (entry.list.includes(original)) return;
		if (entry.list.length < ORIGINALS_CAP) entry.list.push(original);
		else entry.more++;
	}

	/** A source object's id (sourceOf). */
	private sourceId(source: IocSource): number {
		return this.sourceOf(
			typeof source.alert_id === 'string' ? source.alert_id : undefined,
			typeof source.sid === 'string' ? source.sid : undefined,
		);
	}

	/** Source ids are given in first-seen order, so one above the IoC's highest is new to it; only
	 * a source seen again after others (duplicate alerts) needs the IoC's set, built on first need. */
	private addSource(m: number, id: number): void {
		if (id === NONE || id === this.lastSource[m]) return;
		this.lastSource[m] = id;
		if (this.maxSources !== Infinity) {
			// Ids only grow here (sourceOf), so a different one is a new source.
			if (this.sourceCount[m]++ >= this.maxSources) return;
			if (!this.keptSources.has(id)) {
				this.keptSources.set(id, sourceObject(this.pendingAlert, this.pendingSid));
			}
			this.append(this.sourceHead, this.sourceTail, m, id);
			return;
		}
		let set = this.sourceSets.get(m);
		if (id > this.maxSource[m]) {
			this.maxSource[m] = id;
			set?.add(id);
		} else {
			if (!set) {
				set = new Set();
				for (let at = this.sourceHead[m]; at !== NONE; at = this.poolNext[at])
					set.add(this.poolValue[at]);
				this.sourceSets.set(m, set);
			}
			if (set.has(id)) return;
			set.add(id);
		}
		this.append(this.sourceHead, this.sourceTail, m, id);
	}

	private append(heads: Int32Array, tails: Int32Array, m: number, value: number): void {
		const at = this.poolSize++;
		if (at >= this.poolNext.length) {
			this.poolNext = grown(this.poolNext, at * 2, 0);
			this.poolValue = grown(this.poolValue, at * 2, 0);
		}
		this.poolNext[at] = NONE;
		this.poolValue[at] = value;
		if (heads[m] === NONE) heads[m] = at;
		else this.poolNext[tails[m]] = at;
		tails[m] = at;
	}

	private listOf(head: number): number[] {
		const out: number[] = [];
		for (let at = head; at !== NONE; at = this.poolNext[at]) out.push(this.poolValue[at]);
		return out;
	}

	private sourcesOf(m: number): IocSource[] {
		const out: IocSource[] = [];
		for (let at = this.sourceHead[m]; at !== NONE; at = this.poolNext[at]) {
			const id = this.poolValue[at];
			const kept = this.keptSources.get(id);
			if (kept) {
				out.push({ ...kept });
				continue;
			}
			out.push(sourceObject(this.sourceAlert[id], this.sourceSid[id]));
		}
		return out;
	}
}
