/**
 * Hostile input (issue 8.3), IoC library level: every value was chosen by an adversary. For the
 * corpus in hostile.arbitraries.ts (each value as an explicit case) and for generated values
 * (fast-check, FUZZ_RUNS per property; `npm run test:fuzz` sets 100,000):
 *
 * - nothing crashes, whatever the value's JavaScript type;
 * - every occurrence is accounted for (Block + Skipped occurrences = input occurrences);
 * - nothing unsafe reaches Block (oracle.ts: ipaddr.js, tldts and WHATWG URL, not the library);
 * - every export format still parses, one entry per Block value (no line or field injection);
 * - huge values cost little (denial of service).
 *
 * Builds on test/ioc/properties.test.ts (random pieces joined; allowlist and verdict rules) and
 * test/nodes/filter.properties.test.ts (the same through the node).
 */
import fc from 'fast-check';

import {
	filterBlockableIocs,
	inspectIoc,
	type IocItem,
	type IocOccurrence,
} from '../../nodes/shared/ioc';
import * as refangModule from '../../nodes/shared/ioc/refang';
import { fuzzParams } from '../ioc/fuzz';
import { listsOfBlock, occurrenceCount, parseCsvStrict, stixPatternLiteral, unguardCell } from '../ioc/helpers';
import { declaredType, HOSTILE_CORPUS, hostileValue, verdict } from './hostile.arbitraries.ts';
import { isBlockableDomain, isGlobalIp, unsafeOnBlock } from './oracle.ts';

const params = fuzzParams(300);
const NUM_RUNS = params.numRuns;

function expectSafeBlock(block: IocItem[]): void {
	const unsafe = block.map((item) => [item.type, item.value, unsafeOnBlock(item.type, item.value)]).filter(([, , why]) => why !== null);
	expect(unsafe).toEqual([]);
}

