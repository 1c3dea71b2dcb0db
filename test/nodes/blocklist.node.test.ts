/**
 * The IoC Blocklist node on n8n-core's WorkflowExecute: its operations wire the pure module
 * (nodes/shared/blocklist) to n8n items, and Render Feed fails (so the webhook answers 5xx) rather
 * than serve an empty list from input it cannot trust.
 */
import type { IDataObject } from 'n8n-workflow';

import { IocBlocklist } from '../../nodes/IocBlocklist/IocBlocklist.node';
import { runNode } from '../harness/n8n.ts';

const node = new IocBlocklist();
const json = (items: { json: IDataObject }[]): Record<string, any>[] => items.map((i) => i.json);

const BLOCK = [
	{ type: 'ip', value: '91.214.124.19', verdict: 'malicious', sources: [{ alert_id: 'a1' }] },
	{ type: 'domain', value: 'evil-c2.top', verdict: 'suspicious', sources: [{ sid: 's1' }] },
	{ type: 'ip', value: '10.1.2.3', verdict: 'malicious', sources: [] },
];

async function prepare(input: IDataObject[]) {
	return runNode({ node, parameters: { operation: 'prepareRows', addedBy: 'SOC automation' }, input });
}

describe('IoC Blocklist node', () => {
	test('Prepare Rows: IoCs and the Data Table output (with its one empty item for an empty table) in, rows out, held-back IoCs on the second output', async () => {
		const r = await prepare([...BLOCK, {}]);
		expect(r.error).toBeUndefined();
		const [rows, refused] = r.outputs;
		expect(json(rows).map((row) => row.key)).toEqual(['ip:91.214.124.19', 'domain:evil-c2.top']);
		expect(json(rows)[0]).toMatchObject({ status: 'block', added_by: 'SOC automation', sources: 'alert:a1' });
		expect(rows.map((i) => i.pairedItem)).toEqual([[{ item: 0 }], [{ item: 1 }]]);
		expect(json(refused)).toEqual([expect.objectContaining({ value: '10.1.2.3', reason: 'not_blockable' })]);

		// Run again with the stored rows (Data Table system columns included): same keys, nothing duplicated.
		const stored: Record<string, any>[] = json(rows).map((row, id) => ({ id: id + 1, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', ...row }));
		const again = await prepare([...BLOCK.slice(0, 2), ...stored]);
		expect(json(again.outputs[0]).map((row) => row.key)).toEqual(['ip:91.214.124.19', 'domain:evil-c2.top']);
		expect(json(again.outputs[0]).map((row) => row.first_seen)).toEqual(stored.map((row) => row.first_seen));
	});

	test('Render Feed: a feed item for Respond to Webhook; hand-edited rows on Held Back', async () => {
		const rows = json((await prepare(BLOCK)).outputs[0]);
		const hostile = { ...rows[0], key: 'ip:10.0.0.0/8', value: '10.0.0.0/8' };
		const r = await runNode({ node, parameters: { operation: 'renderFeed', feedType: 'ip', format: 'paloalto_edl' }, input: [...rows, hostile] });
		expect(r.error).toBeUndefined();
		expect(json(r.outputs[0])).toEqual([
			expect.objectContaining({ status_code: 200, body: '91.214.124.19\n', content_type: 'text/plain; charset=utf-8', entries: 1, held_back: 1 }),
		]);
		expect(json(r.outputs[1])).toEqual([expect.objectContaining({ key: 'ip:10.0.0.0/8' })]);
		const unknown = await runNode({ node, parameters: { operation: 'renderFeed', feedType: 'md5', format: 'paloalto_edl' }, input: rows });
		expect(json(unknown.outputs[0])[0]).toMatchObject({ status_code: 404 });
	});

	test('Render Feed fails on input that is not blocklist rows (never an empty 200); one empty item is an empty table', async () => {
		const other = await runNode({ node, parameters: { operation: 'renderFeed', feedType: 'ip', format: 'plain' }, input: [{ error: 'Data table not found' }] });
		expect(other.error?.message).toMatch(/not blocklist rows/);
		const empty = await runNode({ node, parameters: { operation: 'renderFeed', feedType: 'ip', format: 'plain' }, input: [{}] });
		expect(json(empty.outputs[0])[0]).toMatchObject({ status_code: 200, body: '', entries: 0 });
	});

	test('Expired Rows and Unblock', async () => {
		const rows: Record<string, any>[] = json((await prepare(BLOCK)).outputs[0]).map((row, id) => ({ id: id + 7, ...row }));
		rows[1].expires_at = '2020-01-01T00:00:00.000Z';
		const expired = await runNode({ node, parameters: { operation: 'expiredRows' }, input: rows });
		expect(json(expired.outputs[0])).toEqual([expect.objectContaining({ id: 8, key: 'domain:evil-c2.top' })]);

		const unblock = await runNode({ node, parameters: { operation: 'unblock', neverBlock: true, by: 'jane', why: 'false positive' }, input: [{ type: 'ip', value: '91[.]214.124.19' }] });
		expect(json(unblock.outputs[0])).toEqual([expect.objectContaining({ key: 'ip:91.214.124.19', status: 'never_block', added_by: 'jane' })]);
		const bad = await runNode({ node, parameters: { operation: 'unblock' }, input: [{ type: 'ip', value: 'nope' }] });
		expect(bad.error?.message).toMatch(/Cannot unblock/);
	});
});
