// Search over an index: Lucene subset, sort with a stable tie-breaker, fl projection (§4.3) and
// point-in-time deep paging (§4.4).
import { compileLucene, glob, isDateField, LuceneError } from './lucene.ts';
import type { Matcher } from './lucene.ts';

export type Rec = Record<string, unknown>;

export class SearchError extends Error {}

export interface SearchSource<T extends { seq: number }> {
	name: string;
	items: T[];
	load(item: T): Rec;
	/** Sort value without materialising the document (e.g. reporting_ts of a compact alert). */
	fastKey?(item: T, field: string): number | undefined;
	idOf(doc: Rec): string;
	defaultSort: string;
	stored: string[];
}

export interface SearchParams {
	query: string;
	filters: string[];
	offset: number;
	rows: number;
	sort?: string;
	fl?: string;
	deep_paging_id?: string;
	track_total_hits?: unknown;
}

type Key = (string | number | null)[];
interface Hit<T> {
	item: T;
	key: Key;
}

interface Pit<T> {
	id: string;
	index: string;
	items: T[];
	expires: number;
	results: Map<string, Hit<T>[]>;
}

export const MAX_RESULT_WINDOW = 10000;

export function parseSort(sort: string): { field: string; desc: boolean }[] {
	const out: { field: string; desc: boolean }[] = [];
	for (const part of sort.split(',')) {
		const p = part.trim();
		if (!p) continue;
		const m = /^(\S+)(?:\s+(asc|desc))?$/i.exec(p);
		if (!m) throw new SearchError(`SearchException: Invalid sort parameter [${sort}]`);
		out.push({ field: m[1], desc: (m[2] ?? 'asc').toLowerCase() === 'desc' });
	}
	return out;
}

function leafSortValue(doc: Rec, field: string, desc: boolean): string | number | null {
	let v: unknown = doc;
	for (const s of field.split('.')) {
		if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
		v = (v as Rec)[s];
	}
	if (Array.isArray(v)) {
		// ES: min for asc, max for desc
		const vals = v.filter((x) => typeof x === 'string' || typeof x === 'number') as (string | number)[];
		if (!vals.length) return null;
		v = vals.reduce((a, b) => ((desc ? b > a : b < a) ? b : a));
	}
	if (v === null || v === undefined) return null;
	if (typeof v === 'boolean') return v ? 1 : 0;
	if (typeof v === 'string' && isDateField(field)) {
		const ms = Date.parse(v);
		return Number.isNaN(ms) ? null : ms;
	}
	return typeof v === 'number' || typeof v === 'string' ? v : null;
}

function makeComparator(spec: { field: string; desc: boolean }[]): (a: Key, b: Key) => number {
	return (a, b) => {
		for (let i = 0; i < spec.length; i++) {
			const x = a[i];
			const y = b[i];
			if (x === y) continue;
			if (x === null) return 1; // missing values last in both directions, like ES
			if (y === null) return -1;
			const c = x < y ? -1 : 1;
			return spec[i].desc ? -c : c;
		}
		// tie-breaker: _shard_doc desc
		return (b[spec.length] as number) - (a[spec.length] as number);
	};
}

export class SearchEngine {
	pits = new Map<string, Pit<{ seq: number }>>();
	private cache = new Map<string, Hit<{ seq: number }>[]>();
	private pitCounter = 0;
	keepAliveMs: number;
	now: () => number;
	constructor(keepAliveMs: number, now: () => number) {
		this.keepAliveMs = keepAliveMs;
		this.now = now;
	}

	clear(): void {
		this.pits.clear();
		this.cache.clear();
	}

	expirePit(deepPagingId: string): boolean {
		return this.pits.delete(deepPagingId.split(',')[0]);
	}

	private compile(q: string, now: number): Matcher {
		try {
			return compileLucene(q, now);
		} catch (e) {
			if (e instanceof LuceneError) throw new SearchError(`SearchException: Failed to parse query [${q}]`);
			throw e;
		}
	}

