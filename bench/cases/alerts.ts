/**
 * Case 1 (and 5, 6): every alert of a search with Return All, deep-paging 500 at a time.
 * side "node": AL Alert Search through the node tests' n8n execution context (real WorkflowExecute,
 * real httpRequestWithAuthentication). side "raw": the same requests with undici and JSON.parse,
 * keeping the alerts in an array as the node does (its output). side "iocs" (case 6): AL Alert
 * Search with Output "Merged IoCs", which folds the alerts as the pages arrive.
 * `block: true`: after the timed run, the Block set Filter Blockable IoCs' library gives from the
 * output (a hash and a count), so the two node outputs can be compared.
 */
import { createHash } from 'node:crypto';

import { childMain, measure } from '../lib/measure.ts';
import type { Server } from '../lib/n8n.ts';
import { rawJson } from '../lib/raw.ts';

interface Args {
	side: 'node' | 'raw' | 'iocs';
	server: Server;
	/** Expected alert count (a check that the run fetched them all). */
	expect: number;
	block?: boolean;
	/** The node's Page Size option (default: the node's default). */
	pageSize?: number;
}

// What the node sends by default: its default query and projection (alert_id is already named).
const QUERY = 'al.ip:* OR al.domain:* OR al.uri:*';
const FIELDS = 'alert_id,sid,reporting_ts,al.detailed,file,label,status,priority';
const PAGE = 500;

// Return All of more alerts than the node holds stops with an error (nodes/shared/backfill.ts);
// beyond that the alert output is asked for with a Limit, which pages the same way.
const MAX_RETURN_ALL = 100_000;

let lastOutput: import('n8n-workflow').INodeExecutionData[] = [];

async function viaNode(server: Server, limit?: number, output: 'alerts' | 'iocs' = 'alerts', total?: number, pageSize?: number): Promise<number> {
	// Loaded here, so the raw side's process never holds n8n.
	const { credentials, harness, nodeClass } = await import('../lib/n8n.ts');
	const AlertSearch = nodeClass('AssemblylineAlertSearch');
	const big = limit === undefined && output === 'alerts' && (total ?? 0) > MAX_RETURN_ALL;
	const { outputs, error } = await harness.runNode({
		node: new AlertSearch(),
		parameters: {
			index: 'alert',
			query: QUERY,
			alertFields: FIELDS,
			alertOutput: output,
			returnAll: limit === undefined && !big,
			...(limit === undefined ? (big ? { limit: total } : {}) : { limit }),
			options: pageSize ? { pageSize } : {},
		},
		credentials: credentials(server),
	});
	if (error) throw error;
	lastOutput = outputs[0];
	return outputs[0].length;
}

/** The Block set of the last output, as Filter Blockable IoCs' library decides it (no cap). */
async function blockSet(): Promise<{ blockHash: string; blockCount: number }> {
	const { require, DIST } = await import('../lib/paths.ts');
	const ioc = require(`${DIST}/nodes/shared/ioc/index.js`) as typeof import('../../nodes/shared/ioc/index.ts');
	const occurrences = [];
	for (let i = 0; i < lastOutput.length; i++) {
		for (const o of ioc.extractOccurrences(lastOutput[i].json, { itemIndex: i })) occurrences.push(o);
	}
	const { block } = ioc.decideIocs(occurrences, { minVerdict: 'suspicious', noVerdict: 'skip' });
	const keys = block.map((item) => `${item.type}\u0000${item.value}\u0000${item.verdict}\u0000${item.occurrences}`).sort();
	return { blockHash: createHash('sha256').update(keys.join('\n')).digest('hex').slice(0, 16), blockCount: keys.length };
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

await childMain<Args>(async ({ side, server, expect, block, pageSize }) => {
	const run = side === 'raw' ? viaRaw : (s: Server, limit?: number) => viaNode(s, limit, side === 'iocs' ? 'iocs' : 'alerts', expect, pageSize);
	await run(server, 1500); // warm-up: loads modules, JITs the paging path (3 pages)
	const result = await measure(async () => ({ items: await run(server) }));
	if (side !== 'iocs' && result.items !== expect) throw new Error(`${side}: ${result.items} alerts, expected ${expect}`);
	if (!block || side === 'raw') return result;
	return { ...result, extra: { ...result.extra, ...(await blockSet()) } };
});
