import fc from 'fast-check';
import {
	applyCap,
	compileAllowlist,
	compileAllowlistOrThrow,
	decideIocs,
	extractOccurrences,
	filterBlockableIocs,
	holdBack,
	inCapOrder,
	IocInputError,
	REASON_PRECEDENCE,
	verdictRank,
	type IocItem,
	type IocOccurrence,
} from '../../nodes/shared/ioc';
import { occurrenceCount } from './helpers';

const reasonOf = (occurrences: IocOccurrence[], options = {}) => {
	const result = filterBlockableIocs(occurrences, options);
	return result.block.length > 0 ? 'block' : result.skipped[0].reason;
};

describe('verdict threshold', () => {
	const cases: Array<[unknown, string]> = [
		['malicious', 'block'],
		['highly suspicious', 'block'],
		['Highly_Suspicious', 'block'],
		['suspicious', 'block'],
		['info', 'below_threshold'],
		['safe', 'below_threshold'],
		['SAFE', 'below_threshold'],
		['critical', 'block'],
		['benign', 'block'],
		[7, 'block'],
		[undefined, 'block'],
		[null, 'block'],
		['', 'block'],
	];
	it.each(cases)('verdict %j → %s', (verdict, outcome) => {
		expect(reasonOf([{ value: '8.8.8.8', type: 'ip', verdict }])).toBe(outcome);
	});

	it('unknown verdicts keep their raw text and are never skipped, even at minimum malicious', () => {
		const result = filterBlockableIocs([{ value: '8.8.8.8', type: 'ip', verdict: 'Critical!' }], { minVerdict: 'malicious' });
		expect(result.block.map((item) => item.verdict)).toEqual(['Critical!']);
	});

	it('noVerdict: skip holds back IoCs without verdict as no_verdict; other rules still come first', () => {
		expect(reasonOf([{ value: '8.8.8.8', type: 'ip' }], { noVerdict: 'skip' })).toBe('no_verdict');
		expect(reasonOf([{ value: '10.0.0.1', type: 'ip' }], { noVerdict: 'block' })).toBe('non_global_ip');
	});

	it('rejects an unknown minimum verdict', () => {
		expect(() => decideIocs([], { minVerdict: 'bad' as never })).toThrow(RangeError);
	});
});

describe('reason precedence', () => {
	const allowlist = compileAllowlistOrThrow(['10.0.0.0/8', 'example.com', 'co.uk.evil.com']);
	// Each row has every later reason too, so only the order picks the answer.
	const cases: Array<[IocOccurrence, string]> = [
		[{ value: '10.0.0.1/8', type: 'ip', verdict: 'info', safelisted: true }, 'invalid'],
		[{ value: '10.0.0.1', type: 'ip', verdict: 'info', safelisted: true }, 'allowlisted'],
		[{ value: 'www.example.com', type: 'domain', verdict: 'info', safelisted: true }, 'allowlisted'],
		[{ value: '192.168.0.1', type: 'ip', verdict: 'info', safelisted: true }, 'safelisted'],
		[{ value: '192.168.0.1', type: 'ip', verdict: 'info' }, 'non_global_ip'],
		[{ value: 'a.test', type: 'domain', verdict: 'info' }, 'special_use_domain'],
		[{ value: 'co.uk', type: 'domain', verdict: 'info' }, 'public_suffix'],
		[{ value: 'a@b.com', type: 'email', verdict: 'info' }, 'unsupported_type'],
		[{ value: 'a@b.com', tag_type: 'network.email.address', verdict: 'info', safelisted: true }, 'safelisted'],
		[{ value: '8.8.8.8', type: 'ip' }, 'no_verdict'],
		[{ value: '8.8.8.8', type: 'ip', verdict: 'info' }, 'below_threshold'],
	];
	it.each(cases)('%j → %s', (occurrence, reason) => {
		expect(reasonOf([occurrence], { allowlist, noVerdict: 'skip' })).toBe(reason);
	});

	it('is declared in one ordered list', () => {
		expect(REASON_PRECEDENCE).toEqual([
			'invalid',
			'allowlisted',
			'safelisted',
			'non_global_ip',
			'special_use_domain',
			'public_suffix',
			'unsupported_type',
			'no_verdict',
			'below_threshold',
			'already_blocked',
			'over_cap',
			'not_exportable',
		]);
	});
});

