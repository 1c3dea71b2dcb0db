// A small Lucene query_string subset evaluated over plain JSON documents. Tokenizer and parser are
// single-pass and the evaluator visits each document once per clause, so cost stays linear in the
// query length times the document size. Precedence: NOT > AND > OR (implicit = OR); see README.md.

export class LuceneError extends Error {}

type Tok =
	| { t: 'lp' | 'rp' | 'and' | 'or' | 'not' | 'plus' | 'minus' | 'colon' | 'eof' }
	| { t: 'term'; v: string; wild: boolean; raw: string }
	| { t: 'phrase'; v: string }
	| { t: 'range'; lo: string; hi: string; incLo: boolean; incHi: boolean };

export type Node =
	| { k: 'all' }
	| { k: 'bool'; must: Node[]; should: Node[]; not: Node[] }
	| { k: 'term'; field: string | null; value: string; wild: boolean }
	| { k: 'exists'; field: string }
	| { k: 'range'; field: string | null; lo: string; hi: string; incLo: boolean; incHi: boolean };

const STOP = new Set([' ', '\t', '\n', '\r', '(', ')', '[', ']', '{', '}', '"', ':', '^', '~', '/', '!']);

function tokenize(q: string): Tok[] {
	const out: Tok[] = [];
	let i = 0;
	const n = q.length;
	while (i < n) {
		const c = q[i];
		if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { i++; continue; }
		if (c === '(') { out.push({ t: 'lp' }); i++; continue; }
		if (c === ')') { out.push({ t: 'rp' }); i++; continue; }
		if (c === ':') { out.push({ t: 'colon' }); i++; continue; }
		if (c === '&' && q[i + 1] === '&') { out.push({ t: 'and' }); i += 2; continue; }
		if (c === '|' && q[i + 1] === '|') { out.push({ t: 'or' }); i += 2; continue; }
		if (c === '!') { out.push({ t: 'not' }); i++; continue; }
		if (c === '+') { out.push({ t: 'plus' }); i++; continue; }
		if (c === '-') { out.push({ t: 'minus' }); i++; continue; }
		if (c === '^') {
			// boost: accepted and ignored
			i++;
			const s = i;
			while (i < n && /[0-9.]/.test(q[i])) i++;
			if (i === s) throw new LuceneError('bad boost');
			continue;
		}
		if (c === '~' || c === '/' || c === ']' || c === '}') throw new LuceneError(`unsupported syntax '${c}'`);
		if (c === '"') {
			const r = readQuoted(q, i);
			out.push({ t: 'phrase', v: r.v });
			i = r.end;
			continue;
		}
		if (c === '[' || c === '{') {
			const incLo = c === '[';
			i++;
			const parts: string[] = [];
			let incHi = true;
			let closed = false;
			while (i < n) {
				while (i < n && q[i] === ' ') i++;
				if (i >= n) break;
				if (q[i] === ']' || q[i] === '}') { incHi = q[i] === ']'; i++; closed = true; break; }
				if (q[i] === '"') { const r = readQuoted(q, i); parts.push(r.v); i = r.end; continue; }
				let s = '';
				while (i < n && q[i] !== ' ' && q[i] !== ']' && q[i] !== '}') {
					if (q[i] === '\\' && i + 1 < n) { s += q[i + 1]; i += 2; } else s += q[i++];
				}
				parts.push(s);
			}
			if (!closed || parts.length !== 3 || parts[1] !== 'TO') throw new LuceneError('bad range');
			out.push({ t: 'range', lo: parts[0], hi: parts[2], incLo, incHi });
			continue;
		}
		// a term
		let v = '';
		let raw = '';
		let wild = false;
		while (i < n) {
			const d = q[i];
			if (d === '\\') {
				if (i + 1 >= n) throw new LuceneError('dangling escape');
				v += q[i + 1];
				raw += q[i] + q[i + 1];
				i += 2;
				continue;
			}
			if (STOP.has(d)) break;
			if (d === '*' || d === '?') wild = true;
			v += d;
			raw += d;
			i++;
		}
		if (raw === 'AND') out.push({ t: 'and' });
		else if (raw === 'OR') out.push({ t: 'or' });
		else if (raw === 'NOT') out.push({ t: 'not' });
		else out.push({ t: 'term', v, wild, raw });
	}
	out.push({ t: 'eof' });
	return out;
}

