/**
 * Case 2: the summaries of N submissions. side "node": AL Submission IoCs (Summary API, network
 * IoCs, grouped) over N input items {sid}, through the node tests' n8n execution context. side
 * "raw": the same GETs with undici and JSON.parse, 4 at a time like the node (its CONCURRENCY).
 */
import { childMain, measure } from '../lib/measure.ts';
import type { Server } from '../lib/n8n.ts';
import { rawJson } from '../lib/raw.ts';

interface Args {
	side: 'node' | 'raw';
	server: Server;
	sids: string[];
}

const CONCURRENCY = 4;

async function viaNode(server: Server, sids: string[]): Promise<number> {
	const { credentials, harness, nodeClass } = await import('../lib/n8n.ts');
	const SubmissionIocs = nodeClass('AssemblylineSubmissionIocs');
	const { outputs, error } = await harness.runNode({
		node: new SubmissionIocs(),
		parameters: { sid: '={{ $json.sid }}', source: 'summary', tags: 'network', output: 'grouped', waitForCompletion: false },
		input: sids.map((sid) => ({ sid })),
		credentials: credentials(server),
	});
	if (error) throw error;
	return outputs[0].length;
}

async function viaRaw(server: Server, sids: string[]): Promise<number> {
	const summaries: unknown[] = new Array(sids.length);
	let next = 0;
	const worker = async () => {
		while (next < sids.length) {
			const i = next++;
			summaries[i] = await rawJson(server, 'GET', `/api/v4/submission/summary/${sids[i]}/`);
		}
	};
	await Promise.all(Array.from({ length: CONCURRENCY }, worker));
	return summaries.length;
}

await childMain<Args>(async ({ side, server, sids }) => {
	const run = side === 'node' ? viaNode : viaRaw;
	await run(server, sids.slice(0, 20)); // warm-up
	const result = await measure(async () => ({ items: await run(server, sids) }));
	if (result.items !== sids.length) throw new Error(`${side}: ${result.items} items for ${sids.length} submissions`);
	return result;
});
