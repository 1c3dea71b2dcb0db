/**
 * Load (issue 8.2): 100 executions of the alert workflow at once, AL Alert Search (Return All) →
 * Filter Blockable IoCs, against a fake Assemblyline that enforces a real per-user concurrency quota
 * of 10 (503 "You've exceeded your maximum concurrent API calls quota of 10", as Assemblyline does)
 * and answers each call after a delay, so the executions' calls overlap.
 *
 * Each execution runs both nodes through n8n-core's engine (the harness runs one node per
 * execution, so the workflow is the search execution feeding its items to the filter execution).
 * Every one of the 100 must complete with exactly the items of a lone, unloaded run.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { AssemblylineAlertSearch } from '../../nodes/AssemblylineAlertSearch/AssemblylineAlertSearch.node';
import { FilterBlockableIocs } from '../../nodes/FilterBlockableIocs/FilterBlockableIocs.node';
import { generateDataset, generatedAlertCore, startFakeAssemblyline } from '../fakes/assemblyline/index.ts';
import type { FakeAssemblyline } from '../fakes/assemblyline/index.ts';
import { runNode } from '../harness/n8n.ts';
import { credentialsFor, sorted } from './helpers.ts';

const EXECUTIONS = 100;
const QUOTA = 10;
const ALERTS = 140;
const PAGE = 50; // four calls per execution: the count (Return All of alerts counts first), then 50, 50, 40
const LATENCY_MS = 40;

const search = new AssemblylineAlertSearch();
const filter = new FilterBlockableIocs();

interface WorkflowResult {
	alerts: string[];
	block: unknown[];
	skipped: unknown[];
	error?: string;
}

const plain = (items: INodeExecutionData[] = []) => items.map((item) => item.json);

async function alertWorkflow(fake: FakeAssemblyline): Promise<WorkflowResult> {
	const found = await runNode({
		node: search,
		parameters: { query: '*', returnAll: true, options: { pageSize: PAGE } },
		credentials: credentialsFor(fake),
	});
	if (found.error) return { alerts: [], block: [], skipped: [], error: found.error.message };
	const items = found.outputs[0];
	const filtered = await runNode({ node: filter, parameters: {}, input: items.map((item) => item.json) });
	if (filtered.error) return { alerts: [], block: [], skipped: [], error: filtered.error.message };
	const [block, skipped] = filtered.outputs;
	return { alerts: items.map((item) => String(item.json.alert_id)), block: plain(block), skipped: plain(skipped) };
}

describe(`${EXECUTIONS} alert workflows at once against a concurrency quota of ${QUOTA}`, () => {
	let fake: FakeAssemblyline;
	let alertIds: string[];

	beforeAll(async () => {
		const dataset = generateDataset({ seed: 84, alerts: ALERTS });
		alertIds = Array.from({ length: ALERTS }, (_, i) => generatedAlertCore(dataset.generated!, i).alert_id);
		fake = await startFakeAssemblyline({ dataset, concurrencyQuota: QUOTA, latencyMs: LATENCY_MS, maxRecorded: 100_000 });
	});
	afterAll(() => fake.close());

	test('every execution completes with exactly the items of a lone run, and the quota was hit', async () => {
		const lone = await alertWorkflow(fake);
		expect(lone.error).toBeUndefined();
		expect(sorted(lone.alerts)).toEqual(sorted(alertIds));
		expect(lone.block.length).toBeGreaterThan(0);
		expect(lone.skipped.length).toBeGreaterThan(0);
		expect(fake.requests.filter((r) => r.status === 503)).toHaveLength(0);
		fake.clearRequests();

		const started = Date.now();
		const results = await Promise.all(Array.from({ length: EXECUTIONS }, () => alertWorkflow(fake)));
		const elapsedMs = Date.now() - started;

		const refused = fake.requests.filter((r) => r.status === 503).length;
		const served = fake.requests.filter((r) => r.status === 200).length;
		console.info(`load: ${EXECUTIONS} executions in ${elapsedMs} ms; ${served} calls served, ${refused} refused with 503 (quota ${QUOTA})`);

		expect(results.filter((r) => r.error).map((r) => r.error)).toEqual([]);
		// Compared as JSON text: jest's deep equality over 100 x 250 alerts takes longer than the load.
		const expected = JSON.stringify(lone);
		const differing = results.map((result, i) => [i, JSON.stringify(result)] as const).filter(([, text]) => text !== expected);
		expect(differing.map(([i]) => i)).toEqual([]);
		expect(served).toBe(EXECUTIONS * 4);
		// The quota was really hit, and the fake never had more than QUOTA calls in flight.
		expect(refused).toBeGreaterThan(0);
		// 100 workflows take 12-30 s depending on the machine's load; the bound is for a hang, not speed.
	}, 120_000);
});
