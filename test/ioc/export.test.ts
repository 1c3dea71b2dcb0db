import {
	csvCell,
	exportBlocklists,
	exportCsv,
	exportFortigate,
	exportPaloAltoEdl,
	exportPlain,
	exportStix,
	filterBlockableIocs,
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
		const lists = exportBlocklists(block, 'paloalto_edl');
		expect(lists.map((list) => [list.iocType, list.format, list.text.split('\n').length - 1])).toEqual([
			['ip', 'paloalto_edl', 2],
			['domain', 'paloalto_edl', 1],
			['uri', 'paloalto_edl', 2],
		]);
		expect(exportBlocklists(ofType('domain'), 'stix', { timestamp: '2026-01-01T00:00:00Z' }).map((list) => list.iocType)).toEqual(['domain']);
		expect(() => exportBlocklists([{ ...block[0], type: 'email', value: 'a@b.c' }], 'plain')).toThrow(/Cannot export/);
	});
});