/** Every export format parses back to exactly the Block values, one entry each. */
function expectExportsParse(block: IocItem[]): void {
	const byType = (type: string) => block.filter((item) => item.type === type).map((item) => item.value);
	for (const list of listsOfBlock(block, 'csv')) {
		const rows = parseCsvStrict(list.text);
		expect(rows.slice(1).map((row) => unguardCell(row[1]))).toEqual(byType(list.iocType));
		for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
	}
	for (const list of listsOfBlock(block, 'stix', { timestamp: '2026-01-01T00:00:00Z' })) {
		const bundle = JSON.parse(list.text);
		expect(bundle.objects.map((object: { pattern: string }) => stixPatternLiteral(object.pattern).value)).toEqual(byType(list.iocType));
	}
	for (const format of ['plain', 'paloalto_edl', 'fortigate'] as const) {
		for (const list of listsOfBlock(block, format)) {
			expect(list.text.endsWith('\n')).toBe(true);
			const lines = list.text.slice(0, -1).split('\n');
			// EDL and FortiGate drop the scheme, so http:// and https:// of one URL may share a line.
			const values = byType(list.iocType);
			const expected = format === 'plain' ? values : [...new Set(values.map((v) => (list.iocType === 'uri' ? v.replace(/^[a-z]+:\/\//, '') : v)))];
			expect(lines).toEqual(expected);
		}
	}
}

function occurrencesOf(values: unknown[], type?: unknown, verdictValue: unknown = 'malicious'): IocOccurrence[] {
	return values.map((value) => ({ value, type: type as string, verdict: verdictValue }));
}

// --- the corpus, value by value -----------------------------------------------------------------

describe('the hostile corpus, each value on its own', () => {
	test.each(HOSTILE_CORPUS.map((value) => [JSON.stringify(value)?.slice(0, 60) ?? String(value), value] as const))(
		'%s: no crash, accounted for, safe on Block under every declared type, exports parse',
		(_label, value) => {
			for (const type of [undefined, 'ip', 'domain', 'uri', 'url', 'email']) {
				const result = filterBlockableIocs(occurrencesOf([value], type), { cap: 10_000 });
				expect(occurrenceCount(result)).toBe(1);
				expectSafeBlock(result.block);
				for (const item of result.skipped) expect(item.reason_text.length).toBeGreaterThan(0);
				expectExportsParse(result.block);
			}
			expect(() => inspectIoc(value)).not.toThrow();
		},
	);

	// What reaches Block from the corpus, exactly: normalised, never broader than the value.
	test('what may be blocked from the corpus is exactly this', () => {
		const { block } = filterBlockableIocs(occurrencesOf([...HOSTILE_CORPUS]), { cap: 10_000 });
		expect(block.map((item) => `${item.type} ${item.value}`).sort()).toEqual([
			'domain evil.com',
			'domain xn--ggle-55da.com', // gооgle.com with Cyrillic о: not google.com
			'domain xn--pple-43d.com', // аpple.com with Cyrillic а: not apple.com
			'uri http://evil.com/',
			'uri http://evil.com/%0d%0aSet-Cookie:x',
			'uri http://evil.com/%22%3E%3Cscript%3E',
			'uri http://evil.com/%5E',
			"uri http://evil.com/'],[x",
			'uri http://evil.com/?@10.0.0.1',
			'uri http://evil.com/@10.0.0.1/', // http://evil.com\@10.0.0.1/: WHATWG reads \ as /
			'uri http://evil.com/a',
			'uri http://evil.com/x',
			'uri http://xn--80ak6aa92e.com/',
			'uri http://xn--pple-43d.com/',
		]);
	});

	test.each([
		['credentials are dropped, the real host kept', 'http://user:pass@evil.com/x', 'uri', 'http://evil.com/x'],
		['the classic phishing userinfo: the host after @ is the target', 'http://paypal.com@evil.com/', 'uri', 'http://evil.com/'],
		['a percent-encoded host is decoded', 'http://%65vil.com/', 'uri', 'http://evil.com/'],
		['an IDN homograph is blocked as its punycode, never as the brand', 'аpple.com', 'domain', 'xn--pple-43d.com'],
		['the same in a URL', 'http://аpple.com/', 'uri', 'http://xn--pple-43d.com/'],
		['zero-width characters from copy and paste are removed', 'ev\u200Bil.com', 'domain', 'evil.com'],
		['full-width letters map to ASCII (UTS-46)', 'ｅｖｉｌ.com', 'domain', 'evil.com'],
		['a fragment is not part of what is blocked', 'http://evil.com#@10.0.0.1', 'uri', 'http://evil.com/'],
	])('%s: %j → %s %s', (_why, value, type, expected) => {
		const { block, skipped } = filterBlockableIocs(occurrencesOf([value]), { cap: 10 });
		expect(skipped).toEqual([]);
		expect(block.map((item) => [item.type, item.value])).toEqual([[type, expected]]);
	});

	test.each([
		'0.0.0.0/0', '*', '::', '127.1', '0x7f.1', '[::ffff:10.0.0.1]', 'http://user:pass@host', 'http://0x7f.1/', 'http://2130706433/',
		'http://[::ffff:10.0.0.1]/', 'http://%31%32%37.0.0.1/', 'http://evil.com@10.0.0.1/', 'http://169.254.169.254/latest/meta-data/',
		'*.evil.com', 'http://*.evil.com/', '::ffff:127.0.0.1', '64:ff9b::a00:1', '2002:a00:1::', 'fe80::1%eth0', 'localhost', 'com',
		'co.uk', 'github.io', 'evil.com\n45.83.1.1', 'evil.com\0', '\u202Emoc.live', 'evil.com\r\nSet-Cookie: x', 'gopher://evil.com/',
	])('%j never reaches Block, whatever type it claims, and says why', (value) => {
		for (const type of [undefined, 'ip', 'domain', 'uri']) {
			const { block, skipped } = filterBlockableIocs(occurrencesOf([value], type), { cap: 10 });
			expect(block).toEqual([]);
			expect(skipped).toHaveLength(1);
			expect(skipped[0].reason).toMatch(/^(invalid|non_global_ip|special_use_domain|public_suffix|unsupported_type)$/);
		}
	});
});

describe('the oracle itself catches what it must', () => {
	test.each([
		['ip', '127.0.0.1'], ['ip', '0x7f.1'], ['ip', '127.1'], ['ip', '10.0.0.1'], ['ip', '::'], ['ip', '::ffff:10.0.0.1'], ['ip', '2002:a00:1::'],
		['ip', '64:ff9b::a00:1'], ['ip', '0.0.0.0/0'], ['ip', '169.254.169.254'], ['domain', 'co.uk'], ['domain', 'github.io'], ['domain', 'localhost'],
		['domain', 'evil.com\u200B'], ['domain', 'аpple.com'], ['domain', '*.evil.com'], ['domain', 'x.local'], ['uri', 'http://user:pass@evil.com/'],
		['uri', 'http://10.0.0.1/'], ['uri', 'http://evil.com/#x'], ['uri', 'javascript:alert(1)'], ['uri', 'http://evil.com/a b'], ['uri', 'http://evil.com'],
		['uri', 'http://[::1]/'], ['email', 'a@evil.com'],
	])('%s %j is unsafe', (type, value) => {
		expect(unsafeOnBlock(type, value)).not.toBeNull();
	});

	test.each([['ip', '45.83.1.1'], ['ip', '2606:4700::1111'], ['ip', '::ffff:45.83.1.1'], ['domain', 'evil.com'], ['domain', 'x.evil.co.uk'], ['uri', 'http://evil.com/x?q=1']])(
		'%s %j is fine',
		(type, value) => expect(unsafeOnBlock(type, value)).toBeNull(),
	);
});

// --- denial of service --------------------------------------------------------------------------

// What they cost in time is bench/'s to measure (`npm run bench`: filtering 5,000 to 500,000 alerts,
// ratios from one run); here, on any machine at any load, what bounds the cost.
describe('huge inputs cost little', () => {
	test('a 10 MB value is refused by its length alone, without being parsed', () => {
		const huge = `http://${'a'.repeat(10_000_000)}.com/`;
		const refang = jest.spyOn(refangModule, 'refang');
		const result = filterBlockableIocs(occurrencesOf([huge]));
		// Parsing starts by refanging: the value never got there.
		expect(refang.mock.calls.filter(([text]) => text.length > 10_000)).toEqual([]);
		refang.mockRestore();
		expect(occurrenceCount(result)).toBe(1);
		expect(result.skipped[0].reason).toBe('invalid');
		// The length guard's words (nodes/shared/ioc/parse.ts): it answers before refanging and parsing.
		expect(result.skipped[0].reason_text).toMatch(/is longer than 2048 characters\.$/);
		// The reason quotes a bounded prefix, not 10 MB.
		expect(result.skipped[0].reason_text.length).toBeLessThan(1000);
		expect(JSON.stringify(result).length).toBeLessThan(10_000_000 * 2 + 10_000);
	});

	test('20,000 distinct hostile values in one call: each accounted for once, all blocked safely', () => {
		const values = Array.from({ length: 20_000 }, (_, i) => `http://user:pw@ev\u200Bil-${i}[.]com:8080/a/../b?q=${i}#x`);
		const result = filterBlockableIocs(occurrencesOf(values), { cap: 100_000 });
		expect(occurrenceCount(result)).toBe(20_000);
		expect(result.block).toHaveLength(20_000);
		expect(new Set(result.block.map((item) => item.value)).size).toBe(20_000);
		expectSafeBlock(result.block.slice(0, 100));
	});

	test('the same planted value 100,000 times merges into one entry', () => {
		const result = filterBlockableIocs(occurrencesOf(Array(100_000).fill('45.83.1.1')));
		expect(result.block).toHaveLength(1);
		expect(result.block[0].occurrences).toBe(100_000);
		expect(result.block[0].sources.length).toBeLessThanOrEqual(100_000);
	});
});

// --- properties ---------------------------------------------------------------------------------

const occurrence: fc.Arbitrary<IocOccurrence> = fc.record(
	{ value: hostileValue, type: declaredType, verdict, safelisted: fc.boolean() },
	{ requiredKeys: ['value'] },
) as fc.Arbitrary<IocOccurrence>;

describe(`properties over hostile values (${NUM_RUNS} cases each)`, () => {
	test('no crash, every occurrence accounted for, nothing unsafe on Block', () => {
		let blocked = 0;
		fc.assert(
			fc.property(fc.array(occurrence, { maxLength: 12 }), (occurrences) => {
				const result = filterBlockableIocs(occurrences, { cap: 10_000, noVerdict: 'block', minVerdict: 'info' });
				expect(occurrenceCount(result)).toBe(occurrences.length);
				expectSafeBlock(result.block);
				for (const item of result.block) expect(item.safelisted).toBe(false);
				for (const item of result.skipped) expect(item.reason_text).toEqual(expect.any(String));
				if (result.block.length > 0) blocked++;
			}),
			params,
		);
		// The generators are not so hostile that Block is always empty (which would prove nothing).
		expect(blocked).toBeGreaterThan(NUM_RUNS / 8);
	});

	test('every export format parses back to exactly the Block values', () => {
		fc.assert(
			fc.property(fc.array(occurrence, { maxLength: 12 }), (occurrences) => {
				const { block } = filterBlockableIocs(occurrences, { cap: 10_000, noVerdict: 'block', minVerdict: 'safe' });
				expectExportsParse(block);
			}),
			params,
		);
	});

	test('what enrichment may send to a provider (inspectIoc clears it) is one public host', () => {
		fc.assert(
			fc.property(hostileValue, (value) => {
				const inspection = inspectIoc(value);
				if (inspection.reason !== undefined) return;
				if (inspection.iocType === 'ipv4' || inspection.iocType === 'ipv6') expect(isGlobalIp(inspection.value)).toBe(true);
				if (inspection.iocType === 'domain') expect(isBlockableDomain(inspection.value)).toBe(true);
				if (inspection.iocType === 'url') expect(unsafeOnBlock('uri', inspection.value)).toBeNull();
			}),
			params,
		);
	});
});
