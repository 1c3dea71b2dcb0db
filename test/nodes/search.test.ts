import type { IDataObject } from 'n8n-workflow';

import {
	ALERT_CURSOR,
	advanceCursor,
	alreadyEmitted,
	cleanFilters,
	cursorFilter,
	newCursor,
	projection,
	readCursor,
	readSinceCursor,
	timeBound,
} from '../../nodes/shared/search';

describe('projection', () => {
	test('adds the id field of the index when fields are named, never twice', () => {
		expect(projection('alert', 'al.detailed.*')).toBe('alert_id,al.detailed.*');
		expect(projection('alert', ' sid , alert_id ,al.detailed')).toBe('sid,alert_id,al.detailed');
		expect(projection('alert', 'al.detailed', ['reporting_ts'])).toBe('alert_id,reporting_ts,al.detailed');
		expect(projection('submission', 'max_score')).toBe('sid,max_score');
		expect(projection('file', 'type')).toBe('sha256,type');
		expect(projection('workflow', 'name')).toBe('workflow_id,name');
	});
	test('empty means the stored fields (which carry the id); * means everything', () => {
		expect(projection('alert', '')).toBeUndefined();
		expect(projection('alert', ' , ')).toBeUndefined();
		expect(projection('alert', 'sid,*')).toBe('*');
	});
});

describe('timeBound', () => {
	test.each([
		['last 24 hours', 'now-24h'],
		['24h', 'now-24h'],
		['7 days', 'now-7d'],
		['30m', 'now-30m'],
		['30 minutes ago', 'now-30m'],
		['2 weeks', 'now-2w'],
		['3 months', 'now-3M'],
		['now-1d/d', 'now-1d/d'],
		['now', 'now'],
		['2025-03-14T15:07:44.530126Z', '2025-03-14T15:07:44.530Z'],
		['2025-03-14T17:00:00+02:00', '2025-03-14T15:00:00.000Z'],
		['2025-03-14 15:00', '2025-03-14T15:00:00.000Z'],
		['2025-03-14', '2025-03-14T00:00:00.000Z'],
		['', undefined],
	])('%s → %s', (input, expected) => {
		expect(timeBound(input)).toBe(expected);
	});
	test('nonsense is not a time', () => {
		expect(timeBound('yesterday-ish')).toBeUndefined();
		expect(timeBound('5 parsecs')).toBeUndefined();
		expect(timeBound('2025-13-45')).toBeUndefined();
	});
});

test('cleanFilters drops blanks and takes a single string', () => {
	expect(cleanFilters(['a:1', ' ', '', ' b:2 '])).toEqual(['a:1', 'b:2']);
	expect(cleanFilters('x:y')).toEqual(['x:y']);
	expect(cleanFilters(undefined)).toEqual([]);
});

describe('alert cursor', () => {
	const LOOKBACK = 5 * 60_000;
	const t0 = Date.parse('2025-03-14T15:00:00Z');
	const at = (ms: number) => new Date(ms).toISOString();

	test('starts at the floor, then reaches back one lookback before the cursor (never before the floor)', () => {
		const s0 = newCursor(t0);
		expect(cursorFilter(s0, LOOKBACK)).toBe(`reporting_ts:[${at(t0)} TO *]`);
		const s1 = advanceCursor(s0, [{ alert_id: 'a', reporting_ts: at(t0 + 60_000) }], LOOKBACK);
		expect(cursorFilter(s1, LOOKBACK)).toBe(`reporting_ts:[${at(t0)} TO *]`);
		const s2 = advanceCursor(s1, [{ alert_id: 'b', reporting_ts: at(t0 + 3_600_000) }], LOOKBACK);
		expect(cursorFilter(s2, LOOKBACK)).toBe(`reporting_ts:[${at(t0 + 3_600_000 - LOOKBACK)} TO *]`);
	});

	test('remembers exact (id, reporting_ts) pairs inside the window only, and does not touch the old state', () => {
		const s0 = newCursor(t0);
		const s1 = advanceCursor(
			s0,
			[
				{ alert_id: 'a', reporting_ts: at(t0 + 1000) },
				{ alert_id: 'b', reporting_ts: at(t0 + 1000) },
			],
			LOOKBACK,
		);
		expect(s0.recent).toEqual({});
		expect(alreadyEmitted(s1, 'a', at(t0 + 1000))).toBe(true);
		expect(alreadyEmitted(s1, 'a', at(t0 + 9000))).toBe(false); // an update
		const s2 = advanceCursor(s1, [{ alert_id: 'c', reporting_ts: at(t0 + 1000 + LOOKBACK + 1) }], LOOKBACK);
		expect(Object.keys(s2.recent)).toEqual(['c']);
		expect(s2.cursor).toBe(at(t0 + 1000 + LOOKBACK + 1));
	});

	test('keeps the original timestamp text (microseconds) and survives a JSON round trip', () => {
		const ts = '2025-03-14T15:07:44.530126Z';
		const s = advanceCursor(newCursor(t0), [{ alert_id: 'a', reporting_ts: ts }], LOOKBACK);
		const back = readCursor(JSON.parse(JSON.stringify(s)))!;
		expect(back.cursor).toBe(ts);
		expect(alreadyEmitted(back, 'a', ts)).toBe(true);
		expect(readCursor({ nonsense: true })).toBeUndefined();
		expect(readCursor(undefined)).toBeUndefined();
	});
});