	private run<T extends { seq: number }>(src: SearchSource<T>, items: T[], p: SearchParams, sortSpec: { field: string; desc: boolean }[]): Hit<T>[] {
		const now = this.now();
		const matchers = [p.query, ...p.filters].filter((q) => q.trim() !== '*' && q.trim() !== '*:*').map((q) => this.compile(q, now));
		const hits: Hit<T>[] = [];
		const needDoc = matchers.length > 0 || (items.length > 0 && sortSpec.some((s) => src.fastKey?.(items[0], s.field) === undefined));
		for (const item of items) {
			let doc: Rec | null = null;
			if (needDoc) {
				doc = src.load(item);
				let ok = true;
				for (const m of matchers) if (!m(doc)) { ok = false; break; }
				if (!ok) continue;
			}
			const key: Key = sortSpec.map((s) => {
				const f = src.fastKey?.(item, s.field);
				return f !== undefined ? f : leafSortValue(doc ?? src.load(item), s.field, s.desc);
			});
			key.push(item.seq);
			hits.push({ item, key });
		}
		const comparator = makeComparator(sortSpec);
		hits.sort((a, b) => comparator(a.key, b.key));
		return hits;
	}

	/** Runs a search; throws SearchError (HTTP 400). */
	search<T extends { seq: number }>(src: SearchSource<T>, p: SearchParams, version: number): Rec {
		if (p.offset < 0 || p.rows < 0) throw new SearchError('SearchException: [from] parameter cannot be negative');
		if (p.offset + p.rows > MAX_RESULT_WINDOW) {
			throw new SearchError(
				`SearchException: Result window is too large, from + size must be less than or equal to: [${MAX_RESULT_WINDOW}] but was [${p.offset + p.rows}]. ` +
					'See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.',
			);
		}
		const sortStr = p.sort ?? src.defaultSort;
		const sortSpec = parseSort(sortStr);
		const qkey = `${p.query}\u0001${p.filters.join('\u0002')}\u0001${sortStr}`;
		const usesNow = /now/.test(qkey);
		if (p.deep_paging_id !== undefined && p.deep_paging_id !== '') {
			let pit: Pit<T>;
			let start = 0;
			this.sweep();
			if (p.deep_paging_id === '*') {
				const id = Buffer.from(`fake-pit:${src.name}:${++this.pitCounter}:${this.now()}`).toString('base64');
				pit = { id, index: src.name, items: src.items.slice(), expires: 0, results: new Map() };
				this.pits.set(id, pit as unknown as Pit<{ seq: number }>);
			} else {
				const comma = p.deep_paging_id.indexOf(',');
				const pitId = comma >= 0 ? p.deep_paging_id.slice(0, comma) : p.deep_paging_id;
				const found = this.pits.get(pitId) as unknown as Pit<T> | undefined;
				if (!found || found.index !== src.name) {
					throw new SearchError(`SearchException: [search_context_missing_exception] No search context found for id [${pitId.slice(0, 32)}]`);
				}
				pit = found;
				let after: Key;
				try {
					after = JSON.parse(Buffer.from(p.deep_paging_id.slice(comma + 1), 'base64').toString('utf8'));
					if (!Array.isArray(after) || after.length !== sortSpec.length + 1) throw new Error('shape');
				} catch {
					throw new SearchError(`SearchException: [illegal_argument_exception] Failed to parse search_after value for deep_paging_id [${p.deep_paging_id}]`);
				}
				const hits = this.pitHits(src, pit, p, sortSpec, qkey);
				const comparator = makeComparator(sortSpec);
				let lo = 0;
				let hi = hits.length;
				while (lo < hi) {
					const mid = (lo + hi) >> 1;
					if (comparator(hits[mid].key, after) <= 0) lo = mid + 1;
					else hi = mid;
				}
				start = lo;
			}
			pit.expires = this.now() + this.keepAliveMs;
			const hits = this.pitHits(src, pit, p, sortSpec, qkey);
			const page = hits.slice(start, start + p.rows);
			const out: Rec = { offset: 0, rows: p.rows, total: null, items: page.map((h) => project(src, src.load(h.item), p.fl)) };
			if (page.length === p.rows && p.rows > 0) {
				const last = page[page.length - 1].key;
				out.next_deep_paging_id = `${pit.id},${Buffer.from('[' + last.map((v) => JSON.stringify(v)).join(', ') + ']').toString('base64')}`;
			} else {
				this.pits.delete(pit.id);
			}
			return out;
		}
		const ckey = `${src.name}\u0001${version}\u0001${qkey}`;
		let hits = usesNow ? undefined : (this.cache.get(ckey) as Hit<T>[] | undefined);
		if (!hits) {
			hits = this.run(src, src.items, p, sortSpec);
			if (!usesNow) {
				if (this.cache.size >= 8) this.cache.delete(this.cache.keys().next().value as string);
				this.cache.set(ckey, hits as unknown as Hit<{ seq: number }>[]);
			}
		}
		const page = hits.slice(p.offset, p.offset + p.rows);
		return { offset: p.offset, rows: p.rows, total: totalOf(hits.length, p.track_total_hits), items: page.map((h) => project(src, src.load(h.item), p.fl)) };
	}