function readQuoted(q: string, start: number): { v: string; end: number } {
	let i = start + 1;
	let v = '';
	while (i < q.length && q[i] !== '"') {
		if (q[i] === '\\' && i + 1 < q.length) { v += q[i + 1]; i += 2; } else v += q[i++];
	}
	if (i >= q.length) throw new LuceneError('unterminated phrase');
	return { v, end: i + 1 };
}

type Mod = 'must' | 'not' | null;

class Parser {
	toks: Tok[];
	p = 0;
	depth = 0;
	constructor(toks: Tok[]) {
		this.toks = toks;
	}
	peek(): Tok {
		return this.toks[this.p];
	}
	next(): Tok {
		return this.toks[this.p++];
	}
	parseOr(field: string | null): Node {
		const items: { node: Node; mod: Mod }[] = [this.parseAnd(field)];
		for (;;) {
			const t = this.peek().t;
			if (t === 'eof' || t === 'rp') break;
			if (t === 'or') this.next();
			items.push(this.parseAnd(field));
		}
		if (items.length === 1 && items[0].mod === null) return items[0].node;
		return toBool(items, 'should');
	}
	parseAnd(field: string | null): { node: Node; mod: Mod } {
		const first = this.parseUnary(field);
		if (this.peek().t !== 'and') return first;
		const items = [first];
		while (this.peek().t === 'and') {
			this.next();
			items.push(this.parseUnary(field));
		}
		return { node: toBool(items, 'must'), mod: null };
	}
	parseUnary(field: string | null): { node: Node; mod: Mod } {
		const t = this.peek().t;
		if (t === 'not' || t === 'minus') {
			this.next();
			const r = this.parseUnary(field);
			return { node: r.mod === 'not' ? { k: 'bool', must: [], should: [], not: [r.node] } : r.node, mod: 'not' };
		}
		if (t === 'plus') {
			this.next();
			const r = this.parseUnary(field);
			return { node: r.node, mod: r.mod ?? 'must' };
		}
		return { node: this.parsePrimary(field), mod: null };
	}
	parsePrimary(field: string | null): Node {
		const t = this.next();
		if (t.t === 'lp') {
			if (++this.depth > 64) throw new LuceneError('too deep');
			const n = this.parseOr(field);
			if (this.next().t !== 'rp') throw new LuceneError('missing )');
			this.depth--;
			return n;
		}
		if (t.t === 'term' && this.peek().t === 'colon') {
			this.next();
			if (t.wild && t.v !== '*') throw new LuceneError('wildcard field names are not supported');
			const f = t.v;
			const v = this.next();
			if (v.t === 'lp') {
				if (++this.depth > 64) throw new LuceneError('too deep');
				const n = this.parseOr(f);
				if (this.next().t !== 'rp') throw new LuceneError('missing )');
				this.depth--;
				return n;
			}
			return this.value(f === '*' ? null : f, v, f === '*');
		}
		return this.value(field, t, false);
	}
	value(field: string | null, v: Tok, anyField: boolean): Node {
		if (v.t === 'phrase') return { k: 'term', field, value: v.v, wild: false };
		if (v.t === 'range') return { k: 'range', field, lo: v.lo, hi: v.hi, incLo: v.incLo, incHi: v.incHi };
		if (v.t === 'term') {
			if (v.raw === '*') return field === null || anyField ? { k: 'all' } : { k: 'exists', field };
			if (field === '_exists_') return { k: 'exists', field: v.v };
			// query_string's one-sided ranges: max_score:>=500, times.completed:<now-1d
			const cmp = field !== null && !v.wild ? /^(>=|<=|>|<)(.+)$/.exec(v.v) : null;
			if (cmp) {
				const [, op, bound] = cmp;
				return op[0] === '>'
					? { k: 'range', field, lo: bound, hi: '*', incLo: op === '>=', incHi: true }
					: { k: 'range', field, lo: '*', hi: bound, incLo: true, incHi: op === '<=' };
			}
			return { k: 'term', field, value: v.v, wild: v.wild };
		}
		throw new LuceneError('unexpected token');
	}
}

function toBool(items: { node: Node; mod: Mod }[], plain: 'must' | 'should'): Node {
	const b: Node = { k: 'bool', must: [], should: [], not: [] };
	for (const it of items) {
		if (it.mod === 'not') b.not.push(it.node);
		else if (it.mod === 'must') b.must.push(it.node);
		else b[plain].push(it.node);
	}
	return b;
}