describe('merging duplicates within a call', () => {
	const occurrences: IocOccurrence[] = [
		{ value: 'evil[.]com', type: 'domain', tag_type: 'network.static.domain', verdict: 'info', source: { sid: 's1' }, itemIndex: 0, classification: 'TLP:C' },
		{ value: 'EVIL.com.', type: 'domain', tag_type: 'network.dynamic.domain', verdict: 'malicious', source: { alert_id: 'a1', sid: 's1' }, itemIndex: 1, classification: 'TLP:A' },
		{ value: 'evil.com', tag_type: 'network.static.domain', verdict: 'suspicious', source: { alert_id: 'a1', sid: 's1' }, itemIndex: 1 },
		{ value: 'evil.com', type: 'uri', verdict: 'malicious', itemIndex: 2 },
	];

	it('merges by (type, normalised value): highest verdict, unions, counts', () => {
		const result = filterBlockableIocs(occurrences);
		expect(result.block).toEqual([
			{
				type: 'domain',
				value: 'evil.com',
				original: 'evil[.]com',
				originals: ['evil[.]com', 'EVIL.com.', 'evil.com'],
				verdict: 'malicious',
				tag_type: 'network.static.domain',
				tag_types: ['network.static.domain', 'network.dynamic.domain'],
				safelisted: false,
				classification: 'TLP:A',
				classifications: ['TLP:C', 'TLP:A'],
				sources: [{ sid: 's1' }, { alert_id: 'a1', sid: 's1' }],
				occurrences: 3,
				itemIndexes: [0, 1],
			},
		]);
		expect(result.skipped.map((item) => [item.type, item.value, item.reason])).toEqual([['uri', 'evil.com', 'invalid']]);
		expect(occurrenceCount(result)).toBe(4);
	});

	it('one safelisted occurrence makes the merged item safelisted', () => {
		const result = filterBlockableIocs([
			{ value: 'evil.com', type: 'domain', verdict: 'malicious' },
			{ value: 'evil.com', type: 'domain', verdict: 'info', safelisted: true },
		]);
		expect(result.skipped.map((item) => [item.reason, item.verdict, item.occurrences])).toEqual([['safelisted', 'malicious', 2]]);
	});

	it('a verdict beats no verdict when merging', () => {
		const result = filterBlockableIocs([
			{ value: 'evil.com', type: 'domain' },
			{ value: 'evil.com', type: 'domain', verdict: 'info' },
		]);
		expect(result.skipped.map((item) => [item.reason, item.verdict])).toEqual([['below_threshold', 'info']]);
	});

	it('non-string values are invalid, never a crash, and still counted', () => {
		const odd: IocOccurrence[] = [{ value: 42, type: 'ip' }, { value: null }, { value: { a: 1 } }, { value: ['8.8.8.8'] }, { value: undefined, type: 'domain' }];
		const result = filterBlockableIocs(odd);
		expect(result.block).toEqual([]);
		expect(result.skipped.map((item) => [item.type, item.value, item.reason])).toEqual([
			['ip', '42', 'invalid'],
			['unknown', 'null', 'invalid'],
			['unknown', '{"a":1}', 'invalid'],
			['unknown', '["8.8.8.8"]', 'invalid'],
			['domain', '', 'invalid'],
		]);
	});
});

