/**
 * Named regression cases: every counterexample a property or fuzz run has found, kept as an
 * explicit case so a later change cannot bring it back unnoticed. Add each new one here with
 * where it came from (issue, seed).
 *
 * The contract they guard: whatever Filter Blockable IoCs puts on Block, every exporter accepts
 * as it is (issue 20: the Filter and the exporters' re-check disagreed, and one planted value
 * made every blocklist export of the run fail).
 */
import {
	exportCsv,
	exportLines,
	exportStix,
	filterBlockableIocs,
	parseNetworkValue,
	type IocItem,
	type NetworkType,
} from '../../nodes/shared/ioc';
import { parseCsvStrict, stixPatternLiteral, unguardCell } from './helpers';

interface Counterexample {
	name: string;
	value: string;
	/** Declared types to try it under (undefined: detect). */
	types: (string | undefined)[];
	/** What the Filter must do with it: `invalid` on Skipped, or this normalised value on Block. */
	expected: { skipped: 'invalid' } | { block: string };
}

const AS_URI = ['uri', 'url', undefined];

// URI hosts that keep an empty label after refanging and IDN mapping. The WHATWG URL parser keeps
// `evil.com..` as a host; the Filter used to strip one dot and then accept `https://evil.com./`,
// which the exporters' re-check (one more dot stripped) read as a different value.
const COUNTEREXAMPLES: Counterexample[] = [
	{ name: 'issue 20, fuzz seed 633044083: Cyrillic а, (dot) then a full-width dot', value: 'https://аco.uk(dot)．', types: AS_URI, expected: { skipped: 'invalid' } },
	{ name: 'two ASCII dots after the host', value: 'https://evil.com..', types: AS_URI, expected: { skipped: 'invalid' } },
	{ name: '[.] then an ideographic full stop (U+3002), defanged scheme', value: 'hxxps://evil[.]com[.]。/x', types: AS_URI, expected: { skipped: 'invalid' } },
	{ name: '[dot] then a half-width ideographic full stop (U+FF61)', value: 'http://evil.com[dot]｡', types: AS_URI, expected: { skipped: 'invalid' } },
	{ name: 'a dot then U+3002 before a port', value: 'http://evil.com.。:8080/a?b', types: AS_URI, expected: { skipped: 'invalid' } },
	{ name: 'full-width letters and two full-width dots (U+FF0E)', value: 'ftp://ｅｖｉｌ．com．．', types: AS_URI, expected: { skipped: 'invalid' } },
	{ name: '(.) then {.}', value: 'https://evil.com(.){.}', types: AS_URI, expected: { skipped: 'invalid' } },
	{ name: 'two escaped dots (\\.)', value: 'http://evil.com\\.\\.', types: AS_URI, expected: { skipped: 'invalid' } },
	{ name: 'a dot and a percent-encoded dot (%2e)', value: 'http://evil.com.%2e', types: AS_URI, expected: { skipped: 'invalid' } },
	{ name: 'two dots with a zero-width space between', value: 'http://evil.com.\u200B.', types: AS_URI, expected: { skipped: 'invalid' } },
	{ name: 'two dots with a soft hyphen between (mapped away by IDNA)', value: 'http://evil.com.\u00AD.', types: AS_URI, expected: { skipped: 'invalid' } },
	{ name: 'homograph host (Cyrillic а) with two dots', value: 'http://аpple.com..', types: AS_URI, expected: { skipped: 'invalid' } },
	{ name: 'German ß (IDNA 2008 punycode) with two dots', value: 'http://faß.de..', types: AS_URI, expected: { skipped: 'invalid' } },
	{ name: 'Arabic-Indic digits with two dots', value: 'http://١٢٣.com..', types: AS_URI, expected: { skipped: 'invalid' } },
	{ name: 'punycode host with two dots', value: 'http://xn--co-6kc.uk../', types: AS_URI, expected: { skipped: 'invalid' } },
	{ name: 'an IPv4 host with two dots: an empty label, refused as for names', value: 'http://45.83.1.1..', types: AS_URI, expected: { skipped: 'invalid' } },
	// The same hosts with one trailing dot are one IoC, normalised without it: still blocked.
	{ name: 'one full-width trailing dot is removed', value: 'https://аco.uk．', types: AS_URI, expected: { block: 'https://xn--co-6kc.uk/' } },
	{ name: 'one defanged trailing dot is removed', value: 'hxxps://evil[.]com[.]/x', types: AS_URI, expected: { block: 'https://evil.com/x' } },
	{ name: 'one ASCII trailing dot before a port is removed', value: 'http://evil.com.:8080/a', types: AS_URI, expected: { block: 'http://evil.com:8080/a' } },
	{ name: 'an IPv4 host with one trailing dot', value: 'http://45.83.1.1./', types: AS_URI, expected: { block: 'http://45.83.1.1/' } },
	// Domain values already refused empty labels; kept so the two stay alike.
	{ name: 'domain: (dot) then a full-width dot', value: 'аco.uk(dot)．', types: ['domain', undefined], expected: { skipped: 'invalid' } },
	{ name: 'domain: one full-width trailing dot', value: 'аco.uk．', types: ['domain', undefined], expected: { block: 'xn--co-6kc.uk' } },
];

/** Every export format takes the Block values as they are and gives back exactly them. */
function expectEveryFormatExports(block: IocItem[]): void {
	for (const type of ['ip', 'domain', 'uri'] as const) {
		const items = block.filter((item) => item.type === type);
		if (items.length === 0) continue;
		const values = items.map((item) => item.value);
		expect(exportLines(items, 'plain')).toBe(`${values.join('\n')}\n`);
		for (const format of ['paloalto_edl', 'fortigate'] as const) expect(exportLines(items, format).split('\n').length).toBe(values.length + 1);
		expect(parseCsvStrict(exportCsv(items)).slice(1).map((row) => unguardCell(row[1]))).toEqual(values);
		const bundle = JSON.parse(exportStix(items, { timestamp: '2026-01-01T00:00:00Z' }));
		expect(bundle.objects.map((object: { pattern: string }) => stixPatternLiteral(object.pattern).value)).toEqual(values);
	}
}

describe('regressions: what reaches Block exports in every format', () => {
	const rows = COUNTEREXAMPLES.flatMap((example) => example.types.map((type) => [example.name, String(type), example, type] as const));
	test.each(rows)('%s (declared type %s)', (_name, _typeLabel, example, type) => {
		const result = filterBlockableIocs([{ value: example.value, type, verdict: 'malicious' }]);
		for (const item of result.block) {
			const again = parseNetworkValue(item.value, item.type as NetworkType);
			expect(again.ok && { value: again.ioc.value, hold: again.ioc.hold }).toEqual({ value: item.value, hold: null });
		}
		expectEveryFormatExports(result.block);
		if ('block' in example.expected) expect(result.block.map((item) => item.value)).toEqual([example.expected.block]);
		else expect(result.skipped.map((item) => item.reason)).toEqual([example.expected.skipped]);
	});

	test('one hostile value among good ones: every format still exports all the good ones', () => {
		const values = ['45.83.1.1', 'evil.com', 'https://evil.com/a', ...COUNTEREXAMPLES.map((example) => example.value)];
		const { block } = filterBlockableIocs(values.map((value) => ({ value, verdict: 'malicious' })));
		expect(block.map((item) => item.value)).toEqual(expect.arrayContaining(['45.83.1.1', 'evil.com', 'https://evil.com/a']));
		expectEveryFormatExports(block);
	});
});