describe('readSinceCursor with emit (a long read that keeps nothing)', () => {
	/** A context whose HTTP helper answers search pages from a list of alerts (oldest first). */
	function pagedContext(alerts: { alert_id: string; reporting_ts: string }[]) {
		const node = { name: 'n', type: 't', typeVersion: 1, position: [0, 0], parameters: {}, id: 'x' };
		const bodies: IDataObject[] = [];
		const context = {
			getNode: () => node,
			getCredentials: async () => ({ url: 'http://127.0.0.1:1', username: 'u', apiKey: 'k:s' }),
			helpers: {
				httpRequestWithAuthentication: async (_type: string, options: { body: string }) => {
					const body = JSON.parse(options.body) as IDataObject;
					bodies.push(body);
					const start = body.deep_paging_id === '*' ? 0 : Number(String(body.deep_paging_id).split(',')[1]);
					const items = alerts.slice(start, start + Number(body.rows));
					const next = items.length === body.rows ? { next_deep_paging_id: `pit,${start + items.length}` } : {};
					return { statusCode: 200, headers: {}, body: JSON.stringify({ api_response: { items, total: null, ...next } }) };
				},
			},
		};
		return { context: context as never, bodies };
	}
	const alerts = Array.from({ length: 23 }, (_, i) => ({ alert_id: `A${i}`, reporting_ts: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString() }));
	const read = (emit?: (entries: unknown[]) => void) => ({
		source: ALERT_CURSOR,
		search: { query: '*', fl: 'alert_id,reporting_ts' },
		state: { floor: '2025-01-01T00:00:00.000Z', cursor: alerts[2].reporting_ts, recent: { A2: alerts[2].reporting_ts } },
		lookbackMs: 5 * 60_000,
		paging: { pageSize: 5 },
		...(emit ? { emit } : {}),
	});

	test('gets each page as it arrives, keeps no entry, and stores the same cursor as the read that keeps them', async () => {
		const kept = await readSinceCursor(pagedContext(alerts).context, read());
		const pages: string[][] = [];
		const { context, bodies } = pagedContext(alerts);
		const emitted = await readSinceCursor(context, read((entries) => pages.push((entries as { id: string }[]).map((e) => e.id))));
		expect(emitted.entries).toEqual([]);
		expect(bodies.map((b) => b.rows)).toEqual([5, 5, 5, 5, 5]); // 23 alerts: the last page is short
		expect(pages.map((p) => p.length)).toEqual([4, 5, 5, 5, 3]); // one call per page, A2 skipped
		expect(pages.flat()).toEqual(kept.entries.map((e) => e.id));
		expect(pages.flat()).not.toContain('A2'); // emitted by the previous run
		expect(emitted.next).toEqual(kept.next);
		expect(Object.keys(emitted.next.recent).length).toBeLessThan(10); // only the lookback window
	});
});