	private pitHits<T extends { seq: number }>(src: SearchSource<T>, pit: Pit<T>, p: SearchParams, sortSpec: { field: string; desc: boolean }[], qkey: string): Hit<T>[] {
		let hits = pit.results.get(qkey);
		if (!hits) {
			hits = this.run(src, pit.items, p, sortSpec);
			pit.results.set(qkey, hits);
		}
		return hits;
	}

	private sweep(): void {
		const now = this.now();
		for (const [id, pit] of this.pits) if (pit.expires && pit.expires < now) this.pits.delete(id);
	}
}

function totalOf(n: number, tth: unknown): number {
	if (tth === true || tth === 'true') return n;
	const lim = typeof tth === 'number' ? tth : typeof tth === 'string' && /^\d+$/.test(tth) ? Number(tth) : MAX_RESULT_WINDOW;
	return Math.min(n, lim);
}

/** §4.3: no fl → stored fields + id; "*" → whole source; otherwise only the named paths; id only if named. */
export function project<T extends { seq: number }>(src: SearchSource<T>, doc: Rec, fl: string | undefined): Rec {
	if (fl === undefined || fl === null || fl.trim() === '') {
		const out = pick(doc, '', src.stored);
		out.id = src.idOf(doc);
		return out;
	}
	const pats = fl.split(',').map((s) => s.trim()).filter(Boolean);
	const out = pats.includes('*') ? structuredClone(doc) : pick(doc, '', pats);
	// _format_output adds the document id only when the exact token "id" is named (no trimming).
	if (fl.split(',').includes('id')) out.id = src.idOf(doc);
	return out;
}

function pick(obj: Rec, prefix: string, pats: string[]): Rec {
	const out: Rec = {};
	for (const [k, v] of Object.entries(obj)) {
		const path = prefix ? `${prefix}.${k}` : k;
		if (pats.some((p) => glob(p, path))) {
			out[k] = structuredClone(v);
			continue;
		}
		if (!pats.some((p) => p.includes('*') || p.startsWith(path + '.'))) continue;
		if (v && typeof v === 'object' && !Array.isArray(v)) {
			const sub = pick(v as Rec, path, pats);
			if (Object.keys(sub).length) out[k] = sub;
		} else if (Array.isArray(v) && v.some((x) => x && typeof x === 'object')) {
			const arr = v.filter((x) => x && typeof x === 'object').map((x) => pick(x as Rec, path, pats)).filter((x) => Object.keys(x).length);
			if (arr.length) out[k] = arr;
		}
	}
	return out;
}
