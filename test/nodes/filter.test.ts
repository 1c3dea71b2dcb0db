import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { FilterBlockableIocs } from '../../nodes/FilterBlockableIocs/FilterBlockableIocs.node';
import * as exporters from '../../nodes/shared/ioc/export';
import { MemoryDeduplicator, runNode } from '../harness/n8n.ts';
import { parseCsvStrict, readFixture, stixPatternLiteral, unguardCell } from '../ioc/helpers.ts';

const node = new FilterBlockableIocs();

interface Split {
	block: INodeExecutionData[];
	skipped: INodeExecutionData[];
}

async function filter(
	parameters: INodeParameters,
	input: IDataObject[],
	workflow?: { deduplicator?: MemoryDeduplicator },
): Promise<Split> {
	// With a history, the run is an execution of the active workflow (test runs record nothing).
	const result = await runNode({ node, parameters, input, workflow, mode: workflow ? 'trigger' : 'manual' });
	if (result.error) throw result.error;
	expect(result.outputs).toHaveLength(2);
	return { block: result.outputs[0], skipped: result.outputs[1] };
}

const paired = (item: INodeExecutionData) => (Array.isArray(item.pairedItem) ? item.pairedItem : [item.pairedItem]).map((p) => (p as { item: number }).item);
const values = (items: INodeExecutionData[]) => items.map((item) => item.json.value);
const occurrencesOut = ({ block, skipped }: Split) =>
	[...block, ...skipped].filter((item) => item.json.reason !== 'error').reduce((sum, item) => sum + (item.json.occurrences as number), 0);

type Row = [type: string, value: string, verdict: string | null, occurrences: number, outcome: string, inputItems: number[], why: string];
const rows = ({ block, skipped }: Split) =>
	[...block, ...skipped].map((item) => [item.json.type, item.json.value, item.json.verdict, item.json.occurrences, item.json.reason ?? 'block', paired(item)]);
const withoutWhy = (expected: Row[]) => expected.map((row) => row.slice(0, 6));

