/**
 * The blocklist's pure parts (nodes/shared/blocklist): rows, time to live, re-seeing, unblock, and
 * the feeds (formats, re-check of hand-edited rows, expiry, winner rule, ETag).
 */
import { createHash } from 'node:crypto';

import {
	DEFAULT_TTL_HOURS,
	etagOf,
	isExpired,
	matchesIfNoneMatch,
	prepareRows,
	renderFeed,
	ttlTable,
	unblockRow,
	type BlocklistRow,
} from '../../nodes/shared/blocklist';
import { compileAllowlistOrThrow } from '../../nodes/shared/ioc';

const T0 = new Date('2026-03-01T12:00:00.000Z');
const HOUR = 3_600_000;
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);
const options = (now = T0) => ({ now, ttl: ttlTable(), addedBy: 'test' });

const BLOCK = [
	{ type: 'ip', value: '91.214.124.19', verdict: 'malicious', sources: [{ alert_id: 'a1', sid: 's1' }], tag_types: ['network.static.ip'] },
	{ type: 'domain', value: 'evil-c2.top', verdict: 'suspicious', sources: [{ alert_id: 'a1' }] },
	{ type: 'uri', value: 'https://evil-c2.top/gate.php?id=1', verdict: 'highly suspicious', sources: [{ sid: 's2' }] },
	{ type: 'ip', value: '2a0c:51e7:2200:1f::2', verdict: 'suspicious', sources: [] },
];

function rowsOf(iocs = BLOCK, existing: BlocklistRow[] = [], now = T0): BlocklistRow[] {
	return prepareRows(iocs, existing, options(now)).rows.map((p) => p.row);
}

/** A row as someone could type it into the Data Table view. */
function handRow(type: string, value: string, over: Partial<BlocklistRow> = {}): BlocklistRow {
	return {
		key: `${type}:${value}`, type, value, verdict: 'malicious', status: 'block', first_seen: T0.toISOString(), last_seen: T0.toISOString(),
		expires_at: at(24).toISOString(), sources: '', reason: 'hand', added_by: 'someone', note: '', ...over,
	};
}

