/**
 * Case 1 (and 5): every alert of a search with Return All, deep-paging 500 at a time.
 * side "node": AL Alert Search through the node tests' n8n execution context (real WorkflowExecute,
 * real httpRequestWithAuthentication). side "raw": the same requests with undici and JSON.parse,
 * keeping the alerts in an array as the node does (its output).
 */
import { childMain, measure } from '../lib/measure.ts';
import type { Server } from '../lib/n8n.ts';
import { rawJson } from '../lib/raw.ts';

interface Args {
	side: 'node' | 'raw';
	server: Server;
	/** Expected alert count (a check that the run fetched them all). */
	expect: number;
}

// What the node sends by default: its default query and projection (alert_id is already named).
const QUERY = 'al.ip:* OR al.domain:* OR al.uri:*';
const FIELDS = 'alert_id,sid,reporting_ts,al.detailed,file,label,status,priority';
const PAGE = 500;

async function viaNode(server: Server, limit?: number): Promise<number> {
	// Loaded here, so the raw side's process never holds n8n.
	const { credentials, harness, nodeClass } = await import('../lib/n8n.ts');
	const AlertSearch = nodeClass('AssemblylineAlertSearch');
	const { outputs, error } = await harness.runNode({
		node: new AlertSearch(),
		parameters: {
			index: 'alert',
			query: QUERY,
			alertFields: FIELDS,
			returnAll: limit === undefined,
			...(limit === undefined ? {} : { limit }),
			options: {},
		},
		credentials: credentials(server),
	});
	if (error) throw error;
	return outputs[0].length;
}

async function viaRaw(server: Server, limit = Infinity): Promise<number> {
	const alerts: unknown[] = [];
	let deepPagingId = '*';
	for (;;) {
		const rows = Math.min(PAGE, limit - alerts.length);
		const page = await rawJson<{ items: unknown[]; next_deep_paging_id?: string }>(server, 'POST', '/api/v4/search/alert/', {
			query: QUERY,
			offset: 0,
			fl: FIELDS,
			rows,
			deep_paging_id: deepPagingId,
		});
		for (const item of page.items) alerts.push(item);
		if (page.items.length < rows || !page.next_deep_paging_id || alerts.length >= limit) return alerts.length;
		deepPagingId = page.next_deep_paging_id;
	}
}

await childMain<Args>(async ({ side, server, expect }) => {
	const run = side === 'node' ? viaNode : viaRaw;
	await run(server, 1500); // warm-up: loads modules, JITs the paging path (3 pages)
	const result = await measure(async () => ({ items: await run(server) }));
	if (result.items !== expect) throw new Error(`${side}: ${result.items} alerts, expected ${expect}`);
	return result;
});
