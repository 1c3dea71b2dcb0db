import { checkBlockable } from '../ioc/blockable';
import type { Allowlist } from '../ioc/allowlist';
import { parseNetworkValue, typeFromWord } from '../ioc/parse';
import { hasForbiddenChar } from '../ioc/refang';
import { quote } from '../ioc/text';
import type { NetworkType } from '../ioc/types';
import { normaliseVerdict, verdictRank } from '../ioc/verdict';

/**
 * The blocklist's rows, as they are stored in an n8n Data Table (every column is a string, so a
 * hand edit in the Data Table view cannot change a column's type). One row per (type, normalised
 * value): `key` is `<type>:<value>`, the Data Table nodes match and upsert on it.
 */
export interface BlocklistRow {
	key: string;
	type: string;
	value: string;
	verdict: string;
	/** `block` (served to the firewalls until `expires_at`) or `never_block` (an analyst took it off
	 * and it must not come back). */
	status: string;
	first_seen: string;
	last_seen: string;
	expires_at: string;
	/** `alert:<id>` / `sid:<sid>` tokens, newest first, separated by `, `; capped at SOURCES_CAP. */
	sources: string;
	reason: string;
	added_by: string;
	/** Who took it off and why (never_block rows). */
	note: string;
}

/** The Data Table's columns, in order: what the README and the test set-up create. */
export const BLOCKLIST_COLUMNS: readonly (keyof BlocklistRow)[] = [
	'key',
	'type',
	'value',
	'verdict',
	'status',
	'first_seen',
	'last_seen',
	'expires_at',
	'sources',
	'reason',
	'added_by',
	'note',
];

export const SOURCES_CAP = 20;
export const STATUS_BLOCK = 'block';
export const STATUS_NEVER_BLOCK = 'never_block';

/** Time to live in hours, by IoC type and verdict. An IP changes hands within days; a domain or
 * URL registered for malware stays bad for longer. */
export type TtlTable = Record<
	NetworkType,
	Record<'malicious' | 'highly suspicious' | 'suspicious' | 'other', number>
>;

export const DEFAULT_TTL_HOURS: TtlTable = {
	ip: { malicious: 14 * 24, 'highly suspicious': 7 * 24, suspicious: 3 * 24, other: 24 },
	domain: { malicious: 90 * 24, 'highly suspicious': 30 * 24, suspicious: 14 * 24, other: 7 * 24 },
	uri: { malicious: 90 * 24, 'highly suspicious': 30 * 24, suspicious: 14 * 24, other: 7 * 24 },
};

export interface TtlOverride {
	type: string;
	/** A verdict word, or `any` for every verdict of the type. */
	verdict: string;
	hours: number;
}

/** The TTL table with the overrides applied (`any` first, then the specific verdicts). */
export function ttlTable(overrides: readonly TtlOverride[] = []): TtlTable {
	const table = JSON.parse(JSON.stringify(DEFAULT_TTL_HOURS)) as TtlTable;
	const ordered = [...overrides].sort(
		(a, b) => Number(b.verdict === 'any') - Number(a.verdict === 'any'),
	);
	for (const { type, verdict, hours } of ordered) {
		const word = typeFromWord(type);
		if (word !== 'ip' && word !== 'domain' && word !== 'uri')
			throw new RangeError(
				`A time to live is set for ${quote(type)}; the blocklist holds only ip, domain and uri.`,
			);
		if (!Number.isFinite(hours) || hours <= 0)
			throw new RangeError(
				`The time to live for ${word} ${verdict} must be a positive number of hours (got ${hours}).`,
			);
		const row = table[word];
		if (verdict === 'any') for (const k of Object.keys(row) as (keyof typeof row)[]) row[k] = hours;
		else row[verdictKey(verdict)] = hours;
	}
	return table;
}

function verdictKey(
	verdict: string | null,
): 'malicious' | 'highly suspicious' | 'suspicious' | 'other' {
	return verdict === 'malicious' || verdict === 'highly suspicious' || verdict === 'suspicious'
		? verdict
		: 'other';
}

export function ttlHours(table: TtlTable, type: NetworkType, verdict: string | null): number {
	return table[type][verdictKey(verdict)];
}

export const rowKey = (type: string, value: string): string => `${type}:${value}`;

/** A time column as a Date, or null when it is missing or not a date (a hand edit). */
export function parseTime(text: unknown): Date | null {
	if (typeof text !== 'string' || text.trim() === '') return null;
	const date = new Date(text);
	return Number.isNaN(date.getTime()) ? null : date;
}

const str = (v: unknown): string =>
	typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v);