describe('cap', () => {
	const occurrences: IocOccurrence[] = [
		{ value: '8.8.8.1', type: 'ip', verdict: 'suspicious' },
		{ value: '8.8.8.2', type: 'ip' },
		{ value: '8.8.8.3', type: 'ip', verdict: 'malicious' },
		{ value: '8.8.8.4', type: 'ip', verdict: 'suspicious' },
		{ value: '8.8.8.5', type: 'ip', verdict: 'highly suspicious' },
	];
	it('keeps the highest verdicts first, then input order; the rest are over_cap', () => {
		const result = filterBlockableIocs(occurrences, { cap: 3 });
		expect(result.block.map((item) => item.value)).toEqual(['8.8.8.3', '8.8.8.5', '8.8.8.1']);
		expect(result.skipped.map((item) => [item.value, item.reason])).toEqual([
			['8.8.8.4', 'over_cap'],
			['8.8.8.2', 'over_cap'],
		]);
	});
	it('orders as a stable sort by verdict rank would, whatever the verdicts', () => {
		const verdicts = [null, 'safe', 'info', 'suspicious', 'highly suspicious', 'malicious', 'Weird'];
		fc.assert(
			fc.property(fc.array(fc.constantFrom(...verdicts), { maxLength: 60 }), (list) => {
				const items = list.map((verdict, i) => ({ value: `8.8.8.${i}`, verdict }) as IocItem);
				const reference = items
					.map((item, index) => ({ item, index, rank: verdictRank(item.verdict) }))
					.sort((a, b) => b.rank - a.rank || a.index - b.index)
					.map(({ item }) => item);
				expect(inCapOrder(items)).toEqual(reference);
			}),
		);
	});
	it('defaults to 1,000 and rejects a bad cap', () => {
		const many = Array.from({ length: 1001 }, (_, i) => ({ value: `8.8.${i >> 8}.${i & 255}`, type: 'ip', verdict: 'malicious' }));
		const result = filterBlockableIocs(many);
		expect([result.block.length, result.skipped.length]).toEqual([1000, 1]);
		expect(() => applyCap([], -1)).toThrow(RangeError);
		expect(() => applyCap([], 1.5)).toThrow(RangeError);
		expect(applyCap(result.block, Infinity).block).toHaveLength(1000);
	});
	it('holdBack marks what the node dedups across runs', () => {
		const item = filterBlockableIocs(occurrences).block[0];
		expect(holdBack(item, 'already_blocked')).toMatchObject({ value: item.value, reason: 'already_blocked', reason_text: expect.stringMatching(/earlier run/) });
	});
});

describe('allowlist', () => {
	const { allowlist, errors } = compileAllowlist(
		[
			'# own assets',
			'8.8.0.0/16, 1.2.3.4',
			'2606:4700::/32 2001:4860:4860::8888',
			'example.org',
			'*.corp-assets.com',
			'https://evil.com/safe/',
			'https://evil.com/safe/deeper/ignored-because-covered',
			'http://cdn.com:8443/x',
			'10.0.0.0/33',
			'0.0.0.0/0',
			'co.uk',
			'01.2.3.4',
			'*',
			'http://*.bad/',
		].join('\n'),
	);
	const match = (value: string) => {
		const result = filterBlockableIocs([{ value, verdict: 'malicious' }], { allowlist });
		return result.block.length > 0 ? null : result.skipped[0].reason_text;
	};

	it('reports every bad entry with its line and does not count it', () => {
		expect(errors.map((error) => [error.line, error.entry])).toEqual([
			[9, '10.0.0.0/33'],
			[10, '0.0.0.0/0'],
			[11, 'co.uk'],
			[12, '01.2.3.4'],
			[13, '*'],
			[14, 'http://*.bad/'],
		]);
		expect(errors[2].message).toMatch(/public suffix/);
		expect(allowlist.size).toBe(9);
		expect(() => compileAllowlistOrThrow('good.com\nco.uk')).toThrow(/line 2: Allowlist entry "co.uk"/);
	});

	const cases: Array<[string, string | null]> = [
		['8.8.8.8', '8.8.0.0/16'],
		['8.9.0.1', null],
		['1.2.3.4', '1.2.3.4'],
		['1.2.3.5', null],
		['2606:4700:1::1', '2606:4700::/32'],
		['2606:4701::1', null],
		['2001:4860:4860::8888', '2001:4860:4860::8888'],
		['2002:808:808::1', '8.8.0.0/16'], // 6to4 carrying an allowlisted IPv4
		['::ffff:1.2.3.4', '1.2.3.4'],
		['example.org', 'example.org'],
		['deep.sub.example.org', 'example.org'],
		['notexample.org', null],
		['corp-assets.com', '*.corp-assets.com'],
		['x.corp-assets.com', '*.corp-assets.com'],
		['https://evil.com/safe/a', 'https://evil.com/safe/'],
		['http://evil.com/safe/', 'https://evil.com/safe/'],
		['https://evil.com/safer', null],
		['https://evil.com/', null],
		['http://cdn.com:8443/xyz', 'http://cdn.com:8443/x'],
		['http://cdn.com/xyz', null],
		['http://8.8.4.4/payload', '8.8.0.0/16'],
		['https://a.example.org/x', 'example.org'],
	];
	it.each(cases)('%s matches %j', (value, entry) => {
		const text = match(value);
		expect(text === null ? null : /entry "(.*)"/.exec(text)?.[1]).toBe(entry);
	});

	it('compiles 10,000 entries', () => {
		const entries = Array.from({ length: 10000 }, (_, i) => (i % 2 ? `host${i}.example-corp.com` : `8.${i >> 8}.${i & 255}.0/24`));
		const big = compileAllowlistOrThrow(entries);
		expect(big.size).toBe(10000);
		expect(filterBlockableIocs([{ value: 'host9999.example-corp.com', verdict: 'malicious' }], { allowlist: big }).skipped[0].reason).toBe('allowlisted');
	});
});