export function parseLucene(q: string): Node {
	const p = new Parser(tokenize(q));
	if (p.peek().t === 'eof') throw new LuceneError('empty query');
	const n = p.parseOr(null);
	if (p.peek().t !== 'eof') throw new LuceneError('trailing tokens');
	return n;
}

export type Matcher = (doc: unknown) => boolean;

const DATE_FIELD = /(^|\.|_)ts$|^times\.|request_end_time$|^seen\.|(^|\.)(added|updated|created|last_seen|expiry_ts|created_time)$/;
export function isDateField(f: string): boolean {
	return DATE_FIELD.test(f);
}

/** Compile a query to a predicate. `now` is epoch ms for date math. Throws LuceneError. */
export function compileLucene(q: string, now: number): Matcher {
	return compileNode(parseLucene(q), now);
}

function compileNode(n: Node, now: number): Matcher {
	switch (n.k) {
		case 'all':
			return () => true;
		case 'bool': {
			const must = n.must.map((x) => compileNode(x, now));
			const should = n.should.map((x) => compileNode(x, now));
			const not = n.not.map((x) => compileNode(x, now));
			const needShould = must.length === 0 && should.length > 0;
			return (d) => {
				for (const m of must) if (!m(d)) return false;
				for (const m of not) if (m(d)) return false;
				if (needShould) {
					for (const m of should) if (m(d)) return true;
					return false;
				}
				return true;
			};
		}
		case 'exists': {
			const segs = n.field.split('.');
			return (d) => {
				const vals: unknown[] = [];
				collect(d, segs, 0, vals);
				return vals.some((v) => v !== '' && !(typeof v === 'object' && v !== null && Object.keys(v).length === 0));
			};
		}
		case 'term': {
			const test = termTest(n.field, n.value, n.wild);
			if (n.field === null) return (d) => anyLeaf(d, test);
			const segs = n.field.split('.');
			return (d) => {
				const vals: unknown[] = [];
				collect(d, segs, 0, vals);
				for (const v of vals) if (test(v)) return true;
				return false;
			};
		}
		case 'range': {
			const test = rangeTest(n.field, n.lo, n.hi, n.incLo, n.incHi, now);
			if (n.field === null) return (d) => anyLeaf(d, test);
			const segs = n.field.split('.');
			return (d) => {
				const vals: unknown[] = [];
				collect(d, segs, 0, vals);
				for (const v of vals) if (test(v)) return true;
				return false;
			};
		}
	}
}

/** Leaf values at a dotted path, walking through arrays (ES flattens object arrays the same way). */
export function collect(v: unknown, segs: string[], i: number, out: unknown[]): void {
	if (v === null || v === undefined) return;
	if (Array.isArray(v)) {
		for (const x of v) collect(x, segs, i, out);
		return;
	}
	if (i === segs.length) {
		out.push(v);
		return;
	}
	if (typeof v !== 'object') return;
	collect((v as Record<string, unknown>)[segs[i]], segs, i + 1, out);
}

function anyLeaf(v: unknown, test: (x: unknown) => boolean): boolean {
	if (v === null || v === undefined) return false;
	if (Array.isArray(v)) {
		for (const x of v) if (anyLeaf(x, test)) return true;
		return false;
	}
	if (typeof v === 'object') {
		for (const x of Object.values(v as object)) if (anyLeaf(x, test)) return true;
		return false;
	}
	return test(v);
}

function termTest(field: string | null, value: string, wild: boolean): (v: unknown) => boolean {
	if (field === null) {
		// default field (__text__): case-insensitive, like an analysed copy_to field
		const lv = value.toLowerCase();
		if (wild) return (v) => (typeof v === 'string' || typeof v === 'number') && glob(lv, String(v).toLowerCase());
		return (v) => (typeof v === 'string' || typeof v === 'number') && String(v).toLowerCase() === lv;
	}
	if (wild) return (v) => (typeof v === 'string' || typeof v === 'number') && glob(value, String(v));
	if (isDateField(field)) {
		const ms = parseDateMath(value, Date.now(), false);
		return (v) => typeof v === 'string' && Date.parse(v) === ms;
	}
	const cidr = value.includes('/') ? parseCidr(value) : null;
	if (cidr) return (v) => typeof v === 'string' && inCidr(v, cidr);
	const num = Number(value);
	return (v) => {
		if (typeof v === 'string') return v === value;
		if (typeof v === 'number') return v === num;
		if (typeof v === 'boolean') return String(v) === value.toLowerCase();
		return false;
	};
}

