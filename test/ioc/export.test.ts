import {
	csvCell,
	exportBlocklists,
	exportCsv,
	exportFortigate,
	exportPaloAltoEdl,
	exportPlain,
	exportStix,
	filterBlockableIocs,
	isExportable,
	partitionExportable,
	stixLiteral,
	type IocItem,
	type IocOccurrence,
} from '../../nodes/shared/ioc';
import { parseCsvStrict, stixPatternLiteral, unguardCell } from './helpers';

const occurrences: IocOccurrence[] = [
	{ value: '8.8.8.8', type: 'ip', verdict: 'malicious', source: { alert_id: 'a1', sid: 's1' }, tag_type: 'network.dynamic.ip' },
	{ value: '2606:4700:4700::1111', type: 'ip', verdict: 'suspicious', source: { sid: 's2' } },
	{ value: 'evil.com', type: 'domain', verdict: 'malicious' },
	{ value: "https://evil.com/a'b\\c?x=1,2", type: 'uri', verdict: 'malicious' }, // WHATWG turns \\ into /
	{ value: 'http://evil.com/a', type: 'uri', verdict: 'malicious' },
	{ value: 'https://evil.com/a', type: 'uri', verdict: 'malicious' },
];
const block = filterBlockableIocs(occurrences).block;
const ofType = (type: string) => block.filter((item) => item.type === type);

describe('line formats', () => {
	it('plain: one value per line', () => {
		expect(exportPlain(ofType('ip'))).toBe('8.8.8.8\n2606:4700:4700::1111\n');
		expect(exportPlain([])).toBe('');
	});
	it('Palo Alto EDL and FortiGate: URLs without scheme, duplicates once', () => {
		const expected = "evil.com/a'b/c?x=1,2\nevil.com/a\n";
		expect(exportPaloAltoEdl(ofType('uri'))).toBe(expected);
		expect(exportFortigate(ofType('uri'))).toBe(expected);
		expect(exportPaloAltoEdl(ofType('domain'))).toBe('evil.com\n');
	});
	it('refuse a mixed-type list and anything not normalised or not blockable', () => {
		expect(() => exportPaloAltoEdl(block)).toThrow(/one IoC type/);
		const tampered: IocItem = { ...ofType('ip')[0], value: '10.0.0.0/8' };
		expect(() => exportPlain([tampered])).toThrow(/Cannot export "10.0.0.0\/8"/);
		expect(() => exportPlain([{ ...tampered, value: '10.0.0.1' }])).toThrow(/not a normalised, blockable/);
		expect(() => exportPlain([{ ...tampered, value: 'EVIL.com', type: 'domain' }])).toThrow(/Cannot export/);
	});
});