describe('extractOccurrences', () => {
	it('reads a single IoC item of the AL Submission IoCs node', () => {
		const occurrences = extractOccurrences(
			{ sid: 's1', type: 'email', value: 'x@evil.com', verdict: 'malicious', tag_type: 'network.email.address', safelisted: false, classification: 'TLP:C' },
			{ itemIndex: 3 },
		);
		expect(occurrences).toEqual([
			{ value: 'x@evil.com', type: 'email', tag_type: 'network.email.address', verdict: 'malicious', safelisted: false, classification: 'TLP:C', source: { sid: 's1' }, itemIndex: 3 },
		]);
		expect(filterBlockableIocs(occurrences).skipped[0].reason).toBe('unsupported_type');
	});

	it('reads a grouped item: values only, so no verdict', () => {
		const occurrences = extractOccurrences({ sid: 's1', partial: false, iocs: { 'network.static.ip': ['8.8.8.8', '10.0.0.1'], 'network.dynamic.uri': ['http://evil.com/x'] } });
		const result = filterBlockableIocs(occurrences);
		expect(result.block.map((item) => [item.value, item.verdict, item.tag_type])).toEqual([
			['8.8.8.8', null, 'network.static.ip'],
			['http://evil.com/x', null, 'network.dynamic.uri'],
		]);
		expect(filterBlockableIocs(occurrences, { noVerdict: 'skip' }).block).toEqual([]);
	});

	it('reads alerts whose detailed groups are missing, and alerts without al.detailed', () => {
		expect(extractOccurrences({ alert_id: 'a', al: { detailed: { ip: [{ type: 'network.static.ip', value: '8.8.8.8', verdict: 'malicious' }] } } })).toHaveLength(1);
		const plain = extractOccurrences({ alert_id: 'a', al: { ip_dynamic: ['8.8.8.8'], ip_static: ['8.8.4.4'], domain: ['evil.com'] } });
		expect(plain.map((occurrence) => [occurrence.value, occurrence.tag_type, occurrence.verdict])).toEqual([
			['8.8.8.8', 'network.dynamic.ip', undefined],
			['8.8.4.4', 'network.static.ip', undefined],
			['evil.com', null, undefined],
		]);
	});

	it('reads any item through a value field, type field and verdict field', () => {
		const json = { sid: 's9', ioc: { list: ['hxxp://evil[.]com/a', '1.1.1.1'] }, kind: 'url', score: 'malicious' };
		const occurrences = extractOccurrences(json, { valueField: 'ioc.list', typeField: 'kind', verdictField: 'score' });
		const result = filterBlockableIocs(occurrences);
		expect(result.block.map((item) => item.value)).toEqual(['http://evil.com/a']);
		expect(result.skipped.map((item) => [item.value, item.reason])).toEqual([['1.1.1.1', 'invalid']]);
		expect(extractOccurrences({ other: 1 }, { valueField: 'missing' })).toEqual([{ value: undefined, type: undefined, verdict: undefined, source: undefined, itemIndex: undefined }]);
	});

	it('throws a catchable IocInputError for an unrecognised item without a value field, or a wrong forced shape', () => {
		expect(() => extractOccurrences({ hello: 'world' })).toThrow(IocInputError);
		expect(() => extractOccurrences({ hello: 'world' })).toThrow(/Value Field/);
		expect(() => extractOccurrences(null)).toThrow(IocInputError);
		expect(() => extractOccurrences({ value: '8.8.8.8', type: 'ip' }, { shape: 'alert' })).toThrow(/not an Assemblyline alert/);
	});
});
