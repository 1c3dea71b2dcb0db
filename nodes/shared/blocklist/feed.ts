import { createHash } from 'crypto';

import type { Allowlist } from '../ioc/allowlist';
import { checkBlockable } from '../ioc/blockable';
import { exportCsv, exportLines, exportStix } from '../ioc/export';
import { quote } from '../ioc/text';
import type { IocItem, NetworkType } from '../ioc/types';
import { normaliseVerdict, verdictRank } from '../ioc/verdict';
import {
	indexRows,
	isLive,
	parseTime,
	STATUS_BLOCK,
	STATUS_NEVER_BLOCK,
	type BlocklistRow,
} from './rows';

/** The feed formats. `cisco` is Cisco Secure Firewall Security Intelligence (one entry per line,
 * `#` comments); `cisco_md5` is the MD5 of the `cisco` body, for its optional checksum URL. */
export const FEED_FORMATS = [
	'paloalto_edl',
	'fortigate',
	'cisco',
	'cisco_md5',
	'plain',
	'csv',
	'stix',
] as const;
export type FeedFormat = (typeof FEED_FORMATS)[number];

/**
 * Default maximum entries per format, from the vendors' documented limits: PAN-OS 7.1 allowed
 * 50,000 domains/URLs and 50,000 IPs on most models (the List Capacities button shows the
 * model's real number; docs.paloaltonetworks.com, Objects > External Dynamic Lists); FortiOS
 * before 7.4.4 took 128K lines per threat feed (docs.fortinet.com, FortiGate threat feeds);
 * Cisco Security Intelligence takes a 500 MB file, which 1,000,000 entries stay well under.
 * 0 = no limit (plain, CSV, STIX).
 */
export const DEFAULT_MAX_ENTRIES: Record<FeedFormat, number> = {
	paloalto_edl: 50_000,
	fortigate: 128_000,
	cisco: 1_000_000,
	cisco_md5: 1_000_000,
	plain: 0,
	csv: 0,
	stix: 0,
};

export const CONTENT_TYPES: Record<FeedFormat, string> = {
	paloalto_edl: 'text/plain; charset=utf-8',
	fortigate: 'text/plain; charset=utf-8',
	cisco: 'text/plain; charset=utf-8',
	cisco_md5: 'text/plain; charset=utf-8',
	plain: 'text/plain; charset=utf-8',
	csv: 'text/csv; charset=utf-8',
	// STIX 2.1 section 1.5 (media type).
	stix: 'application/stix+json;version=2.1',
};

/** Accepts `ip`, `domain`, `uri` and the everyday `url`. */
export function feedType(word: unknown): NetworkType | null {
	const w = typeof word === 'string' ? word.trim().toLowerCase() : '';
	if (w === 'ip' || w === 'domain' || w === 'uri') return w;
	return w === 'url' ? 'uri' : null;
}

export function feedFormat(word: unknown): FeedFormat | null {
	const w = typeof word === 'string' ? word.trim().toLowerCase() : '';
	return (FEED_FORMATS as readonly string[]).includes(w) ? (w as FeedFormat) : null;
}

export interface FeedOptions {
	type: NetworkType;
	format: FeedFormat;
	now: Date;
	/** 0 = the format's default (DEFAULT_MAX_ENTRIES); negative = no limit. */
	maxEntries?: number;
	allowlist?: Allowlist;
	/** The request's If-None-Match header, to answer 304 when the feed has not changed. */
	ifNoneMatch?: string;
}

/** A row that was not served, and why (hostile or hand-edited rows). Expired rows and other
 * types are not problems and are only counted. */
export interface HeldRow {
	key: string;
	type: string;
	value: string;
	reason: string;
	reason_text: string;
}

export interface Feed {
	status_code: 200 | 304;
	body: string;
	content_type: string;
	etag: string;
	/** Entries in the feed. */
	entries: number;
	/** Live rows of this type left out by the maximum (lowest verdict, then oldest last_seen). */
	over_limit: number;
	expired: number;
	held: HeldRow[];
}

/** Strong ETag of a body: its SHA-256, shortened. */
export function etagOf(body: string): string {
	return `"${createHash('sha256').update(body, 'utf8').digest('hex').slice(0, 32)}"`;
}

/** RFC 9110 13.1.2: If-None-Match is `*` or a list of (possibly weak) entity tags. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
	if (!header) return false;
	const bare = etag.replace(/^W\//, '');
	return header.split(',').some((tag) => {
		const t = tag.trim();
		return t === '*' || t.replace(/^W\//, '') === bare;
	});
}

/** Which rows win when there are more than the maximum: highest verdict first, then the most
 * recently seen, then the key (so equal input always gives the same feed). */
