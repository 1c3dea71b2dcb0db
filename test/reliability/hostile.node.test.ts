/**
 * Hostile input (issue 8.3) through Filter Blockable IoCs on n8n's engine: alerts whose IoC values,
 * verdicts, tag types and classifications are all adversary-chosen (hostile.arbitraries.ts), in
 * every output mode. Each case runs two workflows, so the case count is FUZZ_RUNS / 100
 * (1,000 in `npm run test:fuzz`), 25 in `npm test`.
 *
 * - the node never fails on them (with or without On Error: Continue);
 * - every occurrence leaves exactly once, Block holds only what the oracle allows;
 * - the blocklist files (binary and text) of every format parse back to exactly the Block values,
 *   and no CSV cell can start a spreadsheet formula.
 */
import fc from 'fast-check';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { FilterBlockableIocs } from '../../nodes/FilterBlockableIocs/FilterBlockableIocs.node';
import * as blockable from '../../nodes/shared/ioc/blockable';
import { fuzzParams } from '../ioc/fuzz';
import { parseCsvStrict, stixPatternLiteral, unguardCell } from '../ioc/helpers';
import { MemoryDeduplicator, runNode } from '../harness/n8n.ts';
import { HOSTILE_CORPUS, hostileValue, verdict } from './hostile.arbitraries.ts';
import { unsafeOnBlock } from './oracle.ts';

const params = fuzzParams(25, 100);
const NUM_RUNS = params.numRuns;

const node = new FilterBlockableIocs();

const anyText = fc.oneof(fc.constantFrom(...HOSTILE_CORPUS.filter((v): v is string => typeof v === 'string' && v.length < 200)), fc.string({ maxLength: 20 }));
const entry = fc.record({
	type: fc.constantFrom('network.dynamic.ip', 'network.static.ip', 'network.dynamic.domain', 'network.static.uri', 'network.static.uri_path', ''),
	value: hostileValue,
	verdict,
});
const alert = fc
	.record({
		alert_id: anyText,
		sid: anyText,
		classification: anyText,
		ip: fc.array(entry, { maxLength: 4 }),
		domain: fc.array(entry, { maxLength: 4 }),
		uri: fc.array(entry, { maxLength: 4 }),
	})
	.map(({ alert_id, sid, classification, ip, domain, uri }) => ({
		json: { alert_id, sid, classification, al: { detailed: { ip, domain, uri } } } as IDataObject,
		count: ip.length + domain.length + uri.length,
	}));
const format = fc.constantFrom('plain', 'paloalto_edl', 'fortigate', 'csv', 'stix');

const occurrences = (items: INodeExecutionData[]) => items.reduce((sum, item) => sum + Number(item.json.occurrences), 0);

function fileText(item: INodeExecutionData): string {
	const text = Buffer.from(item.binary!.data.data, 'base64').toString('utf8');
	expect(text).toBe(item.json.text);
	return text;
}

function entriesOf(text: string, fmt: string): string[] {
	if (fmt === 'csv') {
		const rows = parseCsvStrict(text);
		for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
		return rows.slice(1).map((row) => unguardCell(row[1]));
	}
	if (fmt === 'stix') return JSON.parse(text).objects.map((object: { pattern: string }) => stixPatternLiteral(object.pattern).value);
	expect(text.endsWith('\n')).toBe(true);
	return text.slice(0, -1).split('\n');
}