describe('fixture page of alerts (search_alert_page1.json) as three input items', () => {
	const alerts = readFixture('search_alert_page1.json').api_response.items as IDataObject[];
	// 21 network occurrences in al.detailed (ip 4+1+1, domain 4+2+3, uri 2+2+2).
	const OCCURRENCES = 21;

	// Defaults (minimum verdict suspicious, no allowlist): derived by hand, first-seen order.
	const defaults: Row[] = [
		['ip', '203.0.113.45', 'malicious', 2, 'non_global_ip', [0], 'dynamic+static copies merge; 203.0.113.0/24 is TEST-NET-3'],
		['ip', '198.51.100.23', 'suspicious', 1, 'non_global_ip', [0], 'TEST-NET-2'],
		['ip', '192.0.2.53', 'safe', 1, 'non_global_ip', [0], 'TEST-NET-1; the network rule outranks below_threshold'],
		['domain', 'cdn-update.example.net', 'malicious', 2, 'special_use_domain', [0], 'malicious beats the static suspicious copy; example.net is RFC 2606'],
		['domain', 'telemetry.example.org', 'suspicious', 1, 'special_use_domain', [0], 'example.org is RFC 2606'],
		['domain', 'time.windows.com', 'safe', 1, 'below_threshold', [0], 'a public domain, but safe < suspicious'],
		['uri', 'http://203.0.113.45:8080/gate.php', 'malicious', 1, 'non_global_ip', [0], 'the URI host is TEST-NET-3'],
		['uri', 'http://cdn-update.example.net/files/inv_8841.exe', 'suspicious', 1, 'special_use_domain', [0], 'host under example.net'],
		['ip', '192.0.2.77', 'info', 1, 'non_global_ip', [1], 'TEST-NET-1'],
		['domain', 'portal-login.example.com', 'suspicious', 1, 'special_use_domain', [1], 'example.com is RFC 2606'],
		['domain', 'fonts.googleapis.com', 'info', 1, 'below_threshold', [1], 'public domain, info < suspicious'],
		['uri', 'https://portal-login.example.com/owa/auth.php', 'suspicious', 1, 'special_use_domain', [1], 'host under example.com'],
		['uri', 'https://fonts.googleapis.com/css?family=Roboto', 'info', 1, 'below_threshold', [1], 'public host, info < suspicious'],
		['ip', '192.0.2.200', 'info', 1, 'non_global_ip', [2], 'TEST-NET-1'],
		['domain', 'ctldl.windowsupdate.com', 'safe', 1, 'below_threshold', [2], 'public domain, safe'],
		['domain', 'update.example.org', 'info', 2, 'special_use_domain', [2], 'dynamic+static merge; example.org'],
		['uri', 'http://update.example.org/check?v=2', 'info', 2, 'special_use_domain', [2], 'dynamic+static merge; host under example.org'],
	];

	it('defaults: nothing in the fixture may be blocked, and each IoC says why', async () => {
		const split = await filter({}, alerts);
		expect(split.block).toEqual([]);
		expect(rows(split)).toEqual(withoutWhy(defaults));
		expect(occurrencesOut(split)).toBe(OCCURRENCES);
		for (const item of split.skipped) expect(typeof item.json.reason_text).toBe('string');
	});

	it('keeps alert_id and sid as sources, the tag types, and strips itemIndexes', async () => {
		const { skipped } = await filter({}, alerts);
		expect(skipped[0].json).toMatchObject({
			sources: [{ alert_id: 'SDu3clC22x3tKZ6MOaE1B', sid: 'ushStdLVanDgTCEgfcfS3' }],
			tag_types: ['network.dynamic.ip', 'network.static.ip'],
			tag_type: 'network.dynamic.ip',
		});
		for (const item of skipped) expect(item.json).not.toHaveProperty('itemIndexes');
		// The value as Assemblyline wrote it is the value: no `original` to repeat it.
		expect(skipped[0].json).not.toHaveProperty('original');
	});

	it('minimum verdict safe: the four public IoCs go to Block, highest verdict first', async () => {
		const split = await filter({ minVerdict: 'safe' }, alerts);
		// Cap order: info before safe, then first-seen order.
		expect(rows({ block: split.block, skipped: [] })).toEqual([
			['domain', 'fonts.googleapis.com', 'info', 1, 'block', [1]],
			['uri', 'https://fonts.googleapis.com/css?family=Roboto', 'info', 1, 'block', [1]],
			['domain', 'time.windows.com', 'safe', 1, 'block', [0]],
			['domain', 'ctldl.windowsupdate.com', 'safe', 1, 'block', [2]],
		]);
		expect(split.skipped.map((item) => item.json.reason)).not.toContain('below_threshold');
		expect(occurrencesOut(split)).toBe(OCCURRENCES);
	});

	it('the allowlist wins over everything: over TEST-NET, over a verdict high enough to block, and for URI hosts', async () => {
		const split = await filter(
			{ minVerdict: 'safe', allowlist: '# our partners\n203.0.113.0/24\nfonts.googleapis.com  # web fonts\n' },
			alerts,
		);
		const reasons = Object.fromEntries([...split.block, ...split.skipped].map((item) => [item.json.value, item.json.reason ?? 'block']));
		expect(reasons['203.0.113.45']).toBe('allowlisted'); // would be non_global_ip
		expect(reasons['http://203.0.113.45:8080/gate.php']).toBe('allowlisted'); // host in the CIDR
		expect(reasons['fonts.googleapis.com']).toBe('allowlisted'); // would be blocked (info ≥ safe)
		expect(reasons['https://fonts.googleapis.com/css?family=Roboto']).toBe('allowlisted');
		expect(reasons['198.51.100.23']).toBe('non_global_ip'); // not covered
		expect(values(split.block)).toEqual(['time.windows.com', 'ctldl.windowsupdate.com']);
		const entry = split.skipped.find((item) => item.json.value === 'fonts.googleapis.com')?.json.reason_text;
		expect(entry).toBe('Matches your allowlist entry "fonts.googleapis.com".');
	});

	it('the allowlist goes through a schema: a list from an expression allowlists, a number is an error naming the parameter, never ignored', async () => {
		const split = await filter({ minVerdict: 'safe', allowlist: '={{ ["203.0.113.0/24", "fonts.googleapis.com"] }}' }, alerts);
		const reasons = Object.fromEntries([...split.block, ...split.skipped].map((item) => [item.json.value, item.json.reason ?? 'block']));
		expect(reasons['203.0.113.45']).toBe('allowlisted');
		expect(reasons['fonts.googleapis.com']).toBe('allowlisted');
		const result = await runNode({ node, parameters: { allowlist: '={{ 42 }}' }, input: alerts });
		expect(result.error?.message).toMatch(/^"Allowlist": does not match any accepted shape \(got number 42\)/);
	});

	it('forcing the alert shape reads the same; forcing another shape is an error naming the item', async () => {
		expect(rows(await filter({ inputShape: 'alert' }, alerts))).toEqual(withoutWhy(defaults));
		const result = await runNode({ node, parameters: { inputShape: 'submission' }, input: alerts });
		expect(result.error?.message).toMatch(/Input item 0: This item is not from AL Submission IoCs/);
		expect(result.error?.context?.itemIndex).toBe(0);
	});
});

