// Small shared helpers: seeded PRNG, ids, hashes, time formatting.
import { createHash } from 'node:crypto';

export type Rng = () => number;

/** mulberry32: tiny, fast, good enough for test data; never Math.random so data sets are reproducible. */
export function mulberry32(seed: number): Rng {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Derive an independent stream for item i, so any item can be rebuilt without replaying the others. */
export function rngFor(seed: number, stream: number, i: number): Rng {
	let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35) ^ Math.imul(i + 1, 0x27d4eb2f);
	h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
	h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
	return mulberry32((h ^ (h >>> 16)) >>> 0);
}

export function pick<T>(rng: Rng, list: readonly T[]): T {
	return list[Math.floor(rng() * list.length)];
}

export function int(rng: Rng, min: number, max: number): number {
	return min + Math.floor(rng() * (max - min + 1));
}

const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Looks like baseconv.base62.encode(uuid4().int): 21-22 chars of [0-9A-Za-z]. */
export function base62Id(rng: Rng): string {
	const len = rng() < 0.15 ? 21 : 22;
	let s = B62[1 + Math.floor(rng() * 61)];
	for (let i = 1; i < len; i++) s += B62[Math.floor(rng() * 62)];
	return s;
}

export function hex(rng: Rng, len: number): string {
	let s = '';
	for (let i = 0; i < len; i++) s += '0123456789abcdef'[Math.floor(rng() * 16)];
	return s;
}

export function sha256Hex(s: string): string {
	return createHash('sha256').update(s).digest('hex');
}

/** AL writes dates as %Y-%m-%dT%H:%M:%S.%fZ (microseconds). */
export function isoMicro(ms: number, micro = 0): string {
	const d = new Date(Math.floor(ms));
	const base = d.toISOString(); // ...sss Z
	return base.slice(0, 23) + String(micro % 1000).padStart(3, '0') + 'Z';
}

export function parseDate(v: unknown): number {
	if (typeof v === 'number') return v;
	if (typeof v !== 'string') return NaN;
	return Date.parse(v);
}

export function clone<T>(v: T): T {
	return structuredClone(v);
}

export const DAY_MS = 86_400_000;

/** ODM date format for a given ISO string or epoch ms (keeps given microseconds). */
export function normIso(v: string | number): string {
	if (typeof v === 'string' && /\.\d{6}Z$/.test(v)) return v;
	const ms = parseDate(v);
	if (Number.isNaN(ms)) throw new Error(`bad timestamp ${v}`);
	return isoMicro(ms);
}