export function winnerOrder(a: BlocklistRow, b: BlocklistRow): number {
	const byVerdict =
		verdictRank(normaliseVerdict(b.verdict)) - verdictRank(normaliseVerdict(a.verdict));
	if (byVerdict !== 0) return byVerdict;
	const ta = parseTime(a.last_seen)?.getTime() ?? 0;
	const tb = parseTime(b.last_seen)?.getTime() ?? 0;
	if (ta !== tb) return tb - ta;
	return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function sourcesOf(row: BlocklistRow): IocItem['sources'] {
	return row.sources
		.split(',')
		.map((t) => t.trim())
		.filter(Boolean)
		.map((t) =>
			t.startsWith('alert:')
				? { alert_id: t.slice(6) }
				: t.startsWith('sid:')
					? { sid: t.slice(4) }
					: {},
		)
		.filter((s) => Object.keys(s).length > 0);
}

function asItem(row: BlocklistRow): IocItem {
	return {
		type: row.type,
		value: row.value,
		original: row.value,
		verdict: normaliseVerdict(row.verdict),
		tag_type: null,
		tag_types: [],
		safelisted: false,
		sources: sourcesOf(row),
		occurrences: 1,
	};
}

/**
 * One feed: the live rows of one type, each re-checked with checkBlockable (a row edited by hand
 * that is private, allowlisted, a CIDR, or carries a line break is held and reported, never
 * served), capped by the winner rule, rendered by the exporters of nodes/shared/ioc/export.ts.
 * Expired rows and never_block keys are never served. The body depends only on the rows, so the
 * ETag changes only when the feed does.
 */
export function renderFeed(rows: readonly BlocklistRow[], options: FeedOptions): Feed {
	const held: HeldRow[] = [];
	let expired = 0;
	const neverBlock = new Set(rows.filter((r) => r.status === STATUS_NEVER_BLOCK).map((r) => r.key));
	const live: BlocklistRow[] = [];
	for (const row of indexRows(rows.filter((r) => r.status !== STATUS_NEVER_BLOCK)).values()) {
		if (row.status !== STATUS_BLOCK) {
			held.push({
				key: row.key,
				type: row.type,
				value: row.value,
				reason: 'unknown_status',
				reason_text: `The row's status is ${quote(row.status)}; only "block" rows are served.`,
			});
			continue;
		}
		if (!isLive(row, options.now)) {
			if (parseTime(row.expires_at) === null)
				held.push({
					key: row.key,
					type: row.type,
					value: row.value,
					reason: 'invalid_expiry',
					reason_text: `The row's expires_at ${quote(row.expires_at)} is not a date, so it is not served.`,
				});
			else expired++;
			continue;
		}
		if (neverBlock.has(row.key)) continue;
		const check = checkBlockable(row.type, row.value, options.allowlist);
		if (!check.ok) {
			held.push({
				key: row.key,
				type: row.type,
				value: row.value,
				reason: check.reason,
				reason_text: check.text,
			});
			continue;
		}
		if (
			check.type !== row.type ||
			check.value !== row.value ||
			row.key !== `${row.type}:${row.value}`
		) {
			held.push({
				key: row.key,
				type: row.type,
				value: row.value,
				reason: 'not_normalised',
				reason_text: `The row's key, type or value was edited: it reads as ${check.type} ${quote(check.value)}. Rows are served only exactly as Prepare Rows wrote them.`,
			});
			continue;
		}
		if (check.type === options.type) live.push(row);
	}
	live.sort(winnerOrder);
	const limit =
		options.maxEntries === undefined || options.maxEntries === 0
			? DEFAULT_MAX_ENTRIES[options.format]
			: options.maxEntries < 0
				? 0
				: options.maxEntries;
	const served = limit > 0 ? live.slice(0, limit) : live;
	const body = render(served, options.format);
	const etag = etagOf(body);
	const notModified = matchesIfNoneMatch(options.ifNoneMatch, etag);
	return {
		status_code: notModified ? 304 : 200,
		body: notModified ? '' : body,
		content_type: CONTENT_TYPES[options.format],
		etag,
		entries: served.length,
		over_limit: live.length - served.length,
		expired,
		held,
	};
}

function render(rows: readonly BlocklistRow[], format: FeedFormat): string {
	if (format === 'cisco_md5')
		return `${createHash('md5').update(render(rows, 'cisco'), 'utf8').digest('hex')}\n`;
	// renderFeed checked every row with checkBlockable already; these exporters re-check and throw
	// on a row they refuse, which fails the feed (5xx) rather than shrinking it.
	const items = rows.map(asItem);
	if (format === 'csv') return exportCsv(items);
	if (format === 'stix') {
		// The STIX timestamp is the newest last_seen served, not the clock: same rows, same body.
		const newest = rows.reduce((t, r) => Math.max(t, parseTime(r.last_seen)?.getTime() ?? 0), 0);
		return exportStix(items, { timestamp: new Date(newest) });
	}
	return exportLines(items, format === 'cisco' ? 'plain' : format);
}