describe('items from AL Submission IoCs', () => {
	const perIoc: IDataObject[] = [
		{ sid: 'S1', type: 'ip', value: '45.83.122.10', verdict: 'malicious', tag_type: 'network.dynamic.ip', safelisted: false, source: 'summary', partial: false },
		{ sid: 'S1', type: 'domain', value: 'evil-updates[.]com', verdict: 'suspicious', tag_type: 'network.static.domain', safelisted: false },
		{ sid: 'S2', type: 'domain', value: 'EVIL-UPDATES.com', verdict: 'malicious', tag_type: 'network.dynamic.domain', safelisted: false },
		{ sid: 'S1', type: 'ip', value: '8.8.8.8', verdict: 'info', tag_type: 'network.dynamic.ip', safelisted: false },
		{ sid: 'S1', type: 'domain', value: 'microsoft.com', verdict: 'suspicious', tag_type: 'network.dynamic.domain', safelisted: true },
		{ sid: 'S1', type: 'email', value: 'ceo@evil-updates.com', verdict: 'malicious', tag_type: 'network.email.address', safelisted: false },
		{ sid: 'S1', type: 'uri', value: 'hxxps://evil-updates[.]com/payload.bin', verdict: 'highly suspicious', tag_type: 'network.static.uri' },
		{ sid: 'S1', type: 'ip', value: '10.1.2.3', verdict: 'malicious', tag_type: 'network.dynamic.ip' },
		{ sid: 'S1', type: 'ip', value: '999.1.1.1', verdict: 'malicious', tag_type: 'network.static.ip' },
		{ sid: 'S1', type: 'ip', value: '185.220.101.4', verdict: 'Highly_Suspicious', tag_type: 'network.dynamic.ip' },
		{ sid: 'S1', type: 'domain', value: 'c2.evil-updates.com', verdict: 'no-idea', tag_type: 'network.dynamic.domain' },
	];
	const grouped: IDataObject = {
		sid: 'S3',
		partial: false,
		iocs: { 'network.dynamic.ip': ['45.83.122.10', '91.219.236.18'], 'network.static.uri': ['http://co.uk/x'] },
	};

	const expected: Row[] = [
		// Block, in cap order (malicious, highly suspicious…, then first-seen).
		['ip', '45.83.122.10', 'malicious', 2, 'block', [0, 11], 'malicious; the grouped copy (no verdict) merges in'],
		['domain', 'evil-updates.com', 'malicious', 2, 'block', [1, 2], 'refanged and lower-cased copies merge; malicious wins'],
		['domain', 'c2.evil-updates.com', 'no-idea', 1, 'block', [10], 'an unknown verdict ranks with malicious, never as safe'],
		['uri', 'https://evil-updates.com/payload.bin', 'highly suspicious', 1, 'block', [6], 'refanged URL, public host'],
		['ip', '185.220.101.4', 'highly suspicious', 1, 'block', [9], 'Highly_Suspicious spelled the AL way'],
		// Skipped, in first-seen order, then the IoCs Assemblyline did not score.
		['ip', '8.8.8.8', 'info', 1, 'below_threshold', [3], 'info < suspicious'],
		['domain', 'microsoft.com', 'suspicious', 1, 'safelisted', [4], 'Assemblyline safelisted it'],
		['email', 'ceo@evil-updates.com', 'malicious', 1, 'unsupported_type', [5], 'an email address cannot go on a firewall'],
		['ip', '10.1.2.3', 'malicious', 1, 'non_global_ip', [7], 'RFC 1918'],
		['ip', '999.1.1.1', 'malicious', 1, 'invalid', [8], 'octet out of range'],
		['uri', 'http://co.uk/x', null, 1, 'public_suffix', [11], 'the URI host is a bare public suffix'],
		['ip', '91.219.236.18', null, 1, 'no_verdict', [11], 'a grouped item without "details": Assemblyline did not score it, so the default skips it'],
	];

	it('one-IoC items and a grouped item, auto-detected, give the hand-derived split', async () => {
		const split = await filter({}, [...perIoc, grouped]);
		expect(rows(split)).toEqual(withoutWhy(expected));
		expect(occurrencesOut(split)).toBe(perIoc.length + 3);
		const domain = split.block[1].json;
		expect(domain.sources).toEqual([{ sid: 'S1' }, { sid: 'S2' }]);
		expect(domain.tag_types).toEqual(['network.static.domain', 'network.dynamic.domain']);
		// Both spellings Assemblyline showed stay searchable.
		expect(domain.originals).toEqual(['evil-updates[.]com', 'EVIL-UPDATES.com']);
		expect(domain).not.toHaveProperty('original');
		expect(split.block[3].json.original).toBe('hxxps://evil-updates[.]com/payload.bin'); // differs from the value: kept
		expect(split.block[4].json).not.toHaveProperty('original'); // equals the value: dropped
	});

	it('forcing "AL Submission IoCs" reads both kinds the same', async () => {
		expect(rows(await filter({ inputShape: 'submission' }, [...perIoc, grouped]))).toEqual(withoutWhy(expected));
	});

	it('items without a verdict: Skip sends them to Skipped as no_verdict; a merged copy with a verdict still blocks', async () => {
		const split = await filter({ noVerdict: 'skip' }, [...perIoc, grouped]);
		expect(split.skipped.find((item) => item.json.value === '91.219.236.18')?.json.reason).toBe('no_verdict');
		expect(values(split.block)).toContain('45.83.122.10');
	});

	it('items without a verdict: Block sends them to Block with a warning field and a notice', async () => {
		const result = await runNode({ node, parameters: { noVerdict: 'block' }, input: [...perIoc, grouped] });
		const unscored = result.outputs[0].find((item) => item.json.value === '91.219.236.18');
		expect(unscored?.json.verdict).toBeNull();
		expect(unscored?.json.warning).toMatch(/No verdict came with this IoC/);
		expect(result.outputs[0].filter((item) => item.json.warning !== undefined)).toHaveLength(1);
		expect(result.hints).toEqual([{ type: 'warning', message: expect.stringMatching(/^1 IoC on Block came without a verdict/) }]);
	});

	it('minimum verdict malicious keeps highly suspicious and unknown apart', async () => {
		const split = await filter({ minVerdict: 'malicious' }, [...perIoc, grouped]);
		expect(values(split.block)).toEqual(['45.83.122.10', 'evil-updates.com', 'c2.evil-updates.com']);
		expect(split.skipped.filter((item) => item.json.reason === 'below_threshold').map((item) => item.json.value)).toEqual([
			'8.8.8.8',
			'https://evil-updates.com/payload.bin',
			'185.220.101.4',
		]);
	});
});