describe('CSV', () => {
	it('guards formula cells, quotes when needed, doubles quotes', () => {
		const cases: Array<[string, string]> = [
			['=1+1', "'=1+1"],
			['+1', "'+1"],
			['-1', "'-1"],
			['@SUM(A1)', "'@SUM(A1)"],
			['\tx', "'\tx"],
			['\rx', '"\'\rx"'],
			['a,b', '"a,b"'],
			['say "hi"', '"say ""hi"""'],
			['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
			['plain', 'plain'],
		];
		for (const [input, output] of cases) {
			expect([input, csvCell(input)]).toEqual([input, output]);
			expect(unguardCell(parseCsvStrict(`${csvCell(input)}\r\n`)[0][0])).toBe(input);
		}
	});
	it('round-trips through a strict parser', () => {
		const rows = parseCsvStrict(exportCsv(block));
		expect(rows[0]).toEqual(['type', 'value', 'verdict', 'tag_types', 'sources', 'occurrences', 'classification']);
		expect(rows.slice(1).map((row) => row[1])).toEqual(block.map((item) => item.value));
		expect(rows[1]).toEqual(['ip', '8.8.8.8', 'malicious', 'network.dynamic.ip', 'alert=a1 sid=s1', '1', '']);
	});
});

describe('STIX 2.1', () => {
	const timestamp = '2026-01-02T03:04:05Z';
	it('builds a bundle of indicators with escaped pattern literals and deterministic ids', () => {
		const bundle = JSON.parse(exportStix(block, { timestamp }));
		expect(bundle.type).toBe('bundle');
		expect(bundle.id).toMatch(/^bundle--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		expect(bundle.objects.map((object: { pattern: string }) => object.pattern)).toEqual([
			"[ipv4-addr:value = '8.8.8.8']",
			"[domain-name:value = 'evil.com']",
			"[url:value = 'https://evil.com/a\\'b/c?x=1,2']",
			"[url:value = 'http://evil.com/a']",
			"[url:value = 'https://evil.com/a']",
			"[ipv6-addr:value = '2606:4700:4700::1111']", // Block lists the highest verdicts first
		]);
		const first = bundle.objects[0];
		expect(first).toMatchObject({
			type: 'indicator',
			spec_version: '2.1',
			created: '2026-01-02T03:04:05.000Z',
			modified: '2026-01-02T03:04:05.000Z',
			valid_from: '2026-01-02T03:04:05.000Z',
			pattern_type: 'stix',
			indicator_types: ['malicious-activity'],
		});
		expect(first.id).toMatch(/^indicator--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		for (const [object, item] of bundle.objects.map((object: { pattern: string }, i: number) => [object, block[i]])) {
			expect(stixPatternLiteral(object.pattern).value).toBe(item.value);
		}
		expect(exportStix(block, { timestamp })).toBe(exportStix(block, { timestamp: new Date(timestamp) }));
		expect(JSON.parse(exportStix(block.slice(0, 1), { timestamp })).objects[0].id).toBe(first.id);
	});
	it('escapes backslashes and quotes in literals', () => {
		expect(stixLiteral("a\\b'c")).toBe("'a\\\\b\\'c'");
		expect(stixPatternLiteral(`[url:value = ${stixLiteral("a\\b'c\\'")}]`).value).toBe("a\\b'c\\'");
	});
	it('needs a valid timestamp', () => {
		expect(() => exportStix(block)).toThrow(/timestamp/);
		expect(() => exportStix(block, { timestamp: 'yesterday' })).toThrow(/timestamp/);
	});
});

describe('exportBlocklists', () => {
	it('gives one blocklist per IoC type present', () => {
		const { lists, skipped } = exportBlocklists(block, 'paloalto_edl');
		expect(lists.map((list) => [list.iocType, list.format, list.text.split('\n').length - 1])).toEqual([
			['ip', 'paloalto_edl', 2],
			['domain', 'paloalto_edl', 1],
			['uri', 'paloalto_edl', 2],
		]);
		expect(skipped).toEqual([]);
		expect(exportBlocklists(ofType('domain'), 'stix', { timestamp: '2026-01-01T00:00:00Z' }).lists.map((list) => list.iocType)).toEqual(['domain']);
	});

	// Issue 20: one item the re-check refuses (edited between nodes, another type) must not fail
	// the export of the others.
	it.each(['plain', 'paloalto_edl', 'fortigate', 'csv', 'stix'] as const)('%s: a refused item goes to skipped as not_exportable, the rest are exported', (format) => {
		const tampered: IocItem[] = [
			{ ...ofType('domain')[0], value: 'EVIL.com' }, // not normalised
			{ ...ofType('uri')[0], value: 'https://xn--co-6kc.uk./' }, // the issue 20 value
			{ ...ofType('ip')[0], value: '10.0.0.1' }, // held back (non-global)
			{ ...ofType('ip')[0], type: 'email', value: 'a@b.c' }, // not a network type
			{ ...ofType('ip')[0], type: 'url' }, // a type word, not the normalised type
			{ ...ofType('ip')[0], value: 42 as unknown as string },
		];
		const { lists, skipped } = exportBlocklists([...tampered, ...block], format, { timestamp: '2026-01-01T00:00:00Z' });
		expect(lists).toEqual(exportBlocklists(block, format, { timestamp: '2026-01-01T00:00:00Z' }).lists);
		expect(skipped.map((item) => [item.type, item.value, item.reason])).toEqual(tampered.map((item) => [item.type, item.value, 'not_exportable']));
		for (const item of skipped) expect(item.reason_text).toMatch(new RegExp(`^Cannot export .* as ${format}: it is not a normalised, blockable IP, domain or URI`));
	});

	it('nothing exportable: no lists, everything skipped', () => {
		const { lists, skipped } = exportBlocklists([{ ...block[0], value: '10.0.0.0/8' }], 'csv');
		expect(lists).toEqual([]);
		expect(skipped.map((item) => item.reason)).toEqual(['not_exportable']);
	});
});

describe('partitionExportable and isExportable', () => {
	it('accept exactly the normalised, blockable values, as written, under their normalised type', () => {
		expect(isExportable('uri', 'https://xn--co-6kc.uk/')).toBe(true);
		expect(isExportable('uri', 'https://xn--co-6kc.uk./')).toBe(false);
		expect(isExportable('uri', 'https://аco.uk/')).toBe(false); // valid, but not normalised
		expect(isExportable('url', 'https://xn--co-6kc.uk/')).toBe(false);
		expect(isExportable('domain', 'evil.com')).toBe(true);
		expect(isExportable('domain', 'evil.com.')).toBe(false);
		expect(isExportable('ip', '8.8.8.8')).toBe(true);
		expect(isExportable('ip', '10.0.0.1')).toBe(false);
		expect(isExportable(undefined, '8.8.8.8')).toBe(false);
		const { exportable, skipped } = partitionExportable([block[0], { ...block[0], value: '8.8.8.8.' }], 'plain');
		expect(exportable).toEqual([block[0]]);
		expect(skipped.map((item) => item.reason)).toEqual(['not_exportable']);
	});
});