/** A Data Table row (system columns `id`, `createdAt`, `updatedAt` dropped) as a BlocklistRow. */
export function asRow(json: Record<string, unknown>): BlocklistRow {
	const row = {} as BlocklistRow;
	for (const column of BLOCKLIST_COLUMNS) row[column] = str(json[column]);
	return row;
}

/** True for an item that is a row of the blocklist table (it has the `key` and `status` columns). */
export function looksLikeRow(json: Record<string, unknown>): boolean {
	return 'key' in json && 'status' in json && 'expires_at' in json;
}

/** A row is live (served) when it is a block row whose expiry is in the future. A row whose
 * expiry is not a date is not live: a hand edit never keeps an IoC blocked for ever. */
export function isLive(row: BlocklistRow, now: Date): boolean {
	const expires = parseTime(row.expires_at);
	return row.status === STATUS_BLOCK && expires !== null && expires.getTime() > now.getTime();
}

/** A block row whose expiry has passed (or is not a date): what the sweep deletes. */
export function isExpired(row: BlocklistRow, now: Date): boolean {
	return row.status === STATUS_BLOCK && !isLive(row, now);
}

export interface SourceRef {
	alert_id?: string;
	sid?: string;
}

function sourceTokens(sources: readonly SourceRef[] | undefined): string[] {
	const out: string[] = [];
	for (const s of sources ?? []) {
		if (s && typeof s.alert_id === 'string' && s.alert_id) out.push(`alert:${s.alert_id}`);
		if (s && typeof s.sid === 'string' && s.sid) out.push(`sid:${s.sid}`);
	}
	return out;
}

/** Sources merged newest first (the new sighting's before the row's), without repeats, capped. */
export function mergeSources(
	existing: string,
	fresh: readonly SourceRef[] | undefined,
	cap = SOURCES_CAP,
): string {
	const tokens = [
		...sourceTokens(fresh),
		...existing
			.split(',')
			.map((t) => t.trim())
			.filter(Boolean),
	]
		// Tokens are ours; a hand-edited one with a line break or control character is dropped.
		.filter((t) => !hasForbiddenChar(t));
	return [...new Set(tokens)].slice(0, cap).join(', ');
}

/** What Prepare Rows takes for one IoC: a Filter Blockable IoCs Block item (or any item with type,
 * value and optionally verdict and sources). */
export interface IocInput {
	type?: unknown;
	value?: unknown;
	verdict?: unknown;
	sources?: unknown;
	tag_types?: unknown;
}

export interface PrepareOptions {
	now: Date;
	ttl: TtlTable;
	addedBy: string;
	/** The reason written on new rows; when empty, one is made from the verdict and tag types. */
	reason?: string;
	allowlist?: Allowlist;
}

export type Change = 'added' | 'refreshed';

export interface Prepared {
	row: BlocklistRow;
	change: Change;
	/** Indexes of the input IoCs merged into this row (for pairedItem). */
	inputs: number[];
}

export interface Refused {
	type: string;
	value: string;
	reason: 'not_blockable' | 'never_block';
	reason_text: string;
	input: number;
}

function laterOf(a: string, b: string): string {
	const da = parseTime(a);
	const db = parseTime(b);
	if (!da) return b;
	if (!db) return a;
	return da.getTime() >= db.getTime() ? a : b;
}

function earlierOf(a: string, b: string): string {
	const da = parseTime(a);
	const db = parseTime(b);
	if (!da) return b;
	if (!db) return a;
	return da.getTime() <= db.getTime() ? a : b;
}

function higherVerdict(a: string, b: string | null): string {
	const na = normaliseVerdict(a);
	return verdictRank(b) > verdictRank(na) ? (b as string) : (na ?? b ?? '');
}

/** Existing rows by key; duplicate rows of one key (two writers raced) merge into one. */
export function indexRows(rows: readonly BlocklistRow[]): Map<string, BlocklistRow> {
	const byKey = new Map<string, BlocklistRow>();
	for (const row of rows) {
		const before = byKey.get(row.key);
		if (!before) {
			byKey.set(row.key, { ...row });
			continue;
		}
		// never_block wins: an analyst's decision is never undone by a race.
		if (row.status === STATUS_NEVER_BLOCK && before.status !== STATUS_NEVER_BLOCK) {
			byKey.set(row.key, { ...row });
			continue;
		}
		if (before.status === STATUS_NEVER_BLOCK) continue;
		before.first_seen = earlierOf(before.first_seen, row.first_seen);
		before.last_seen = laterOf(before.last_seen, row.last_seen);
		before.expires_at = laterOf(before.expires_at, row.expires_at);
		before.verdict = higherVerdict(before.verdict, normaliseVerdict(row.verdict));
		before.sources = mergeSources(`${before.sources}, ${row.sources}`, []);
	}
	return byKey;
}