describe(`Filter Blockable IoCs on hostile alerts (${NUM_RUNS} cases, two workflows each)`, () => {
	test('never fails, accounts for every occurrence, blocks only safe values, and its files parse', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(alert, { minLength: 1, maxLength: 5 }), format, fc.boolean(), async (alerts, fmt, continueOnFail) => {
				const input = alerts.map((a) => a.json);
				const parameters = { minVerdict: 'info', noVerdict: 'block', maxToBlock: 0 };
				const items = await runNode({ node, parameters, input, continueOnFail });
				expect(items.error).toBeUndefined();
				const [block = [], skipped = []] = items.outputs;
				expect(occurrences(block) + occurrences(skipped)).toBe(alerts.reduce((sum, a) => sum + a.count, 0));
				for (const out of skipped) expect(out.json.reason).not.toBe('error');
				const unsafe = block.map((out) => unsafeOnBlock(String(out.json.type), String(out.json.value))).filter((why) => why !== null);
				expect(unsafe).toEqual([]);

				const files = await runNode({ node, parameters: { ...parameters, output: 'files', blocklistFormat: fmt }, input, continueOnFail });
				expect(files.error).toBeUndefined();
				const [lists = []] = files.outputs;
				for (const list of lists) {
					const type = String(list.json.ioc_type);
					const values = block.filter((out) => out.json.type === type).map((out) => String(out.json.value));
					const expected = (fmt === 'paloalto_edl' || fmt === 'fortigate') && type === 'uri' ? [...new Set(values.map((v) => v.replace(/^[a-z]+:\/\//, '')))] : values;
					expect(entriesOf(fileText(list), fmt)).toEqual(expected);
				}
				expect(lists.map((list) => list.json.ioc_type)).toEqual(['ip', 'domain', 'uri'].filter((type) => block.some((out) => out.json.type === type)));
			}),
			params,
		);
	});
});

// Named regression (issue 20, fuzz seed 633044083): one planted URL whose host kept a trailing dot
// after refanging and IDN mapping reached Block, and the export re-check then failed the whole
// "blocklist files" run. Now it is Skipped as invalid and the rest of the run is exported.
describe('regression: one hostile URL among good IoCs, blocklist files', () => {
	test.each(['plain', 'paloalto_edl', 'fortigate', 'csv', 'stix'])('%s: the node exports the good IoCs and skips the hostile one', async (fmt) => {
		const input = [
			{ sid: 'S1', type: 'uri', value: 'https://аco.uk(dot)．', verdict: 'malicious' },
			{ sid: 'S1', type: 'uri', value: 'hxxps://evil[.]com[.]。/x', verdict: 'malicious' },
			{ sid: 'S2', type: 'uri', value: 'https://evil-updates.com/a', verdict: 'malicious' },
			{ sid: 'S2', type: 'domain', value: 'evil-updates.com', verdict: 'malicious' },
		];
		const run = await runNode({ node, parameters: { output: 'files', blocklistFormat: fmt }, input });
		expect(run.error).toBeUndefined();
		const [lists = [], skipped = []] = run.outputs;
		const uri = fmt === 'paloalto_edl' || fmt === 'fortigate' ? 'evil-updates.com/a' : 'https://evil-updates.com/a';
		expect(lists.map((list) => [list.json.ioc_type, entriesOf(fileText(list), fmt)])).toEqual([
			['domain', ['evil-updates.com']],
			['uri', [uri]],
		]);
		expect(skipped.map((out) => [out.json.original ?? out.json.value, out.json.reason])).toEqual([
			['https://аco.uk(dot)．', 'invalid'],
			['hxxps://evil[.]com[.]。/x', 'invalid'],
		]);
	});
});

// The Filter and the exporters share one definition, so the exporters cannot refuse what the Filter
// blocks; should they ever (a future bug), the refused IoC goes to Skipped as `not_exportable`, the
// rest are exported, and the refused one is not remembered as blocked.
describe('an IoC the exporters refuse, through the node', () => {
	test('goes to Skipped as not_exportable, the others are exported, and a later run sends it', async () => {
		const deduplicator = new MemoryDeduplicator();
		const input = [
			{ sid: 'S1', type: 'ip', value: '45.83.0.1', verdict: 'malicious' },
			{ sid: 'S1', type: 'ip', value: '45.83.0.2', verdict: 'malicious' },
			{ sid: 'S2', type: 'domain', value: 'evil-updates.com', verdict: 'malicious' },
		];
		const parameters = { output: 'files', blocklistFormat: 'plain', onlyNew: true };
		const real = blockable.isExportable;
		const spy = jest.spyOn(blockable, 'isExportable').mockImplementation((type, value) => value !== '45.83.0.2' && real(type, value));
		let first;
		try {
			// An active workflow's execution: test runs record nothing as blocked.
			first = await runNode({ node, parameters, input, workflow: { deduplicator }, mode: 'trigger' });
		} finally {
			spy.mockRestore();
		}
		expect(first.error).toBeUndefined();
		const [lists = [], skipped = []] = first.outputs;
		expect(lists.map((list) => [list.json.ioc_type, list.json.count, list.json.text, list.pairedItem])).toEqual([
			['ip', 1, '45.83.0.1\n', [{ item: 0 }]],
			['domain', 1, 'evil-updates.com\n', [{ item: 2 }]],
		]);
		expect(skipped.map((out) => [out.json.value, out.json.reason, out.pairedItem])).toEqual([['45.83.0.2', 'not_exportable', [{ item: 1 }]]]);
		expect(String(skipped[0].json.reason_text)).toMatch(/^Cannot export "45\.83\.0\.2" \(ip\) as plain/);

		const second = await runNode({ node, parameters, input, workflow: { deduplicator }, mode: 'trigger' });
		const [again = [], held = []] = second.outputs;
		expect(again.map((list) => list.json.text)).toEqual(['45.83.0.2\n']);
		expect(held.map((out) => [out.json.value, out.json.reason])).toEqual([
			['45.83.0.1', 'already_blocked'],
			['evil-updates.com', 'already_blocked'],
		]);
	});
});