describe('custom fields (a CSV-like feed)', () => {
	const rowsIn: IDataObject[] = [
		{ indicator: 'evil-shop[.]org', kind: 'hostname', severity: 'Malicious', alert_id: 'feed-1' },
		{ indicator: 'hxxp://91.219.236.18/gate', kind: 'url', severity: 'suspicious' },
		{ indicator: 'localhost', kind: 'hostname', severity: 'malicious' },
		{ indicator: 'd41d8cd98f00b204e9800998ecf8427e', kind: 'md5', severity: 'malicious' },
		{ indicator: '', kind: 'ip', severity: 'malicious' },
		{ indicator: ['45.83.122.10', '45.83.122.11'], severity: 'info' },
	];
	const expected: Row[] = [
		['domain', 'evil-shop.org', 'malicious', 1, 'block', [0], 'refanged; severity "Malicious" normalised'],
		['uri', 'http://91.219.236.18/gate', 'suspicious', 1, 'block', [1], 'type word "url"; public IP host'],
		['domain', 'localhost', 'malicious', 1, 'special_use_domain', [2], 'RFC 6761'],
		['md5', 'd41d8cd98f00b204e9800998ecf8427e', 'malicious', 1, 'unsupported_type', [3], 'hashes never go on a firewall list'],
		['ip', '', 'malicious', 1, 'invalid', [4], 'empty value'],
		['ip', '45.83.122.10', 'info', 1, 'below_threshold', [5], 'a list value gives one IoC per entry; type detected'],
		['ip', '45.83.122.11', 'info', 1, 'below_threshold', [5], 'second entry of the list'],
	];
	const fields = { valueField: 'indicator', typeField: 'kind', verdictField: 'severity' };

	it('reads the fields the user names', async () => {
		const split = await filter({ inputShape: 'field', ...fields }, rowsIn);
		expect(rows(split)).toEqual(withoutWhy(expected));
		expect(split.block[0].json.sources).toEqual([{ alert_id: 'feed-1' }]);
		expect(occurrencesOut(split)).toBe(7);
	});

	it('auto-detect reads only the shapes it knows: a custom item is an error that names Custom Fields', async () => {
		const result = await runNode({ node, parameters: { inputShape: 'auto' }, input: rowsIn });
		expect(result.error?.message).toMatch(/^Input item 0: .*"Input Shape" to Custom Fields/);
	});

	it('custom items without a verdict go to Block by default, each with a warning, and a notice says how many', async () => {
		const feed = [{ indicator: '91.219.236.18' }, { indicator: 'evil-shop.org', severity: 'malicious' }, { indicator: 'fonts.googleapis.com', severity: 'info' }];
		const result = await runNode({ node, parameters: { inputShape: 'field', valueField: 'indicator', verdictField: 'severity' }, input: feed });
		const [block, skipped] = result.outputs;
		expect(block.map((item) => [item.json.value, item.json.verdict, item.json.warning ?? null])).toEqual([
			['evil-shop.org', 'malicious', null],
			['91.219.236.18', null, expect.stringMatching(/"Items Without a Verdict"/)],
		]);
		expect(values(skipped)).toEqual(['fonts.googleapis.com']);
		expect(result.hints).toEqual([{ type: 'warning', message: expect.stringMatching(/^1 IoC on Block came without a verdict/) }]);
		// No notice when every blocked IoC had a verdict.
		const scored = await runNode({ node, parameters: { inputShape: 'field', valueField: 'indicator', verdictField: 'severity' }, input: feed.slice(1) });
		expect(scored.hints).toEqual([]);
	});

	it('nested value fields use dots', async () => {
		const split = await filter({ inputShape: 'field', valueField: 'attribute.value', verdictField: 'attribute.level' }, [
			{ attribute: { value: 'evil-shop.org', level: 'malicious' } },
		]);
		expect(values(split.block)).toEqual(['evil-shop.org']);
	});
});

