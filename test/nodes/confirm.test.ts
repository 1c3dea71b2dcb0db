/**
 * Filter Blockable IoCs in "Remember an IoC: When Confirm Blocked IoCs Records It" mode together
 * with Confirm Blocked IoCs. Each runNode call is one execution of one node; passing the same
 * MemoryDeduplicator and workflow id emulates successive executions of one workflow, and giving
 * the two nodes different ids shows that they share the workflow-scope history.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { ConfirmBlockedIocs } from '../../nodes/ConfirmBlockedIocs/ConfirmBlockedIocs.node';
import { FilterBlockableIocs } from '../../nodes/FilterBlockableIocs/FilterBlockableIocs.node';
import { MemoryDeduplicator, runNode } from '../harness/n8n.ts';

const filterNode = new FilterBlockableIocs();
const confirmNode = new ConfirmBlockedIocs();
const WORKFLOW = 'wf-soc';
const CONFIRM_MODE = { onlyNew: true, remember: 'confirmed' };
// In a workflow the defaults reach back to the Filter's item; here the Confirm node's input
// items are the Filter's Block items themselves.
const FROM_INPUT = { iocType: '={{ $json.type }}', iocValue: '={{ $json.value }}' };
// Executions of the active workflow: test runs record nothing (see the test-run describe below).
const ACTIVE = 'trigger' as const;

const A = { value: '45.83.0.1', type: 'ip', verdict: 'malicious' };
const B = { value: '45.83.0.2', type: 'ip', verdict: 'malicious' };
const C = { value: '45.83.0.3', type: 'ip', verdict: 'suspicious' };
const many = (count: number, from = 0): IDataObject[] =>
	Array.from({ length: count }, (_, i) => ({ value: `45.83.1.${from + i}`, type: 'ip', verdict: 'malicious' }));

interface Split {
	block: INodeExecutionData[];
	skipped: INodeExecutionData[];
}

async function filter(dedup: MemoryDeduplicator, parameters: INodeParameters, input: IDataObject[], mode: 'trigger' | 'manual' = ACTIVE): Promise<Split> {
	const result = await runNode({ node: filterNode, parameters, input, nodeId: 'filter', workflow: { id: WORKFLOW, deduplicator: dedup }, mode });
	if (result.error) throw result.error;
	return { block: result.outputs[0], skipped: result.outputs[1] };
}

async function confirm(dedup: MemoryDeduplicator, input: IDataObject[], parameters: INodeParameters = {}, continueOnFail = false, mode: 'trigger' | 'manual' = ACTIVE) {
	return await runNode({
		node: confirmNode,
		parameters: { ...FROM_INPUT, ...parameters },
		input,
		continueOnFail,
		nodeId: 'confirm',
		workflow: { id: WORKFLOW, deduplicator: dedup },
		mode,
	});
}

const history = (dedup: MemoryDeduplicator) => dedup.tables.get(`${WORKFLOW}|`) ?? [];
const values = (items: INodeExecutionData[]) => items.map((item) => item.json.value);
const reasons = (items: INodeExecutionData[]) => items.map((item) => [item.json.value, item.json.reason]);

describe('default mode ("When It Goes to Block") is unchanged', () => {
	it('an explicit "passedOn" gives the same outputs and the same node-scope history as no setting', async () => {
		const before = new MemoryDeduplicator();
		const explicit = new MemoryDeduplicator();
		for (let run = 0; run < 2; run++) {
			const old = await filter(before, { onlyNew: true, maxToBlock: 2 }, [A, B, C]);
			const now = await filter(explicit, { onlyNew: true, maxToBlock: 2, remember: 'passedOn' }, [A, B, C]);
			expect(now).toEqual(old);
		}
		expect([...explicit.tables]).toEqual([...before.tables]);
		expect([...before.tables.keys()]).toEqual([`${WORKFLOW}|n:filter`]);
	});

	it('"Remember an IoC" is ignored while "Only IoCs Not Passed On Before" is off', async () => {
		const dedup = new MemoryDeduplicator();
		await filter(dedup, { remember: 'confirmed' }, [A]);
		expect(dedup.tables.size).toBe(0);
	});
});

describe('confirm mode: an IoC counts as blocked only once Confirm Blocked IoCs ran for it', () => {
	it('a crash between the Filter and Confirm sends the IoC again; once confirmed it is already_blocked', async () => {
		const dedup = new MemoryDeduplicator();
		const run1 = await filter(dedup, CONFIRM_MODE, [A]);
		expect(values(run1.block)).toEqual(['45.83.0.1']);
		expect(history(dedup)).toEqual([]); // the Filter only checked
		// The worker dies here: the firewall call and Confirm Blocked IoCs never ran.

		const run2 = await filter(dedup, CONFIRM_MODE, [A]);
		expect(values(run2.block)).toEqual(['45.83.0.1']);
		expect(run2.skipped).toEqual([]);
		const confirmed = await confirm(dedup, run2.block.map((item) => item.json));
		expect(confirmed.error).toBeUndefined();
		expect(history(dedup)).toHaveLength(1);

		const run3 = await filter(dedup, CONFIRM_MODE, [A]);
		expect(run3.block).toEqual([]);
		expect(reasons(run3.skipped)).toEqual([['45.83.0.1', 'already_blocked']]);
		expect(run3.skipped[0].json.reason_text).toMatch(/Confirm Blocked IoCs in an earlier run/);
	});

	it('only the IoCs whose firewall call went through are held back later', async () => {
		const dedup = new MemoryDeduplicator();
		const run1 = await filter(dedup, CONFIRM_MODE, [A, B, C]);
		expect(values(run1.block)).toEqual(['45.83.0.1', '45.83.0.2', '45.83.0.3']);
		await confirm(dedup, [run1.block[1].json]); // only B reached the firewall
		const run2 = await filter(dedup, CONFIRM_MODE, [A, B, C]);
		expect(values(run2.block)).toEqual(['45.83.0.1', '45.83.0.3']);
		expect(reasons(run2.skipped)).toEqual([['45.83.0.2', 'already_blocked']]);
	});

	it('the Filter leaves the history exactly as it found it (contents and order)', async () => {
		const dedup = new MemoryDeduplicator();
		await confirm(dedup, [B, ...many(3)]);
		const before = [...history(dedup)];
		await filter(dedup, CONFIRM_MODE, [A, B, C, ...many(5)]);
		expect(history(dedup)).toEqual(before);
	});

	it('the Filter and Confirm share one workflow-scope history, apart from the default mode\'s node history', async () => {
		const dedup = new MemoryDeduplicator();
		await filter(dedup, { onlyNew: true }, [A]); // default mode: node scope
		const confirmMode = await filter(dedup, CONFIRM_MODE, [A]);
		expect(values(confirmMode.block)).toEqual(['45.83.0.1']);
		await confirm(dedup, [A]);
		expect([...dedup.tables.keys()].sort()).toEqual([`${WORKFLOW}|`, `${WORKFLOW}|n:filter`]);
	});

	it('a value confirmed in another spelling matches the Filter\'s normalised key', async () => {
		const dedup = new MemoryDeduplicator();
		const input = [
			{ type: 'domain', value: 'Evil-Updates.COM', verdict: 'malicious' },
			{ type: 'uri', value: 'HTTP://Evil-Updates.com/a', verdict: 'malicious' },
			{ type: 'ip', value: '2606:4700:4700:0:0:0:0:1111', verdict: 'malicious' },
		];
		const run1 = await filter(dedup, CONFIRM_MODE, input);
		expect(run1.block).toHaveLength(3);
		await confirm(dedup, [
			{ t: 'network.static.domain', v: 'evil-updates[.]com' },
			{ t: 'URL', v: 'hxxp://evil-updates[.]com/a' },
			{ t: 'ipv6', v: '2606:4700:4700::1111' },
		], { iocType: '={{ $json.t }}', iocValue: '={{ $json.v }}' });
		const run2 = await filter(dedup, CONFIRM_MODE, input);
		expect(run2.block).toEqual([]);
		expect(run2.skipped.map((item) => item.json.reason)).toEqual(['already_blocked', 'already_blocked', 'already_blocked']);
	});

	it('takes a list of IoCs of one type per item (a firewall call that blocks many at once)', async () => {
		const dedup = new MemoryDeduplicator();
		await confirm(dedup, [{ kind: 'ip', list: ['45.83.0.1', '45.83.0.2'] }], { iocType: '={{ $json.kind }}', iocValue: '={{ $json.list }}' });
		const run = await filter(dedup, CONFIRM_MODE, [A, B, C]);
		expect(values(run.block)).toEqual(['45.83.0.3']);
	});

	it('passes its items through unchanged, paired one to one', async () => {
		const dedup = new MemoryDeduplicator();
		const input = [{ ...A, status: 201 }, { ...B, status: 200, body: { id: 7 } }];
		const result = await confirm(dedup, input);
		expect(result.outputs).toHaveLength(1);
		expect(result.outputs[0].map((item) => item.json)).toEqual(input);
		expect(result.outputs[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('does not record items that carry an error (the firewall step\'s "On Error: Continue" output)', async () => {
		const dedup = new MemoryDeduplicator();
		const result = await confirm(dedup, [{ ...A, error: 'connect ECONNREFUSED' }, B]);
		expect(result.outputs[0].map((item) => item.json.value)).toEqual(['45.83.0.1', '45.83.0.2']);
		const run = await filter(dedup, CONFIRM_MODE, [A, B]);
		expect(values(run.block)).toEqual(['45.83.0.1']);
	});
});

describe('confirm mode: cap and History Size', () => {
	it('IoCs over the cap are never recorded and go to Block in a later run', async () => {
		const dedup = new MemoryDeduplicator();
		const params = { ...CONFIRM_MODE, maxToBlock: 2 };
		const run1 = await filter(dedup, params, [A, B, C]);
		expect(values(run1.block)).toEqual(['45.83.0.1', '45.83.0.2']);
		expect(reasons(run1.skipped)).toEqual([['45.83.0.3', 'over_cap']]);
		expect(history(dedup)).toEqual([]);
		await confirm(dedup, run1.block.map((item) => item.json));

		const run2 = await filter(dedup, params, [A, B, C]);
		expect(values(run2.block)).toEqual(['45.83.0.3']);
		expect(reasons(run2.skipped)).toEqual([
			['45.83.0.1', 'already_blocked'],
			['45.83.0.2', 'already_blocked'],
		]);
	});

	it('confirmed IoCs do not count against the cap', async () => {
		const dedup = new MemoryDeduplicator();
		await confirm(dedup, many(3));
		const run = await filter(dedup, { ...CONFIRM_MODE, maxToBlock: 1 }, [...many(3), A, B]);
		expect(values(run.block)).toEqual(['45.83.0.1']);
		expect(run.skipped.map((item) => item.json.reason)).toEqual(['already_blocked', 'already_blocked', 'already_blocked', 'over_cap']);
	});

	it('Confirm\'s History Size keeps the newest (FIFO); the forgotten ones go to Block again', async () => {
		const dedup = new MemoryDeduplicator();
		await confirm(dedup, many(3), { historySize: 3 });
		await confirm(dedup, many(2, 3), { historySize: 3 });
		expect(history(dedup)).toHaveLength(3);
		const run = await filter(dedup, CONFIRM_MODE, many(5));
		expect(values(run.block)).toEqual(['45.83.1.0', '45.83.1.1']);
		expect(values(run.skipped)).toEqual(['45.83.1.2', '45.83.1.3', '45.83.1.4']);
	});

	it('the Filter\'s own History Size does not apply (its check never trims the history)', async () => {
		const dedup = new MemoryDeduplicator();
		await confirm(dedup, many(3));
		const run = await filter(dedup, { ...CONFIRM_MODE, historySize: 1 }, [...many(3), A, B]);
		expect(values(run.block)).toEqual(['45.83.0.1', '45.83.0.2']);
		expect(history(dedup)).toHaveLength(3);
	});

	it('re-confirming an IoC keeps one entry', async () => {
		const dedup = new MemoryDeduplicator();
		await confirm(dedup, [A, A]);
		await confirm(dedup, [A]);
		expect(history(dedup)).toHaveLength(1);
	});
});

describe('Confirm Blocked IoCs: errors', () => {
	const failing = async (input: IDataObject[], parameters: INodeParameters = {}) => {
		const dedup = new MemoryDeduplicator();
		const result = await confirm(dedup, input, parameters);
		expect(result.error).toBeDefined();
		expect(history(dedup)).toEqual([]); // nothing is recorded when the node fails
		return result.error!;
	};

	it('an empty type names the item', async () => {
		const error = await failing([A, { value: '45.83.0.9', type: '' }]);
		expect(error.message).toBe('Item 1: "IoC Type" is empty');
		expect(error.context?.itemIndex).toBe(1);
	});

	it('a type that cannot be blocked', async () => {
		const error = await failing([{ type: 'email', value: 'a@evil.com' }]);
		expect(error.message).toBe('Item 0: IoC Type "email" is not a type that can be blocked (ip, domain or uri)');
		expect(error.context?.itemIndex).toBe(0);
	});

	it('a missing or non-text value', async () => {
		expect((await failing([{ type: 'ip' }])).message).toBe('Item 0: "IoC Value" is empty or not text');
		expect((await failing([{ type: 'ip', value: 42 }])).message).toBe('Item 0: "IoC Value" is empty or not text');
		expect((await failing([{ type: 'ip', list: [] }], { iocValue: '={{ $json.list }}' })).message).toBe('Item 0: "IoC Value" is empty or not text');
	});

	it('a value that is not of its type', async () => {
		const error = await failing([A, B, { type: 'ip', value: 'evil.com' }]);
		expect(error.message).toMatch(/^Item 2: IoC Value "evil\.com" is not an IP address/);
		expect(error.context?.itemIndex).toBe(2);
		expect(error.description).toMatch(/renamed that node/);
	});

	it('History Size must be a whole number ≥ 1', async () => {
		expect((await failing([A], { historySize: 0 })).message).toBe('"History Size" must be a whole number ≥ 1, not 0');
	});

	it('On Error: Continue turns a bad item into an error item and records the good ones', async () => {
		const dedup = new MemoryDeduplicator();
		const result = await confirm(dedup, [A, { type: 'ip', value: 'nope' }, B], {}, true);
		expect(result.error).toBeUndefined();
		const out = result.outputs[0];
		expect(out.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out[1].json.error).toMatch(/^Item 1: IoC Value "nope"/);
		expect(out[0].json).toEqual(A);
		expect(history(dedup)).toHaveLength(2);
	});

	it('the default expressions without a "Filter Blockable IoCs" node: the error says how to fix them', async () => {
		const dedup = new MemoryDeduplicator();
		const result = await runNode({ node: confirmNode, parameters: {}, input: [A], workflow: { id: WORKFLOW, deduplicator: dedup } });
		expect(result.error?.message).toBe('Item 0: "IoC Type" could not be read: Referenced node doesn\'t exist');
		expect(result.error?.description).toMatch(/renamed that node/);
		expect(result.error?.context?.itemIndex).toBe(0);
	});
});

describe('test runs (manual executions) record nothing', () => {
	it('Confirm in a test run passes the items on, records nothing, and says so', async () => {
		const dedup = new MemoryDeduplicator();
		const first = await filter(dedup, CONFIRM_MODE, [A, B], 'manual');
		const confirmed = await confirm(dedup, first.block.map((item) => item.json), {}, false, 'manual');
		expect(confirmed.error).toBeUndefined();
		expect(confirmed.outputs[0]).toHaveLength(2);
		expect(history(dedup)).toHaveLength(0);
		expect(confirmed.hints).toEqual([{ type: 'info', message: expect.stringMatching(/^Test run: 2 IoCs not recorded as blocked/) }]);
		// So a second test run sends the same IoCs again.
		const second = await filter(dedup, CONFIRM_MODE, [A, B], 'manual');
		expect(values(second.block)).toEqual(values(first.block));
	});

	it('a test run still checks its items, and the Filter still holds back what active executions confirmed', async () => {
		const dedup = new MemoryDeduplicator();
		await confirm(dedup, [A]); // an active execution
		const bad = await confirm(dedup, [{ type: 'ip', value: 'nope' }], {}, false, 'manual');
		expect(bad.error?.message).toMatch(/^Item 0: IoC Value "nope"/);
		const test = await filter(dedup, CONFIRM_MODE, [A, B], 'manual');
		expect(values(test.block)).toEqual(['45.83.0.2']);
		expect(reasons(test.skipped)).toEqual([['45.83.0.1', 'already_blocked']]);
		expect(history(dedup)).toHaveLength(1);
	});

	it('the notice says so', () => {
		const notice = confirmNode.description.properties.find((p) => p.name === 'notice');
		expect(notice?.displayName).toMatch(/Test runs in the editor record nothing/);
	});
});

describe('Confirm Blocked IoCs: default expressions', () => {
	it('read type and value from the "Filter Blockable IoCs" item through pairedItem', async () => {
		const dedup = new MemoryDeduplicator();
		const run1 = await filter(dedup, CONFIRM_MODE, [A, B]);
		// The feeder node carries the Filter's name, so $('Filter Blockable IoCs').item resolves
		// through n8n's pairedItem lookup, as it does behind a firewall step.
		const result = await runNode({
			node: confirmNode,
			parameters: {},
			input: run1.block.map((item) => item.json),
			inputName: 'Filter Blockable IoCs',
			workflow: { id: WORKFLOW, deduplicator: dedup },
			mode: ACTIVE,
		});
		expect(result.error).toBeUndefined();
		const run2 = await filter(dedup, CONFIRM_MODE, [A, B, C]);
		expect(values(run2.block)).toEqual(['45.83.0.3']);
	});

	it('are the documented expressions', () => {
		const byName = Object.fromEntries(confirmNode.description.properties.map((p) => [p.name, p.default]));
		expect(byName.iocType).toBe("={{ $('Filter Blockable IoCs').item.json.type }}");
		expect(byName.iocValue).toBe("={{ $('Filter Blockable IoCs').item.json.value }}");
		expect(byName.historySize).toBe(10000);
	});
});
