/**
 * AL Alert Search's "Merged IoCs" output (issue 21): the alerts' IoCs folded while the pages stream
 * in. Filter Blockable IoCs must give the same Block and Skipped from it as from the alerts.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { AssemblylineAlertSearch } from '../../nodes/AssemblylineAlertSearch/AssemblylineAlertSearch.node';
import { FilterBlockableIocs } from '../../nodes/FilterBlockableIocs/FilterBlockableIocs.node';
import { collectAlertOutput } from '../../nodes/shared/backfill';
import { generateDataset } from '../fakes/assemblyline/index.ts';
import type { FakeAssemblyline } from '../fakes/assemblyline/index.ts';
import { runNode } from '../harness/n8n.ts';
import { bodyOf, credentialsFor, searchRequests, startFake } from './alert.helpers.ts';

const search = new AssemblylineAlertSearch();
const filter = new FilterBlockableIocs();

/** What decides a firewall change: each IoC's type, value, route and reason, verdict, sources and count. */
function decisions(items: INodeExecutionData[]): string[] {
	return items
		.map(({ json }) => {
			const sources = ((json.sources as IDataObject[]) ?? []).map((s) => `${s.alert_id ?? ''}/${s.sid ?? ''}`).sort();
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
		expect(String(bodyOf(searchRequests(fake)[0]).fl).split(',').sort()).toEqual(['al.detailed.domain', 'al.detailed.ip', 'al.detailed.uri', 'alert_id', 'id', 'sid']);
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

		for (const parameters of [{}, { minVerdict: 'malicious', noVerdict: 'block', maxToBlock: 0 }, { allowlist: '10.0.0.0/8\n1.0.0.0/8\n45.0.0.0/8', maxToBlock: 5 }]) {
			const fromAlerts = await runNode({ node: filter, parameters, input: alertItems.map((i) => i.json) });
			const fromIocs = await runNode({ node: filter, parameters, input: iocItems.map((i) => i.json) });
			expect(fromAlerts.error).toBeUndefined();
			expect(fromIocs.error).toBeUndefined();
			expect(fromAlerts.outputs[0].length).toBeGreaterThan(0);
			expect(fromAlerts.outputs[1].length).toBeGreaterThan(0);
			expect(decisions(fromIocs.outputs[0])).toEqual(decisions(fromAlerts.outputs[0]));
			expect(decisions(fromIocs.outputs[1])).toEqual(decisions(fromAlerts.outputs[1]));
		}
	});
});

describe('Return All of the alerts, past the memory bound', () => {
	const node = { name: 'AL Alert Search', type: 'test', typeVersion: 1, position: [0, 0], parameters: {}, id: 'x' };
	const context = { getNode: () => node } as never;
	function* pages(count: number) {
		for (let page = 0; page < count; page++) yield Array.from({ length: 500 }, (_, i) => ({ alert_id: `a${page}-${i}` }) as IDataObject);
	}

	test('stops before holding more than the bound, and names the bounded ways', async () => {
		await expect(collectAlertOutput(context, pages(5), 'alerts', { itemIndex: 0, maxHeld: 2000 })).rejects.toMatchObject({
			message: expect.stringContaining('more than 2,000 alerts'),
			description: expect.stringMatching(/Merged IoCs.*Reported Since.*Only Alerts Not Returned Before.*AL Alert Trigger.*Limit/s),
		});
		await expect(collectAlertOutput(context, pages(4), 'alerts', { itemIndex: 0, maxHeld: 2000 })).resolves.toHaveLength(2000);
	});

	test('the merged output has no such bound (its memory follows distinct IoCs)', async () => {
		await expect(collectAlertOutput(context, pages(5), 'iocs', { itemIndex: 0, maxHeld: 2000 })).resolves.toEqual([]);
	});
});