describe('errors', () => {
	const unknown = { hello: 'world' };
	const good = { value: 'evil-shop.org', type: 'domain', verdict: 'malicious' };

	it('an unreadable item stops the node with its index', async () => {
		const result = await runNode({ node, parameters: {}, input: [good, unknown] });
		expect(result.error?.message).toMatch(/^Input item 1: .*Value Field/);
		expect(result.error?.context?.itemIndex).toBe(1);
	});

	it('with On Error: Continue, it goes to Skipped with reason "error", paired to itself; the rest is filtered', async () => {
		const result = await runNode({ node, parameters: {}, input: [good, unknown], continueOnFail: true });
		expect(result.error).toBeUndefined();
		const [block, skipped] = result.outputs;
		expect(values(block)).toEqual(['evil-shop.org']);
		expect(skipped).toHaveLength(1);
		expect(skipped[0].json).toMatchObject({ reason: 'error' });
		expect(skipped[0].json.error).toMatch(/Input item 1/);
		expect(paired(skipped[0])).toEqual([1]);
	});

	it('a bad allowlist entry stops the node naming the line', async () => {
		const result = await runNode({ node, parameters: { allowlist: '10.0.0.0/8\n# comment\n300.1.1.0/24\nexample.com' }, input: [good] });
		expect(result.error?.message).toMatch(/^Allowlist entry "300\.1\.1\.0\/24" is not a CIDR range .*\(allowlist line 3\)$/);
		expect(result.error?.description).toMatch(/One entry per line/);
	});

	it('a failure of the whole run with On Error: Continue sends every input item to Skipped, never to Block', async () => {
		// n8n itself would pass the input through on the first output (Block) if the node threw.
		const result = await runNode({ node, parameters: { allowlist: '300.1.1.0/24' }, input: [good, { ...good, value: '10.0.0.1' }], continueOnFail: true });
		expect(result.error).toBeUndefined();
		const [block, skipped] = result.outputs;
		expect(block).toEqual([]);
		expect(skipped.map((item) => [item.json.reason, paired(item)])).toEqual([
			['error', [0]],
			['error', [1]],
		]);
		expect(skipped[0].json.error).toMatch(/allowlist line 1/);
	});
});

const many = (count: number, verdict = 'malicious', from = 0): IDataObject[] =>
	Array.from({ length: count }, (_, i) => ({ value: `45.${83 + Math.floor((from + i) / 65536)}.${Math.floor((from + i) / 256) % 256}.${(from + i) % 256}`, type: 'ip', verdict }));

describe('cap', () => {
	it('default 1,000: the 1,001st goes to Skipped as over_cap', async () => {
		const split = await filter({}, many(1001));
		expect(split.block).toHaveLength(1000);
		expect(split.skipped).toHaveLength(1);
		expect(split.skipped[0].json).toMatchObject({ reason: 'over_cap', value: '45.83.3.232' });
		expect(split.skipped[0].json.reason_text).toMatch(/cap of 1000/);
	});

	it('highest verdicts first; 0 means no cap', async () => {
		const input = [...many(2, 'suspicious'), ...many(1, 'malicious', 10)];
		const split = await filter({ maxToBlock: 2 }, input);
		expect(values(split.block)).toEqual(['45.83.0.10', '45.83.0.0']);
		expect(split.skipped.map((item) => [item.json.value, item.json.reason])).toEqual([['45.83.0.1', 'over_cap']]);
		expect((await filter({ maxToBlock: 0 }, many(1200))).block).toHaveLength(1200);
	});
});

