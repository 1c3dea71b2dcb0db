/**
 * AL Alert Search's "Merged IoCs" output (issue 21): the alerts' IoCs folded while the pages stream
 * in. Filter Blockable IoCs must give the same Block and Skipped from it as from the alerts.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { AssemblylineAlertSearch } from '../../nodes/AssemblylineAlertSearch/AssemblylineAlertSearch.node';
import { FilterBlockableIocs } from '../../nodes/FilterBlockableIocs/FilterBlockableIocs.node';
import { alertOutputSink } from '../../nodes/shared/backfill';
import { mergeSources, type SourceRef } from '../../nodes/shared/blocklist/rows';
import { FOLD_MAX_SOURCES } from '../../nodes/shared/ioc/fold';
import { generateDataset } from '../fakes/assemblyline/index.ts';
import type { FakeAssemblyline } from '../fakes/assemblyline/index.ts';
import { runNode } from '../harness/n8n.ts';
import { bodyOf, credentialsFor, searchRequests, startFake } from './alert.helpers.ts';

const search = new AssemblylineAlertSearch();
const filter = new FilterBlockableIocs();

/** What decides a firewall change: each IoC's type, value, route and reason, verdict, count and
 * sources: the first FOLD_MAX_SOURCES, in first-seen order (all the Merged IoCs output lists). */
function decisions(items: INodeExecutionData[]): string[] {
	return items
		.map(({ json }) => {
			const sources = ((json.sources as IDataObject[]) ?? []).slice(0, FOLD_MAX_SOURCES).map((s) => `${s.alert_id ?? ''}/${s.sid ?? ''}`);
			return JSON.stringify([json.type, json.value, json.reason ?? 'block', json.verdict, json.occurrences, sources, [...((json.tag_types as string[]) ?? [])].sort()]);
		})
		.sort();
}

