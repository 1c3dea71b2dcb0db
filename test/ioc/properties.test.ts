import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { parse as tldtsParse } from 'tldts';
import {
	compileAllowlistOrThrow,
	extractOccurrences,
	filterBlockableIocs,
	inspectIoc,
	IocInputError,
	parseNetworkValue,
	verdictRank,
	type IocOccurrence,
	type NetworkType,
} from '../../nodes/shared/ioc';
import { findDomainSuffix, labelsValid, suffixPrint } from '../../nodes/shared/ioc/domains';
import { canonicalIPv6, ipv6Parts } from '../../nodes/shared/ioc/ip';
import { fuzzParams } from './fuzz';
import { listsOfBlock, occurrenceCount, parseCsvStrict, stixPatternLiteral, unguardCell } from './helpers';

// `npm test` runs a few hundred per property with a fixed seed; a fuzz run sets FUZZ_RUNS=100000
// and a random FUZZ_SEED (fuzz.ts).
const params = fuzzParams(300);

const HOSTILE_PIECES = [
	'а', 'ı', 'ѕ', '。', '．', '\u202E', '\u2066', '\u200B', '\uFEFF', '\0', '\n', '\r', ' ', '\t', '/', '*', '-', ':', '[', ']', '%', '@', '\\',
	'0', '1', '7', '9', '00', '255', '256', '.', '..', '[.]', '(dot)', 'hxxp', 'http://', 'https://', 'ftp://', 'ff', '::', 'ffff', '64:ff9b',
	'2002', 'xn--', 'a', 'evil', 'com', 'co.uk', 'github.io', 'example', 'local', 'arpa', 'good.com', '8.8', '10.', '#', '?', '_', '^',
];
const hostileString = fc.array(fc.constantFrom(...HOSTILE_PIECES), { maxLength: 14 }).map((pieces) => pieces.join(''));
const plausible = fc.oneof(
	fc.ipV4(),
	fc.ipV4Extended(),
	fc.ipV6(),
	fc.domain(),
	fc.webUrl({ withQueryParameters: true, withFragments: true }),
	fc.constantFrom('8.8.8.8', '8.8.4.4', '1.1.1.1', 'x.good.com', 'https://evil.com/ok/x', 'http://evil.com/a', '2606:4700::1', '2002:808:808::1'),
);
const anyValue = fc.oneof(
	{ weight: 4, arbitrary: plausible },
	{ weight: 3, arbitrary: hostileString },
	{ weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
	{ weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);
const typeWord = fc.constantFrom(undefined, 'ip', 'domain', 'uri', 'url', 'email', 'network.static.ip', 'network.dynamic.uri', 'network.email.address', 'md5', '');
const verdict = fc.oneof(
	fc.constantFrom(undefined, null, '', 'safe', 'info', 'suspicious', 'highly suspicious', 'malicious', 'Highly_Suspicious', 'weird'),
	fc.jsonValue({ maxDepth: 1 }),
);
const occurrence: fc.Arbitrary<IocOccurrence> = fc.record(
	{
		value: anyValue,
		type: typeWord,
		verdict,
		safelisted: fc.boolean(),
		source: fc.option(fc.record({ alert_id: fc.constantFrom('a1', 'a2'), sid: fc.constantFrom('s1', 's2') }, { requiredKeys: [] }), { nil: undefined }),
	},
	{ requiredKeys: ['value'] },
) as fc.Arbitrary<IocOccurrence>;
const options = fc.record({
	minVerdict: fc.constantFrom('safe', 'info', 'suspicious', 'highly suspicious', 'malicious') as fc.Arbitrary<'suspicious'>,
	noVerdict: fc.constantFrom('block', 'skip') as fc.Arbitrary<'block'>,
	cap: fc.integer({ min: 0, max: 30 }),
});

const ALLOWLIST_ENTRIES = ['8.8.0.0/16', '2606:4700::/32', 'good.com', '*.safe.org', 'https://evil.com/ok/'];
const allowlist = compileAllowlistOrThrow(ALLOWLIST_ENTRIES);

// Independent oracles (tldts, ipaddr.js, string checks), not the library's own code path.
function allowlistedByOracle(type: string, value: string): boolean {
	const host = type === 'uri' ? new URL(value).hostname.replace(/^\[|\]$/g, '') : value;
	if (type === 'uri' && /^[a-z]+:\/\/evil\.com\/ok\//.test(value)) return true;
	if (host === 'good.com' || host.endsWith('.good.com') || host === 'safe.org' || host.endsWith('.safe.org')) return true;
	if (!ipaddr.isValid(host)) return false;
	let address = ipaddr.parse(host);
	if (address.kind() === 'ipv6') {
		const parts = (address as ipaddr.IPv6).parts;
		if (parts[0] === 0x2002) address = ipaddr.fromByteArray([parts[1] >> 8, parts[1] & 255, parts[2] >> 8, parts[2] & 255]);
		else if ((address as ipaddr.IPv6).isIPv4MappedAddress()) address = (address as ipaddr.IPv6).toIPv4Address();
	}
	return address.kind() === 'ipv4'
		? address.match(ipaddr.parseCIDR('8.8.0.0/16') as [ipaddr.IPv4, number])
		: address.match(ipaddr.parseCIDR('2606:4700::/32') as [ipaddr.IPv6, number]);
}

function assertBlockable(type: string, value: string, allowlisted = false): void {
	expect(['ip', 'domain', 'uri']).toContain(type);
	expect(value).not.toMatch(/[\s\0*\u202A-\u202E\u2066-\u2069]/);
	const again = parseNetworkValue(value, type as NetworkType);
	expect(again.ok && again.ioc.value === value && again.ioc.hold === null).toBe(true);
	const host = type === 'uri' ? new URL(value).hostname.replace(/^\[|\]$/g, '') : value;
	if (ipaddr.isValid(host)) {
		expect(ipaddr.IPv4.isValid(host) ? ipaddr.IPv4.isValidFourPartDecimal(host) : true).toBe(true);
		const range = ipaddr.parse(host).range();
		expect(['unicast', 'ipv4Mapped', 'rfc6052', '6to4', 'teredo']).toContain(range);
	} else {
		expect(type === 'ip').toBe(false);
		const psl = tldtsParse(host, { allowPrivateDomains: true, detectSpecialUse: true });
		expect(psl.isSpecialUse).toBe(false);
		expect(psl.publicSuffix).not.toBe(host);
		expect(host.includes('.')).toBe(true);
	}
	if (!allowlisted) expect(allowlistedByOracle(type, value)).toBe(false);
}

describe('properties', () => {
	it('filtering never throws, accounts for every occurrence, and nothing unsafe reaches Block', () => {
		fc.assert(
			fc.property(fc.array(occurrence, { maxLength: 40 }), options, (occurrences, opts) => {
				const result = filterBlockableIocs(occurrences, { ...opts, allowlist });
				expect(occurrenceCount(result)).toBe(occurrences.length);
				expect(result.block.length).toBeLessThanOrEqual(opts.cap);
				const minRank = verdictRank(opts.minVerdict);
				for (const item of result.block) {
					assertBlockable(item.type, item.value);
					expect(item.safelisted).toBe(false);
					if (item.verdict === null) expect(opts.noVerdict).toBe('block');
					else expect(verdictRank(item.verdict)).toBeGreaterThanOrEqual(minRank);
				}
				for (const item of result.skipped) expect(item.reason_text.length).toBeGreaterThan(0);
				const keys = [...result.block, ...result.skipped].map((item) => `${item.type} ${item.value} ${'reason' in item && item.reason === 'invalid'}`);
				expect(new Set(keys).size).toBe(keys.length);
			}),
			params,
		);
	});

	it('inspectIoc never throws on any value, and what it clears is blockable', () => {
		fc.assert(
			fc.property(fc.oneof(anyValue, fc.anything()), (value) => {
				const inspection = inspectIoc(value);
				if (inspection.reason === undefined && ['ipv4', 'ipv6', 'domain', 'url'].includes(inspection.iocType)) {
					const type = inspection.iocType === 'url' ? 'uri' : inspection.iocType === 'domain' ? 'domain' : 'ip';
					assertBlockable(type, inspection.value, true); // no allowlist here
				}
			}),
			params,
		);
	});

	it('extraction never throws anything but IocInputError, whatever the item', () => {
		const item = fc.oneof(
			fc.anything(),
			fc.record({ al: fc.record({ detailed: fc.dictionary(fc.constantFrom('ip', 'domain', 'uri', 'yara'), fc.oneof(fc.array(fc.record({ type: fc.string(), value: anyValue, verdict }, { requiredKeys: [] })), fc.anything())) }, { requiredKeys: [] }), alert_id: fc.anything() }, { requiredKeys: ['al'] }),
			fc.record({ iocs: fc.dictionary(fc.string(), fc.oneof(fc.array(anyValue), fc.anything())), sid: fc.anything() }),
			fc.record({ tags: fc.record({ ioc: fc.dictionary(fc.string(), fc.array(fc.tuple(anyValue, verdict, fc.anything(), fc.anything()))) }) }),
		);
		fc.assert(
			fc.property(item, fc.constantFrom(undefined, 'value', 'a.b'), (json, valueField) => {
				let occurrences: IocOccurrence[];
				try {
					occurrences = extractOccurrences(json, { valueField });
				} catch (error) {
					expect(error).toBeInstanceOf(IocInputError);
					return;
				}
				expect(occurrenceCount(filterBlockableIocs(occurrences))).toBe(occurrences.length);
			}),
			params,
		);
	});

	it('every export format parses back to the Block values', () => {
		fc.assert(
			fc.property(fc.array(occurrence, { maxLength: 40 }), (occurrences) => {
				const { block } = filterBlockableIocs(occurrences, { noVerdict: 'block', minVerdict: 'safe' });
				for (const list of listsOfBlock(block, 'csv')) {
					const rows = parseCsvStrict(list.text);
					const values = block.filter((item) => item.type === list.iocType).map((item) => item.value);
					expect(rows.slice(1).map((row) => unguardCell(row[1]))).toEqual(values);
				}
				for (const list of listsOfBlock(block, 'stix', { timestamp: '2026-01-01T00:00:00Z' })) {
					const values = block.filter((item) => item.type === list.iocType).map((item) => item.value);
					const bundle = JSON.parse(list.text);
					expect(bundle.objects.map((object: { pattern: string }) => stixPatternLiteral(object.pattern).value)).toEqual(values);
				}
				for (const format of ['plain', 'paloalto_edl', 'fortigate'] as const) {
					for (const list of listsOfBlock(block, format)) {
						for (const line of list.text.split('\n').slice(0, -1)) {
							expect(line).toMatch(/^[^\s*]+$/);
							if (format !== 'plain') expect(line).not.toMatch(/^[a-z]+:\/\//);
						}
					}
				}
			}),
			params,
		);
	});
});

// Issue 21 part 2's fast checks against what they replace: the label patterns of domains.ts and
// ipaddr.js's IPv6 parser.
describe('fast checks agree with their reference', () => {
	const LABEL = /^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$/;
	const TLD = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
	const byPattern = (name: string) => {
		if (name.length === 0 || name.length > 253) return false;
		const labels = name.split('.');
		const last = labels.length - 1;
		return labels.slice(0, last).every((label) => LABEL.test(label)) && TLD.test(labels[last]);
	};
	const nameChars = fc.constantFrom('a', 'z', 'q', '0', '9', '-', '_', '.', '.', 'A', 'é', '/', ' ', '\n', '*');
	const label = (max: number) => fc.array(nameChars, { maxLength: max }).map((chars) => chars.join(''));

	it('labelsValid says what the label and TLD patterns say', () => {
		fc.assert(
			fc.property(
				fc.oneof(
					label(12),
					fc.domain(),
					fc.array(label(70), { minLength: 1, maxLength: 6 }).map((labels) => labels.join('.')),
					fc.array(fc.constantFrom('a', 'b1', 'x-y', 'c_d'), { minLength: 60, maxLength: 90 }).map((labels) => labels.join('.')),
				),
				(name) => expect([name, labelsValid(name)]).toEqual([name, byPattern(name)]),
			),
			params,
		);
		for (const name of ['a', '1', 'a.b', 'a.1', '1.a', '-a.com', 'a-.com', 'a_b.com', 'a.b_c', '_a.com', 'a..com', '.a', 'a.', `${'a'.repeat(63)}.com`, `${'a'.repeat(64)}.com`, `${'a.'.repeat(126)}ab`, `${'a.'.repeat(126)}abc`])
			expect([name, labelsValid(name)]).toEqual([name, byPattern(name)]);
	});

	it('findDomainSuffix finds with the keys\' prints what it finds without them', () => {
		const labels = fc.constantFrom('a', 'b', 'ab', 'ba', 'com', 'co', 'uk', 'example', 'x-y', 'abc', 'abd');
		const name = fc.array(labels, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('.'));
		fc.assert(
			fc.property(fc.array(name, { maxLength: 12 }), fc.array(name, { minLength: 1, maxLength: 10 }), (keys, probes) => {
				const set = new Set(keys);
				const prints = new Set(keys.map((key) => suffixPrint(key, 0)));
				const deepest = Math.max(0, ...keys.map((key) => key.split('.').length));
				for (const probe of probes)
					expect([probe, findDomainSuffix(probe, set, deepest, prints)]).toEqual([probe, findDomainSuffix(probe, set)]);
			}),
			params,
		);
	});

	it('ipv6Parts reads every canonical IPv6 as ipaddr.js does', () => {
		fc.assert(
			fc.property(fc.oneof(fc.ipV6(), fc.array(fc.constantFrom(0, 0, 0, 1, 0xffff, 0x2001, 0xdb8), { minLength: 8, maxLength: 8 }).map((parts) => parts.map((part) => part.toString(16)).join(':'))), (text) => {
				const canonical = canonicalIPv6(text);
				if (canonical === null) return;
				expect([canonical, ipv6Parts(canonical)]).toEqual([canonical, ipaddr.IPv6.parse(canonical).parts]);
			}),
			params,
		);
	});
});