describe('only IoCs not passed on before (n8n dedup helpers, across executions)', () => {
	const table = (dedup: MemoryDeduplicator) => dedup.tables.get('wf-test|n:node-under-test') ?? [];
	const A = { value: '45.83.0.1', type: 'ip', verdict: 'malicious' };
	const B = { value: '45.83.0.2', type: 'ip', verdict: 'malicious' };
	const C = { value: '45.83.0.3', type: 'ip', verdict: 'suspicious' };

	it('a second run sends repeats to already_blocked; over-cap IoCs are not remembered', async () => {
		const dedup = new MemoryDeduplicator();
		const params = { onlyNew: true, maxToBlock: 2 };
		const first = await filter(params, [A, B, C], { deduplicator: dedup });
		expect(values(first.block)).toEqual(['45.83.0.1', '45.83.0.2']);
		expect(first.skipped.map((item) => [item.json.value, item.json.reason])).toEqual([['45.83.0.3', 'over_cap']]);
		expect(table(dedup)).toHaveLength(2);

		const second = await filter(params, [A, B, C], { deduplicator: dedup });
		expect(values(second.block)).toEqual(['45.83.0.3']); // was over the cap, so not remembered
		expect(second.skipped.map((item) => [item.json.value, item.json.reason])).toEqual([
			['45.83.0.1', 'already_blocked'],
			['45.83.0.2', 'already_blocked'],
		]);
		expect(second.skipped[0].json.reason_text).toMatch(/earlier run/);
		expect(occurrencesOut(second)).toBe(3);

		const third = await filter(params, [A, B, C], { deduplicator: dedup });
		expect(third.block).toEqual([]);
		expect(third.skipped.map((item) => item.json.reason)).toEqual(['already_blocked', 'already_blocked', 'already_blocked']);
	});

	it('without the option nothing is recorded', async () => {
		const dedup = new MemoryDeduplicator();
		await filter({}, [A, B], { deduplicator: dedup });
		expect(table(dedup)).toHaveLength(0);
		expect(values((await filter({}, [A, B], { deduplicator: dedup })).block)).toHaveLength(2);
	});

	it('a full history forgets the oldest (FIFO) without failing', async () => {
		const dedup = new MemoryDeduplicator();
		const params = { onlyNew: true, historySize: 3 };
		await filter(params, many(3), { deduplicator: dedup });
		const next = await filter(params, many(2, 'malicious', 3), { deduplicator: dedup });
		expect(next.block).toHaveLength(2);
		expect(table(dedup)).toHaveLength(3);
		// 45.83.0.0 and .1 were the oldest, so they are forgotten; .2 is still remembered.
		const again = await filter(params, many(3), { deduplicator: dedup });
		expect(values(again.block)).toEqual(['45.83.0.0', '45.83.0.1']);
		expect(again.skipped.map((item) => [item.json.value, item.json.reason])).toEqual([['45.83.0.2', 'already_blocked']]);
	});

	it('IoCs pushed over the cap never push older history out', async () => {
		const dedup = new MemoryDeduplicator();
		const params = { onlyNew: true, historySize: 3, maxToBlock: 1 };
		await filter({ ...params, maxToBlock: 3 }, many(3), { deduplicator: dedup }); // history: .0 .1 .2
		const flood = await filter(params, many(5, 'malicious', 100), { deduplicator: dedup });
		expect(flood.block).toHaveLength(1);
		expect(flood.skipped.filter((item) => item.json.reason === 'over_cap')).toHaveLength(4);
		expect(table(dedup)).toHaveLength(3); // .1 .2 and the one blocked: only .0 made room
		const again = await filter({ ...params, maxToBlock: 10 }, many(3), { deduplicator: dedup });
		expect(values(again.block)).toEqual(['45.83.0.0']);
		expect(again.skipped.map((item) => item.json.reason)).toEqual(['already_blocked', 'already_blocked']);
	});

	it('when the output cannot be built, nothing stays remembered as blocked', async () => {
		const dedup = new MemoryDeduplicator();
		const params = { onlyNew: true, output: 'files', blocklistFormat: 'plain' };
		const spy = jest.spyOn(exporters, 'exportBlocklists').mockImplementation(() => {
			throw new Error('disk full');
		});
		try {
			const failed = await runNode({ node, parameters: params, input: [A, B], workflow: { deduplicator: dedup }, mode: 'trigger' });
			expect(failed.error?.message).toBe('disk full');
		} finally {
			spy.mockRestore();
		}
		expect(table(dedup)).toHaveLength(0);
		const retry = await filter(params, [A, B], { deduplicator: dedup });
		expect(retry.block.map((item) => item.json.count)).toEqual([2]);
	});

	it('different nodes of one workflow keep separate histories', async () => {
		const dedup = new MemoryDeduplicator();
		await runNode({ node, parameters: { onlyNew: true }, input: [A], workflow: { deduplicator: dedup }, nodeId: 'one', mode: 'trigger' });
		const other = await runNode({ node, parameters: { onlyNew: true }, input: [A], workflow: { deduplicator: dedup }, nodeId: 'two', mode: 'trigger' });
		expect(values(other.outputs[0])).toEqual(['45.83.0.1']);
	});
});

describe('test runs (manual executions) record nothing', () => {
	const table = (dedup: MemoryDeduplicator) => dedup.tables.get('wf-test|n:node-under-test') ?? [];
	const A = { value: '45.83.0.1', type: 'ip', verdict: 'malicious' };
	const B = { value: '45.83.0.2', type: 'ip', verdict: 'malicious' };
	const run = (mode: 'manual' | 'trigger', dedup: MemoryDeduplicator, input: IDataObject[]) =>
		runNode({ node, parameters: { onlyNew: true }, input, workflow: { deduplicator: dedup }, mode });

	it('two test runs send the same IoCs to Block, and the history stays empty', async () => {
		const dedup = new MemoryDeduplicator();
		const first = await run('manual', dedup, [A, B]);
		const second = await run('manual', dedup, [A, B]);
		expect(values(first.outputs[0])).toEqual(['45.83.0.1', '45.83.0.2']);
		expect(values(second.outputs[0])).toEqual(values(first.outputs[0]));
		expect(table(dedup)).toHaveLength(0);
		expect(first.hints).toEqual([{ type: 'info', message: expect.stringMatching(/^Test run: IoCs sent to Block are not remembered/) }]);
	});

	it('a test run still holds back what an active execution recorded, and adds nothing', async () => {
		const dedup = new MemoryDeduplicator();
		await run('trigger', dedup, [A]);
		expect(table(dedup)).toHaveLength(1);
		const test = await run('manual', dedup, [A, B]);
		expect(values(test.outputs[0])).toEqual(['45.83.0.2']);
		expect(test.outputs[1].map((item) => [item.json.value, item.json.reason])).toEqual([['45.83.0.1', 'already_blocked']]);
		expect(table(dedup)).toHaveLength(1);
		// The next active execution sends B, which the test run did not use up.
		const active = await run('trigger', dedup, [A, B]);
		expect(values(active.outputs[0])).toEqual(['45.83.0.2']);
		expect(active.hints).toEqual([]);
	});

	it('the option says so', () => {
		const onlyNew = node.description.properties.find((p) => p.name === 'onlyNew');
		expect(onlyNew?.description).toMatch(/Test runs in the editor .* record nothing/);
	});
});