function defaultReason(verdict: string | null, tagTypes: unknown): string {
	const tags = Array.isArray(tagTypes) ? tagTypes.filter((t) => typeof t === 'string') : [];
	return `Assemblyline verdict ${verdict ?? 'none'}${tags.length ? ` (${tags.join(', ')})` : ''}`;
}

/**
 * The upsert rows for a batch of IoCs. Every IoC is re-checked with checkBlockable (the one
 * definition Filter Blockable IoCs decides with): what it refuses never becomes a row. A row seen
 * again keeps its first_seen and reason, gets last_seen = now, merged sources, the higher verdict,
 * and an expiry that only moves later (now + the TTL of its type and verdict). A key an analyst
 * marked never_block is refused. Several IoCs with one key give one row.
 */
export function prepareRows(
	iocs: readonly IocInput[],
	existing: readonly BlocklistRow[],
	options: PrepareOptions,
): { rows: Prepared[]; refused: Refused[] } {
	const current = indexRows(existing);
	const out = new Map<string, Prepared>();
	const refused: Refused[] = [];
	const now = options.now.toISOString();
	iocs.forEach((ioc, input) => {
		const check = checkBlockable(ioc.type, ioc.value, options.allowlist);
		if (!check.ok) {
			refused.push({
				type: check.type,
				value: check.value,
				reason: 'not_blockable',
				reason_text: check.text,
				input,
			});
			return;
		}
		const key = rowKey(check.type, check.value);
		const before = out.get(key)?.row ?? current.get(key);
		if (before?.status === STATUS_NEVER_BLOCK) {
			refused.push({
				type: check.type,
				value: check.value,
				reason: 'never_block',
				reason_text: `An analyst took ${quote(check.value)} off the blocklist and marked it never to block${before.note ? `: ${before.note}` : ''}.`,
				input,
			});
			return;
		}
		const verdict = normaliseVerdict(ioc.verdict);
		const merged = before ? higherVerdict(before.verdict, verdict) : (verdict ?? '');
		const expires = new Date(
			options.now.getTime() +
				ttlHours(options.ttl, check.type, normaliseVerdict(merged)) * 3_600_000,
		).toISOString();
		const row: BlocklistRow = {
			key,
			type: check.type,
			value: check.value,
			verdict: merged,
			status: STATUS_BLOCK,
			first_seen: before && parseTime(before.first_seen) ? before.first_seen : now,
			last_seen: now,
			expires_at: before ? laterOf(before.expires_at, expires) : expires,
			sources: mergeSources(
				before?.sources ?? '',
				Array.isArray(ioc.sources) ? (ioc.sources as SourceRef[]) : [],
			),
			reason: before?.reason || options.reason || defaultReason(verdict, ioc.tag_types),
			added_by: before?.added_by || options.addedBy,
			note: before?.note ?? '',
		};
		const known = out.get(key);
		const change: Change = current.has(key) ? 'refreshed' : 'added';
		out.set(key, {
			row,
			change: known?.change ?? change,
			inputs: [...(known?.inputs ?? []), input],
		});
	});
	return { rows: [...out.values()], refused };
}

/** The row an Unblock makes. `remove` deletes the key's rows; `never_block` replaces them with a
 * never_block row that keeps the IoC out of every later Prepare Rows, with who and why. The value
 * is normalised like the rows' (refang, parse) but not held to the blockable rules: an IoC that is
 * allowlisted today may still sit on the list from yesterday. */
export function unblockRow(
	type: unknown,
	value: unknown,
	options: { neverBlock: boolean; by: string; why: string; now: Date },
): { row: BlocklistRow } | { error: string } {
	const word = typeFromWord(type);
	if (typeof value !== 'string' || value.trim() === '')
		return { error: `The value to unblock is missing (got ${quote(str(value))}).` };
	if (word !== undefined && word !== 'ip' && word !== 'domain' && word !== 'uri')
		return {
			error: `The blocklist holds only ip, domain and uri IoCs; got type ${quote(str(type))}.`,
		};
	const parsed = parseNetworkValue(value, word as NetworkType | undefined);
	if (!parsed.ok) return { error: `${quote(value)} ${parsed.problem}.` };
	const now = options.now.toISOString();
	const { type: t, value: v } = parsed.ioc;
	return {
		row: {
			key: rowKey(t, v),
			type: t,
			value: v,
			verdict: '',
			status: options.neverBlock ? STATUS_NEVER_BLOCK : 'removed',
			first_seen: now,
			last_seen: now,
			expires_at: '',
			sources: '',
			reason: options.why,
			added_by: options.by,
			note: `${options.neverBlock ? 'never block' : 'unblocked'} by ${options.by || 'unknown'} at ${now}${options.why ? `: ${options.why}` : ''}`,
		},
	};
}