describe('Prepare Rows', () => {
	test('one row per IoC with key, times, TTL by type and verdict, sources and reason', () => {
		const rows = rowsOf();
		expect(rows.map((r) => r.key)).toEqual(['ip:91.214.124.19', 'domain:evil-c2.top', 'uri:https://evil-c2.top/gate.php?id=1', 'ip:2a0c:51e7:2200:1f::2']);
		const ip = rows[0];
		expect(ip).toMatchObject({ status: 'block', verdict: 'malicious', first_seen: T0.toISOString(), last_seen: T0.toISOString(), added_by: 'test', sources: 'alert:a1, sid:s1' });
		expect(ip.reason).toBe('Assemblyline verdict malicious (network.static.ip)');
		expect(new Date(ip.expires_at).getTime() - T0.getTime()).toBe(DEFAULT_TTL_HOURS.ip.malicious * HOUR);
		expect(new Date(rows[1].expires_at).getTime() - T0.getTime()).toBe(DEFAULT_TTL_HOURS.domain.suspicious * HOUR);
		expect(new Date(rows[2].expires_at).getTime() - T0.getTime()).toBe(DEFAULT_TTL_HOURS.uri['highly suspicious'] * HOUR);
	});

	test('seeing the IoCs again keeps one row each, keeps first_seen, extends expiry and merges sources', () => {
		const first = rowsOf();
		const again = BLOCK.map((ioc) => ({ ...ioc, sources: [{ alert_id: 'a9' }] }));
		const result = prepareRows(again, first, options(at(48)));
		expect(result.rows).toHaveLength(first.length);
		expect(result.rows.every((p) => p.change === 'refreshed')).toBe(true);
		const ip = result.rows[0].row;
		expect(ip.first_seen).toBe(T0.toISOString());
		expect(ip.last_seen).toBe(at(48).toISOString());
		expect(new Date(ip.expires_at).getTime()).toBe(at(48 + DEFAULT_TTL_HOURS.ip.malicious).getTime());
		expect(ip.sources).toBe('alert:a9, alert:a1, sid:s1');
	});

	test('a defanged or differently written value merges into the same row; duplicates in one batch give one row', () => {
		const result = prepareRows([BLOCK[0], { ...BLOCK[0], value: '91[.]214[.]124[.]19', sources: [{ alert_id: 'a2' }] }], [], options());
		expect(result.rows).toHaveLength(1);
		expect(result.rows[0].inputs).toEqual([0, 1]);
		expect(result.rows[0].row.sources).toBe('alert:a2, alert:a1, sid:s1');
	});

	test('expiry never moves earlier: a lower verdict later keeps the higher verdict and its longer TTL', () => {
		const first = rowsOf([BLOCK[1]].map((i) => ({ ...i, verdict: 'malicious' })));
		const later = prepareRows([BLOCK[1]], first, options(at(1))).rows[0].row;
		expect(later.verdict).toBe('malicious');
		expect(later.expires_at).toBe(at(1 + DEFAULT_TTL_HOURS.domain.malicious).toISOString());
		// A row whose expiry an analyst pushed far out keeps it.
		const pushed = { ...first[0], expires_at: at(10_000).toISOString() };
		expect(prepareRows([BLOCK[1]], [pushed], options(at(1))).rows[0].row.expires_at).toBe(pushed.expires_at);
	});

	test('what Filter Blockable IoCs would hold back never becomes a row', () => {
		const hostile = [
			{ type: 'ip', value: '10.0.0.0/8', verdict: 'malicious' },
			{ type: 'domain', value: 'evil.com\nbad.com', verdict: 'malicious' },
			{ type: 'ip', value: '0.0.0.0/0', verdict: 'malicious' },
			{ type: 'ip', value: '192.168.1.1', verdict: 'malicious' },
			{ type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e', verdict: 'malicious' },
			{ type: 'domain', value: 'corp.example.org', verdict: 'malicious' },
		];
		const result = prepareRows(hostile, [], { ...options(), allowlist: compileAllowlistOrThrow('example.org') });
		expect(result.rows).toEqual([]);
		expect(result.refused.map((r) => r.input)).toEqual([0, 1, 2, 3, 4, 5]);
		for (const r of result.refused) expect(r.reason_text).not.toBe('');
	});

	test('a never-block row keeps its IoC off the list', () => {
		const never = unblockRow('ip', '91.214.124.19', { neverBlock: true, by: 'jane', why: 'our CDN', now: T0 });
		if (!('row' in never)) throw new Error(never.error);
		const result = prepareRows([BLOCK[0]], [never.row], options(at(1)));
		expect(result.rows).toEqual([]);
		expect(result.refused[0]).toMatchObject({ reason: 'never_block' });
		expect(result.refused[0].reason_text).toContain('our CDN');
	});

	test('TTL overrides: any verdict, then one verdict; a bad value is refused', () => {
		const table = ttlTable([{ type: 'ip', verdict: 'malicious', hours: 2 }, { type: 'ip', verdict: 'any', hours: 5 }]);
		expect(table.ip).toEqual({ malicious: 2, 'highly suspicious': 5, suspicious: 5, other: 5 });
		expect(table.domain).toEqual(DEFAULT_TTL_HOURS.domain);
		expect(() => ttlTable([{ type: 'ip', verdict: 'any', hours: 0 }])).toThrow(/positive/);
		expect(() => ttlTable([{ type: 'md5', verdict: 'any', hours: 1 }])).toThrow(/only ip, domain and uri/);
	});
});

describe('Render Feed', () => {
	const rows = rowsOf();
	const feed = (type: 'ip' | 'domain' | 'uri', format: Parameters<typeof renderFeed>[1]['format'], more: Partial<Parameters<typeof renderFeed>[1]> = {}, input = rows) =>
		renderFeed(input, { type, format, now: at(1), ...more });

	test('each format: only the feed type, in its syntax, with its content type', () => {
		expect(feed('ip', 'paloalto_edl').body).toBe('91.214.124.19\n2a0c:51e7:2200:1f::2\n');
		expect(feed('domain', 'fortigate').body).toBe('evil-c2.top\n');
		expect(feed('uri', 'paloalto_edl').body).toBe('evil-c2.top/gate.php?id=1\n');
		expect(feed('uri', 'plain').body).toBe('https://evil-c2.top/gate.php?id=1\n');
		expect(feed('ip', 'cisco').body).toBe('91.214.124.19\n2a0c:51e7:2200:1f::2\n');
		expect(feed('ip', 'cisco_md5').body).toBe(`${createHash('md5').update('91.214.124.19\n2a0c:51e7:2200:1f::2\n').digest('hex')}\n`);
		expect(feed('ip', 'plain').content_type).toBe('text/plain; charset=utf-8');
		const csv = feed('ip', 'csv');
		expect(csv.content_type).toBe('text/csv; charset=utf-8');
		expect(csv.body.split('\r\n')).toEqual([
			'type,value,verdict,tag_types,sources,occurrences,classification',
			'ip,91.214.124.19,malicious,,alert=a1; sid=s1,1,',
			'ip,2a0c:51e7:2200:1f::2,suspicious,,,1,',
			'',
		]);
		const stix = feed('domain', 'stix');
		expect(stix.content_type).toBe('application/stix+json;version=2.1');
		const bundle = JSON.parse(stix.body);
		expect(bundle.type).toBe('bundle');
		expect(bundle.objects.map((o: any) => o.pattern)).toEqual(["[domain-name:value = 'evil-c2.top']"]);
	});

	test('an empty blocklist gives an empty 200 feed; CSV keeps its header, STIX an empty bundle', () => {
		expect(feed('ip', 'paloalto_edl', {}, [])).toMatchObject({ status_code: 200, body: '', entries: 0 });
		expect(feed('ip', 'csv', {}, []).body).toBe('type,value,verdict,tag_types,sources,occurrences,classification\r\n');
		expect(JSON.parse(feed('ip', 'stix', {}, []).body).objects).toEqual([]);
	});

	test('hand-edited hostile rows are held back with a reason and never served', () => {
		const hostile = [
			handRow('ip', '10.0.0.0/8'),
			handRow('domain', 'evil.com\n10.0.0.1'),
			handRow('ip', '0.0.0.0/0'),
			handRow('ip', '127.0.0.1'),
			handRow('ip', 'evil.com'),
			handRow('domain', 'EVIL.com'),
			handRow('ip', '91.214.124.77', { expires_at: 'never' }),
			handRow('ip', '91.214.124.78', { status: 'blocked!' }),
			handRow('ip', '91.214.124.79', { key: 'ip:1.2.3.4' }),
		];
		for (const format of ['paloalto_edl', 'plain', 'csv', 'stix'] as const) {
			for (const type of ['ip', 'domain', 'uri'] as const) {
				const out = feed(type, format, {}, [...rows, ...hostile]);
				for (const bad of ['10.0.0.0', '0.0.0.0', '127.0.0.1', 'evil.com', 'EVIL.com', '91.214.124.77', '91.214.124.78', '91.214.124.79', '1.2.3.4']) {
					expect(out.body).not.toContain(bad);
				}
				expect(out.held.map((h) => h.key).sort()).toEqual(hostile.map((h) => h.key).sort());
				expect(out.body).toBe(feed(type, format).body);
			}
		}
	});

	test('expired rows leave the feed at once; the sweep would delete exactly them', () => {
		const ipTtl = DEFAULT_TTL_HOURS.ip.suspicious;
		const late = feed('ip', 'plain', { now: at(ipTtl + 1) });
		expect(late.body).toBe('91.214.124.19\n');
		expect(late.expired).toBe(1);
		expect(rows.filter((r) => isExpired(r, at(ipTtl + 1))).map((r) => r.value)).toEqual(['2a0c:51e7:2200:1f::2']);
		expect(rows.filter((r) => isExpired(r, at(1)))).toEqual([]);
	});

	test('never-block rows and the allowlist keep IoCs out even when a block row is still there', () => {
		const never = unblockRow('ip', '91.214.124.19', { neverBlock: true, by: 'jane', why: 'fp', now: T0 });
		if (!('row' in never)) throw new Error(never.error);
		expect(feed('ip', 'plain', {}, [...rows, never.row]).body).toBe('2a0c:51e7:2200:1f::2\n');
		expect(feed('ip', 'plain', { allowlist: compileAllowlistOrThrow('2a0c:51e7::/32') }).body).toBe('91.214.124.19\n');
	});

	test('max entries: highest verdict wins, then the most recently seen', () => {
		const many = [
			handRow('ip', '91.214.124.1', { verdict: 'suspicious', last_seen: at(5).toISOString() }),
			handRow('ip', '91.214.124.2', { verdict: 'malicious', last_seen: at(0).toISOString() }),
			handRow('ip', '91.214.124.3', { verdict: 'malicious', last_seen: at(3).toISOString() }),
		];
		const out = feed('ip', 'plain', { maxEntries: 2 }, many);
		expect(out.body).toBe('91.214.124.3\n91.214.124.2\n');
		expect(out.over_limit).toBe(1);
		expect(feed('ip', 'plain', { maxEntries: -1 }, many).entries).toBe(3);
	});

	test('ETag: same rows same tag, a change a new tag; If-None-Match gives 304 without a body', () => {
		const first = feed('ip', 'paloalto_edl');
		expect(first.etag).toBe(etagOf(first.body));
		expect(feed('ip', 'paloalto_edl', { now: at(2) }).etag).toBe(first.etag);
		const again = feed('ip', 'paloalto_edl', { ifNoneMatch: first.etag });
		expect(again).toMatchObject({ status_code: 304, body: '', etag: first.etag });
		expect(feed('ip', 'paloalto_edl', { ifNoneMatch: `"x", W/${first.etag}` }).status_code).toBe(304);
		expect(feed('ip', 'paloalto_edl', { ifNoneMatch: '"other"' }).status_code).toBe(200);
		expect(feed('ip', 'paloalto_edl', {}, rows.slice(1)).etag).not.toBe(first.etag);
		expect(matchesIfNoneMatch('*', first.etag)).toBe(true);
	});
});

describe('Unblock', () => {
	test('normalises the value like the rows (refang, lower case) and records who and why', () => {
		const out = unblockRow('domain', 'Evil-C2[.]top', { neverBlock: false, by: 'jane', why: 'fp', now: T0 });
		expect(out).toMatchObject({ row: { key: 'domain:evil-c2.top', status: 'removed', added_by: 'jane', reason: 'fp' } });
		expect(unblockRow('ip', 'not an ip', { neverBlock: false, by: '', why: '', now: T0 })).toHaveProperty('error');
		expect(unblockRow('md5', 'abc', { neverBlock: false, by: '', why: '', now: T0 })).toHaveProperty('error');
	});
});