describe('output items', () => {
	it('lead with type, value, verdict, reason, reason_text', async () => {
		const { block, skipped } = await filter({}, [
			{ sid: 'S1', type: 'ip', value: '45.83.122.10', verdict: 'malicious', tag_type: 'network.dynamic.ip' },
			{ sid: 'S1', type: 'ip', value: '8.8.8.8', verdict: 'info', tag_type: 'network.dynamic.ip' },
		]);
		expect(Object.keys(block[0].json).slice(0, 3)).toEqual(['type', 'value', 'verdict']);
		expect(Object.keys(skipped[0].json).slice(0, 5)).toEqual(['type', 'value', 'verdict', 'reason', 'reason_text']);
	});

	it('a merged IoC keeps every distinct spelling, capped at 20 with the count of the rest', async () => {
		// The two URLs of issue 14 (point 10): one IoC, both spellings searchable.
		const two = await filter({}, [
			{ sid: 'S1', type: 'uri', value: 'http://lummondax46.xyz:80/load/1RiLD3Z8.bin', verdict: 'malicious' },
			{ sid: 'S1', type: 'uri', value: 'http://lummondax46.xyz/load/1RiLD3Z8.bin', verdict: 'malicious' },
		]);
		expect(two.block).toHaveLength(1);
		expect(two.block[0].json).toMatchObject({
			value: 'http://lummondax46.xyz/load/1RiLD3Z8.bin',
			originals: ['http://lummondax46.xyz:80/load/1RiLD3Z8.bin', 'http://lummondax46.xyz/load/1RiLD3Z8.bin'],
		});
		expect(two.block[0].json).not.toHaveProperty('original');
		expect(two.block[0].json).not.toHaveProperty('originals_more');

		const spellings = Array.from({ length: 25 }, (_, i) => 'evilshop.org'.split('').map((c, j) => ((i >> j) & 1 ? c.toUpperCase() : c)).join(''));
		const many = await filter({}, [...spellings, ...spellings].map((value) => ({ type: 'domain', value, verdict: 'malicious' })));
		expect(many.block).toHaveLength(1);
		expect(many.block[0].json.originals).toEqual(spellings.slice(0, 20));
		expect(many.block[0].json.originals_more).toBe(5);
		expect(many.block[0].json.occurrences).toBe(50);
	});
});

describe('panel', () => {
	const props = Object.fromEntries(node.description.properties.map((p) => [p.name, p]));

	it('Value, Type and Verdict Field show only for Custom Fields', () => {
		for (const name of ['valueField', 'typeField', 'verdictField']) {
			expect(props[name].displayOptions).toEqual({ show: { inputShape: ['field'] } });
		}
	});

	it('"Items Without a Verdict" defaults to skipping what Assemblyline did not score', () => {
		expect(props.noVerdict.default).toBe('auto');
		expect((props.noVerdict.options as Array<{ value: string }>).map((o) => o.value)).toEqual(['auto', 'block', 'skip']);
	});

	it('the subtitle no longer claims "at least"', () => {
		expect(node.description.subtitle).not.toMatch(/at least/);
		expect(node.description.subtitle).toMatch(/"block ≥ " \+ \$parameter\["minVerdict"\]/);
	});
});