function rangeTest(field: string | null, lo: string, hi: string, incLo: boolean, incHi: boolean, now: number): (v: unknown) => boolean {
	if (field !== null && isDateField(field)) {
		const l = lo === '*' ? -Infinity : parseDateMath(lo, now, false);
		const h = hi === '*' ? Infinity : parseDateMath(hi, now, true);
		return (v) => {
			const ms = typeof v === 'string' ? Date.parse(v) : NaN;
			if (Number.isNaN(ms)) return false;
			return (incLo ? ms >= l : ms > l) && (incHi ? ms <= h : ms < h);
		};
	}
	const ln = lo === '*' ? -Infinity : Number(lo);
	const hn = hi === '*' ? Infinity : Number(hi);
	const numeric = !Number.isNaN(ln) && !Number.isNaN(hn);
	return (v) => {
		if (typeof v === 'number' && numeric) return (incLo ? v >= ln : v > ln) && (incHi ? v <= hn : v < hn);
		if (typeof v !== 'string') return false;
		const okLo = lo === '*' || (incLo ? v >= lo : v > lo);
		const okHi = hi === '*' || (incHi ? v <= hi : v < hi);
		return okLo && okHi;
	};
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, H: 3_600_000, d: 86_400_000, w: 604_800_000, M: 2_592_000_000, y: 31_536_000_000 };

/** ES date math: now, now-1d, now-1h/d, ISO timestamps (with or without fraction), 2025-03-14, and `||` math. */
export function parseDateMath(s: string, now: number, roundUp: boolean): number {
	let base: number;
	let rest: string;
	if (s.startsWith('now')) {
		base = now;
		rest = s.slice(3);
	} else {
		const at = s.indexOf('||');
		const head = at >= 0 ? s.slice(0, at) : s;
		rest = at >= 0 ? s.slice(at + 2) : '';
		if (!/^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(head)) throw new LuceneError(`bad date ${s}`);
		base = Date.parse(/T|\s/.test(head) && !/(Z|[+-]\d{2}:?\d{2})$/.test(head) ? head + 'Z' : head);
		if (Number.isNaN(base)) throw new LuceneError(`bad date ${s}`);
	}
	const re = /([+-]\d+[smhHdwMy])|(\/[smhHdwMy])/y;
	let i = 0;
	while (i < rest.length) {
		re.lastIndex = i;
		const m = re.exec(rest);
		if (!m) throw new LuceneError(`bad date math ${s}`);
		if (m[1]) {
			const unit = m[1].slice(-1);
			base += Number(m[1].slice(0, -1)) * UNIT_MS[unit];
		} else {
			const u = UNIT_MS[m[2].slice(1)];
			const floor = Math.floor(base / u) * u;
			base = roundUp ? floor + u - 1 : floor;
		}
		i = re.lastIndex;
	}
	return base;
}

/** Wildcard match (* any run, ? one char) without regex backtracking blow-ups. */
export function glob(p: string, s: string): boolean {
	let pi = 0;
	let si = 0;
	let star = -1;
	let mark = 0;
	while (si < s.length) {
		if (pi < p.length && (p[pi] === '?' || p[pi] === s[si])) { pi++; si++; }
		else if (pi < p.length && p[pi] === '*') { star = pi++; mark = si; }
		else if (star >= 0) { pi = star + 1; si = ++mark; }
		else return false;
	}
	while (pi < p.length && p[pi] === '*') pi++;
	return pi === p.length;
}

function ipv4(s: string): number | null {
	const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
	if (!m) return null;
	const o = m.slice(1).map(Number);
	if (o.some((x) => x > 255)) return null;
	return ((o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3]) >>> 0;
}

function parseCidr(s: string): { base: number; mask: number } | null {
	const [ip, bits] = s.split('/');
	const b = ipv4(ip);
	const n = Number(bits);
	if (b === null || !Number.isInteger(n) || n < 0 || n > 32) return null;
	const mask = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
	return { base: (b & mask) >>> 0, mask };
}

function inCidr(v: string, c: { base: number; mask: number }): boolean {
	const x = ipv4(v);
	return x !== null && ((x & c.mask) >>> 0) === c.base;
}