describe('AL Alert Search: Merged IoCs output', () => {
	let fake: FakeAssemblyline;
	beforeAll(async () => {
		fake = await startFake({ dataset: generateDataset({ seed: 21, alerts: 1200 }) });
	});
	afterAll(() => fake.close());

	test('Filter Blockable IoCs gives the same Block and Skipped from the merged IoCs as from the alerts', async () => {
		const credentials = credentialsFor(fake);
		const alerts = await runNode({ node: search, parameters: { query: '*', returnAll: true, options: { pageSize: 250 } }, credentials });
		expect(alerts.error).toBeUndefined();
		fake.clearRequests();
		const iocs = await runNode({ node: search, parameters: { query: '*', returnAll: true, alertOutput: 'iocs', options: { pageSize: 250 } }, credentials });
		expect(iocs.error).toBeUndefined();
		// The same deep-paging requests as the alert output: pages stream in and are folded.
		expect(searchRequests(fake).map((r) => bodyOf(r).rows)).toEqual([250, 250, 250, 250, 250]);
		// With the default Fields, only what the fold reads is fetched.
		expect(String(bodyOf(searchRequests(fake)[0]).fl).split(',').sort()).toEqual(['al.detailed.domain', 'al.detailed.ip', 'al.detailed.uri', 'alert_id', 'sid']);
		const alertItems = alerts.outputs[0];
		const iocItems = iocs.outputs[0];
		expect(alertItems).toHaveLength(1200);
		// One item per distinct (type, value), each with what the filter reads.
		const keys = iocItems.map(({ json }) => `${json.type}\u0000${json.value}`);
		expect(new Set(keys).size).toBe(keys.length);
		expect(iocItems.length).toBeGreaterThan(100);
		expect(iocItems.length).toBeLessThan(alertItems.length * 10);
		for (const { json } of iocItems.slice(0, 50)) {
			expect(json).toEqual(expect.objectContaining({ type: expect.any(String), value: expect.any(String), occurrences: expect.any(Number), sources: expect.any(Array) }));
		}
		const occurrences = iocItems.reduce((sum, { json }) => sum + Number(json.occurrences), 0);
		expect(occurrences).toBeGreaterThan(iocItems.length); // values repeat across alerts
		// Each IoC lists the first FOLD_MAX_SOURCES alerts it was seen in, and counts them all: as
		// Filter Blockable IoCs lists an IoC's alerts (all of them) when it reads the alerts.
		const all = await runNode({ node: filter, parameters: {}, input: alertItems.map((i) => i.json) });
		const alertsOf = new Map([...all.outputs[0], ...all.outputs[1]].map(({ json }) => [`${json.type}/${json.value}`, (json.sources as IDataObject[]).map((s) => s.alert_id)]));
		expect(alertsOf.size).toBe(iocItems.length);
		for (const { json } of iocItems) {
			const alertIds = alertsOf.get(`${json.type}/${json.value}`) as unknown[];
			expect(json.source_count).toBe(alertIds.length);
			expect((json.sources as IDataObject[]).map((s) => s.alert_id)).toEqual(alertIds.slice(0, FOLD_MAX_SOURCES));
		}
		expect(Math.max(...iocItems.map(({ json }) => Number(json.source_count)))).toBeGreaterThan(FOLD_MAX_SOURCES); // the cap is exercised

		// Only Return All of the alerts counts first: the merged output pages at once.
		expect(bodyOf(searchRequests(fake)[0]).deep_paging_id).toBe('*');
		for (const parameters of [{}, { minVerdict: 'malicious', noVerdict: 'block', maxToBlock: 0 }, { allowlist: '10.0.0.0/8\n1.0.0.0/8\n45.0.0.0/8', maxToBlock: 5 }]) {
			const fromAlerts = await runNode({ node: filter, parameters, input: alertItems.map((i) => i.json) });
			const fromIocs = await runNode({ node: filter, parameters, input: iocItems.map((i) => i.json) });
			expect(fromAlerts.error).toBeUndefined();
			expect(fromIocs.error).toBeUndefined();
			expect(fromAlerts.outputs[0].length).toBeGreaterThan(0);
			expect(fromAlerts.outputs[1].length).toBeGreaterThan(0);
			expect(decisions(fromIocs.outputs[0])).toEqual(decisions(fromAlerts.outputs[0]));
			expect(decisions(fromIocs.outputs[1])).toEqual(decisions(fromAlerts.outputs[1]));
			// The sources a blocklist row keeps (IoC Blocklist's Prepare Rows: the first SOURCES_CAP),
			// and so the alerts a workflow labels from it, are the same from either input.
			const rowSources = (items: INodeExecutionData[]) => items.map(({ json }) => mergeSources('', json.sources as SourceRef[])).sort();
			expect(rowSources(fromIocs.outputs[0])).toEqual(rowSources(fromAlerts.outputs[0]));
		}
	});

	test('with "Only Alerts Not Returned Before", the merged output folds page by page and moves the cursor as the alert output does', async () => {
		const credentials = credentialsFor(fake);
		const parameters = { query: 'al.ip:* OR al.domain:*', returnAll: true, onlyNew: true, waitFor: 'searchable', options: { pageSize: 250 } };
		const run = async (alertOutput: string, staticData: IDataObject) =>
			await runNode({ node: search, parameters: { ...parameters, alertOutput }, credentials, workflow: { staticData } });
		const forAlerts: IDataObject = {};
		const forIocs: IDataObject = {};
		const alerts = await run('alerts', forAlerts);
		fake.clearRequests();
		const iocs = await run('iocs', forIocs);
		expect(alerts.error).toBeUndefined();
		expect(iocs.error).toBeUndefined();
		const pages = searchRequests(fake).map(bodyOf);
		expect(pages.length).toBe(Math.ceil(alerts.outputs[0].length / 250) + (alerts.outputs[0].length % 250 === 0 ? 1 : 0));
		expect(pages.every((b) => b.sort === 'reporting_ts asc' && b.rows === 250)).toBe(true);
		// The same IoCs as folding the alerts output (oldest first, like the cursor read).
		const fromAlerts = await runNode({ node: filter, parameters: {}, input: alerts.outputs[0].map((i) => i.json) });
		const fromIocs = await runNode({ node: filter, parameters: {}, input: iocs.outputs[0].map((i) => i.json) });
		expect(fromIocs.outputs[0].length).toBeGreaterThan(0);
		expect(decisions(fromIocs.outputs[0])).toEqual(decisions(fromAlerts.outputs[0]));
		expect(decisions(fromIocs.outputs[1])).toEqual(decisions(fromAlerts.outputs[1]));
		// The cursor each output stored is the same (moved page by page, or once at the end).
		const cursors = (data: IDataObject) => {
			const stored = (data['node:Under Test'] as IDataObject).searchCursors as Record<string, IDataObject>;
			return Object.fromEntries(Object.entries(stored).map(([key, { used: _used, ...cursor }]) => [key, cursor]));
		};
		expect(Object.keys(cursors(forIocs))).toHaveLength(1);
		expect(cursors(forIocs)).toEqual(cursors(forAlerts));
		// Nothing new: the next run merges nothing.
		expect((await run('iocs', forIocs)).outputs[0]).toEqual([]);
	});

	test('Return All of the alerts counts first, with the same query and filters; a Limit does not count', async () => {
		const credentials = credentialsFor(fake);
		fake.clearRequests();
		const options = { reportedSince: '2025-03-01T00:00:00Z', reportedUntil: '2025-03-01T08:19:00Z' };
		const all = await runNode({ node: search, parameters: { query: 'al.ip:*', returnAll: true, options }, credentials });
		expect(all.error).toBeUndefined();
		const [count, ...pages] = searchRequests(fake).map(bodyOf);
		expect(count).toEqual({ query: 'al.ip:*', offset: 0, rows: 0, track_total_hits: 100_001, filters: [expect.stringMatching(/^reporting_ts:\[2025-03-01T00:00:00/)] });
		expect(pages.length).toBeGreaterThan(0);
		for (const page of pages) expect(page).toMatchObject({ query: 'al.ip:*', filters: count.filters, rows: 500 });
		expect(all.outputs[0].length).toBeGreaterThan(0);
		fake.clearRequests();
		await runNode({ node: search, parameters: { query: 'al.ip:*', returnAll: false, limit: 20 }, credentials });
		expect(searchRequests(fake).map((r) => bodyOf(r).rows)).toEqual([20]);
	});
});

describe('Return All of the alerts, past the memory bound', () => {
	const node = { name: 'AL Alert Search', type: 'test', typeVersion: 1, position: [0, 0], parameters: {}, id: 'x' };
	const context = { getNode: () => node } as never;
	function* pages(count: number) {
		for (let page = 0; page < count; page++) yield Array.from({ length: 500 }, (_, i) => ({ alert_id: `a${page}-${i}` }) as IDataObject);
	}
	async function collectAlertOutput(ctx: never, all: Iterable<IDataObject[]>, output: 'alerts' | 'iocs', options: { itemIndex: number; maxHeld?: number }) {
		const sink = alertOutputSink(ctx, output, options);
		for (const page of all) sink.add(page);
		return sink.items();
	}

	test('stops before holding more than the bound, and names the bounded ways', async () => {
		await expect(collectAlertOutput(context, pages(5), 'alerts', { itemIndex: 0, maxHeld: 2000 })).rejects.toMatchObject({
			message: expect.stringContaining('more than 2,000 alerts'),
			description: expect.stringMatching(/Merged IoCs.*Reported Since.*Only Alerts Not Returned Before.*AL Alert Trigger.*Limit/s),
		});
		await expect(collectAlertOutput(context, pages(4), 'alerts', { itemIndex: 0, maxHeld: 2000 })).resolves.toHaveLength(2000);
	});

	// A fake holding 100,001 alerts: about 20 s to build on a loaded machine.
	test('Return All over more than 100,000 alerts says so before the first page, from the count Assemblyline gives', async () => {
		const big = await startFake({ dataset: generateDataset({ seed: 5, alerts: 100_001 }) });
		try {
			const credentials = credentialsFor(big);
			const { outputs, error } = await runNode({ node: search, parameters: { query: '*', returnAll: true }, credentials });
			expect(outputs).toEqual([]);
			expect(error).toMatchObject({
				message: expect.stringContaining('more than 100,000 alerts'),
				description: expect.stringMatching(/counted them; none was fetched.*Merged IoCs.*Reported Since.*AL Alert Trigger/s),
			});
			// One count (no rows, hits counted one past the bound), and no page: no deep-paging cursor was opened.
			expect(searchRequests(big).map(bodyOf)).toEqual([{ query: '*', offset: 0, rows: 0, track_total_hits: 100_001 }]);
			expect(big.search.pits.size).toBe(0);
		} finally {
			await big.close();
		}
	}, 180_000);

	test('the merged output has no such bound (its memory follows distinct IoCs)', async () => {
		await expect(collectAlertOutput(context, pages(5), 'iocs', { itemIndex: 0, maxHeld: 2000 })).resolves.toEqual([]);
	});
});