describe('blocklist files', () => {
	const input: IDataObject[] = [
		{ sid: 'S1', type: 'ip', value: '45.83.122.10', verdict: '=1+2', tag_type: '=HYPERLINK("http://x")', classification: '+cmd' },
		{ sid: 'S1', type: 'ip', value: '2606:4700:4700::1111', verdict: 'suspicious' },
		{ sid: 'S2', type: 'domain', value: 'evil-updates.com', verdict: 'malicious' },
		{ sid: 'S2', type: 'uri', value: "https://evil-updates.com/it's?q=a\\b", verdict: 'malicious' },
		{ sid: 'S3', type: 'uri', value: 'http://evil-updates.com/a', verdict: 'malicious' },
		{ sid: 'S3', type: 'uri', value: 'https://evil-updates.com/a', verdict: 'malicious' },
		{ sid: 'S3', type: 'ip', value: '10.0.0.1', verdict: 'malicious' },
	];
	const files = (format: string) => filter({ output: 'files', blocklistFormat: format }, input);

	function fileOf(item: INodeExecutionData): { text: string; fileName?: string; mimeType: string } {
		const data = item.binary?.data;
		expect(data).toBeDefined();
		const text = Buffer.from(data!.data, 'base64').toString('utf8');
		expect(text).toBe(item.json.text); // the binary file and the text field hold the same list
		return { text, fileName: data!.fileName, mimeType: data!.mimeType };
	}

	it('one item per IoC type, paired with the items that contributed; Skipped stays per IoC', async () => {
		const { block, skipped } = await files('plain');
		expect(block.map((item) => [item.json.ioc_type, item.json.format, item.json.count, paired(item)])).toEqual([
			['ip', 'plain', 2, [0, 1]],
			['domain', 'plain', 1, [2]],
			['uri', 'plain', 3, [3, 4, 5]],
		]);
		expect(skipped.map((item) => [item.json.value, item.json.reason])).toEqual([['10.0.0.1', 'non_global_ip']]);
	});

	it('plain: one value per line', async () => {
		const { block } = await files('plain');
		const [ip, domain, uri] = block.map(fileOf);
		expect(ip).toMatchObject({ fileName: 'blocklist-ip.txt', mimeType: 'text/plain' });
		expect(ip.text.split('\n')).toEqual(['45.83.122.10', '2606:4700:4700::1111', '']);
		expect(domain.text).toBe('evil-updates.com\n');
		expect(uri.text.split('\n')).toEqual(["https://evil-updates.com/it's?q=a\\b", 'http://evil-updates.com/a', 'https://evil-updates.com/a', '']);
	});

	it.each(['paloalto_edl', 'fortigate'])('%s: URLs without a scheme, each entry once', async (format) => {
		const { block } = await files(format);
		const [ip, domain, uri] = block.map(fileOf);
		expect(ip.text.split('\n')).toEqual(['45.83.122.10', '2606:4700:4700::1111', '']);
		expect(domain.text).toBe('evil-updates.com\n');
		const lines = uri.text.split('\n');
		expect(lines).toEqual(["evil-updates.com/it's?q=a\\b", 'evil-updates.com/a', '']);
		for (const line of lines.slice(0, -1)) expect(line).not.toMatch(/^[a-z]+:\/\/|\s|\*/);
	});

	it('CSV: strict RFC 4180, formula cells guarded, values round-trip', async () => {
		const { block } = await files('csv');
		const [ip, , uri] = block.map(fileOf);
		expect(ip).toMatchObject({ fileName: 'blocklist-ip.csv', mimeType: 'text/csv' });
		const table = parseCsvStrict(ip.text);
		expect(table[0]).toEqual(['type', 'value', 'verdict', 'tag_types', 'sources', 'occurrences', 'classification']);
		const [, first] = table;
		expect(first[2]).toBe("'=1+2"); // an unknown verdict ranks with malicious, so it is on Block
		expect(first[3]).toBe('\'=HYPERLINK("http://x")');
		expect(first[6]).toBe("'+cmd");
		for (const row of table) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
		expect(first.map(unguardCell).slice(0, 7)).toEqual(['ip', '45.83.122.10', '=1+2', '=HYPERLINK("http://x")', 'sid=S1', '1', '+cmd']);
		expect(parseCsvStrict(uri.text).slice(1).map((row) => row[1])).toEqual([
			"https://evil-updates.com/it's?q=a\\b",
			'http://evil-updates.com/a',
			'https://evil-updates.com/a',
		]);
	});

	it('STIX 2.1: a bundle of indicators whose pattern literals escape quote and backslash', async () => {
		const { block } = await files('stix');
		const parsed = block.map(fileOf);
		expect(parsed[0]).toMatchObject({ fileName: 'blocklist-ip.json', mimeType: 'application/json' });
		const uri = JSON.parse(parsed[2].text);
		expect(uri.type).toBe('bundle');
		expect(uri.id).toMatch(/^bundle--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		const first = uri.objects[0];
		expect(first).toMatchObject({ type: 'indicator', spec_version: '2.1', pattern_type: 'stix', indicator_types: ['malicious-activity'] });
		expect(first.pattern).toBe("[url:value = 'https://evil-updates.com/it\\'s?q=a\\\\b']");
		expect(uri.objects.map((object: { pattern: string }) => stixPatternLiteral(object.pattern))).toEqual([
			{ path: 'url:value', value: "https://evil-updates.com/it's?q=a\\b" },
			{ path: 'url:value', value: 'http://evil-updates.com/a' },
			{ path: 'url:value', value: 'https://evil-updates.com/a' },
		]);
		const ip = JSON.parse(parsed[0].text);
		expect(ip.objects.map((object: { pattern: string }) => object.pattern)).toEqual([
			"[ipv4-addr:value = '45.83.122.10']",
			"[ipv6-addr:value = '2606:4700:4700::1111']",
		]);
		expect(Number.isNaN(Date.parse(first.valid_from))).toBe(false);
	});

	it('nothing on Block gives no file items', async () => {
		const split = await filter({ output: 'files', blocklistFormat: 'plain' }, [input[6]]);
		expect(split.block).toEqual([]);
		expect(split.skipped).toHaveLength(1);
	});
});
