/**
 * The columnar merge (IocMerger) and the parsing fast paths against what they replaced: the old
 * object-per-IoC merge (decide.reference.ts) and the full parse path (parseFull). Speed never buys a
 * different answer: same items, same order, same decisions, on generated and hostile input.
 */
import fc from 'fast-check';

import { compileAllowlistOrThrow, decideIocs, decideMerged, extractInto, extractOccurrences, IocMerger, type IocOccurrence, type NetworkType } from '../../nodes/shared/ioc';
import { findDomainSuffix } from '../../nodes/shared/ioc/domains';
import { parseFast, parseFull } from '../../nodes/shared/ioc/parse';
import { HOSTILE_CORPUS, hostileValue } from '../reliability/hostile.arbitraries';
import { referenceDecideIocs } from './decide.reference';
import { fuzzParams } from './fuzz';

const params = fuzzParams(300);

const allowlist = compileAllowlistOrThrow(['8.8.0.0/16', 'good.com', '*.safe.org', 'https://evil.com/ok/', '2606:4700::/32']);

// A small pool, so values, spellings and sources repeat across occurrences (the merge's real work).
const value = fc.oneof(
	{ weight: 6, arbitrary: fc.constantFrom('8.8.8.8', '8.8.4.4', '1.2.3.4', '10.0.0.1', 'evil.com', 'EVIL.com.', 'evil[.]com', 'x.good.com', 'co.uk', 'a.local', 'https://evil.com/ok/x', 'http://evil.com/a#f', 'http://u:p@evil.com/', 'hxxp://evil[.]com/a', '2606:4700::1', '::ffff:8.8.8.8', 'evil.com.', 'xn--80ak6aa92e.com', '1.2.3.4.', '01.2.3.4', 'a_b.com', '-a.com', 'evil.com-') },
	{ weight: 2, arbitrary: fc.oneof(fc.ipV4(), fc.domain()) },
	{ weight: 1, arbitrary: hostileValue },
);
const source = fc.constantFrom<IocOccurrence['source']>(undefined, { alert_id: 'a1', sid: 's1' }, { alert_id: 'a2', sid: 's1' }, { sid: 's2' }, { alert_id: 'a3' }, {});
const occurrence: fc.Arbitrary<IocOccurrence> = fc.record(
	{
		value,
		type: fc.constantFrom(undefined, 'ip', 'domain', 'uri', 'network.static.ip', 'email', 'md5'),
		tag_type: fc.constantFrom(undefined, null, '', 'network.static.domain', 'network.dynamic.domain', 'network.static.ip'),
		verdict: fc.constantFrom(undefined, null, '', 'safe', 'info', 'suspicious', 'Highly_Suspicious', 'malicious', 'weird', 3),
		safelisted: fc.boolean(),
		classification: fc.constantFrom(undefined, '', 'TLP:C', 'TLP:A'),
		source,
		itemIndex: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
	},
	{ requiredKeys: ['value'] },
) as fc.Arbitrary<IocOccurrence>;
// Sources as extractOccurrences gives them: one object shared by the occurrences of one item.
const occurrences = fc.array(occurrence, { maxLength: 40 }).map((list) => {
	const shared = new Map<string, IocOccurrence['source']>();
	return list.map((o) => {
		const key = JSON.stringify(o.source ?? null);
		if (!shared.has(key)) shared.set(key, o.source);
		return { ...o, source: shared.get(key) };
	});
});

describe('IocMerger against the object-per-IoC merge it replaced', () => {
	it('gives the same Block and Skipped items, in the same order', () => {
		fc.assert(
			fc.property(occurrences, fc.constantFrom('info', 'suspicious', 'malicious' as const), fc.constantFrom('block', 'skip' as const), fc.boolean(), (list, minVerdict, noVerdict, withAllowlist) => {
				const options = { minVerdict: minVerdict as 'suspicious', noVerdict: noVerdict as 'block', allowlist: withAllowlist ? allowlist : undefined };
				expect(decideIocs(list, options)).toStrictEqual(referenceDecideIocs(list, options));
			}),
			params,
		);
	});

	it('holds past its first growth (more than 16,384 IoCs, sources seen again out of order)', () => {
		const list: IocOccurrence[] = [];
		for (let i = 0; i < 24000; i++) {
			const source = { alert_id: `a${i % 7000}`, sid: `s${i % 7}` };
			const tag_type = `network.${i % 3 ? 'static' : 'dynamic'}.domain`;
			list.push({ value: `h${i % 18000}.evil.com`, type: 'domain', tag_type, verdict: i % 3 ? 'malicious' : 'info', source, itemIndex: i % 9000 });
			list.push({ value: `1.2.${i % 200}.${i % 250}`, type: 'ip', source, itemIndex: i % 9000 });
		}
		expect(decideIocs(list)).toStrictEqual(referenceDecideIocs(list));
	});

	it('a merged IoC read back (count, sources, tag types, classifications) merges as its occurrences did', () => {
		fc.assert(
			fc.property(occurrences, (list) => {
				const once = new IocMerger();
				for (const o of list) once.add(o);
				const again = new IocMerger();
				for (const item of once.items()) {
					again.add({
						value: item.value,
						type: item.type,
						tag_type: item.tag_type,
						tag_types: item.tag_types,
						verdict: item.verdict,
						safelisted: item.safelisted,
						classification: item.classification,
						classifications: item.classifications,
						sources: item.sources,
						count: item.occurrences,
					});
				}
				const strip = ({ original, originals, originals_more, itemIndexes, ...rest }: ReturnType<IocMerger['items']>[number]) => rest;
				// Items whose value parsed come back as themselves; invalid ones keep their raw text.
				expect(again.items().map(strip)).toStrictEqual(once.items().map(strip));
			}),
			params,
		);
	});
});

describe('parsing fast paths (dotted-decimal IPv4, lower-case ASCII domains)', () => {
	const types: Array<NetworkType | undefined> = [undefined, 'ip', 'domain'];
	const same = (raw: string) => {
		for (const type of types) {
			const fast = parseFast(raw, type);
			if (fast !== null) expect([raw, type, fast]).toStrictEqual([raw, type, parseFull(raw, type)]);
		}
	};

	it('agree with the full path on the hostile corpus', () => {
		for (const raw of HOSTILE_CORPUS) if (typeof raw === 'string') same(raw);
	});

	it('agree with the full path on generated values', () => {
		const ascii = fc.string({ unit: fc.constantFrom(...'abcxyz0189.-_'.split('')), maxLength: 30 });
		const digits = fc.string({ unit: fc.constantFrom(...'0123456789.'.split('')), maxLength: 17 });
		fc.assert(
			fc.property(fc.oneof(ascii, digits, fc.ipV4(), fc.ipV4Extended(), fc.domain(), fc.string({ maxLength: 20 })), (raw) => same(raw)),
			params,
		);
	});

	it('are taken for the common values', () => {
		expect(parseFast('8.8.8.8', 'ip')).toMatchObject({ ok: true, ioc: { type: 'ip', value: '8.8.8.8' } });
		expect(parseFast('evil.example.com', undefined)).toMatchObject({ ok: true, ioc: { type: 'domain', value: 'evil.example.com' } });
		expect(parseFast('EVIL.com', 'domain')).toBeNull();
		expect(parseFast('xn--80ak6aa92e.com', 'domain')).toBeNull();
	});
});

describe('extractInto (an alert straight into the merger) against extractOccurrences + add', () => {
	const entry = fc.oneof(
		{ weight: 6, arbitrary: fc.record({ value, type: fc.constantFrom(undefined, '', 'network.static.ip', 'network.dynamic.domain', 7), verdict: fc.constantFrom(undefined, null, 'info', 'malicious', 'Suspicious') }, { requiredKeys: ['value'] }) },
		{ weight: 1, arbitrary: value },
		{ weight: 1, arbitrary: fc.constantFrom(null, 3, ['8.8.8.8']) },
	);
	const list = fc.oneof({ weight: 5, arbitrary: fc.array(entry, { maxLength: 5 }) }, { weight: 1, arbitrary: fc.constantFrom(undefined, 'x', {}) });
	const detailed = fc.record({ ip: list, domain: list, uri: list }, { requiredKeys: [] });
	const plain = fc.array(value, { maxLength: 4 });
	const al = fc.oneof(
		fc.record({ detailed }),
		fc.record({ ip: plain, domain_dynamic: plain, domain_static: plain, uri: fc.constantFrom(undefined, 'x') }, { requiredKeys: [] }),
		fc.record({ detailed: fc.constantFrom(null, [], 'x'), ip_static: plain }, { requiredKeys: [] }),
	);
	const alert = fc.record(
		{ alert_id: fc.constantFrom(undefined, '', 'a1', 'a2', 5), sid: fc.constantFrom(undefined, '', 's1', 's2'), al },
		{ requiredKeys: ['al'] },
	);

	it('gives the same merged IoCs, sources and item indexes', () => {
		fc.assert(
			fc.property(fc.array(alert, { maxLength: 12 }), fc.boolean(), (alerts, withAllowlist) => {
				const list = withAllowlist ? allowlist : undefined;
				const viaObjects = new IocMerger(list);
				const direct = new IocMerger(list);
				alerts.forEach((json, itemIndex) => {
					for (const o of extractOccurrences(json, { shape: 'alert', itemIndex })) viaObjects.add(o);
					extractInto(json, { shape: 'alert', itemIndex }, direct);
				});
				expect(direct.items()).toStrictEqual(viaObjects.items());
				expect(decideMerged(direct)).toStrictEqual(decideIocs(alerts.flatMap((json, itemIndex) => extractOccurrences(json, { shape: 'alert', itemIndex })), { allowlist: list }));
			}),
			params,
		);
	});

	it('reads other shapes through add, and adds nothing from an item it cannot read', () => {
		const merger = new IocMerger();
		extractInto({ sid: 's1', iocs: { 'network.static.ip': ['8.8.8.8'] } }, {}, merger);
		expect(() => extractInto({ hello: 'world' }, {}, merger)).toThrow(/Value Field/);
		expect(() => extractInto({ value: '1.2.3.4', type: 'ip' }, { shape: 'alert' }, merger)).toThrow(/not an Assemblyline alert/);
		expect(merger.items().map((item) => [item.value, item.sources])).toStrictEqual([['8.8.8.8', [{ sid: 's1' }]]]);
	});
});

describe('IocMerger with maxSources (the IoC output of AL Alert Search)', () => {
	const alert = fc.record({
		sid: fc.constantFrom(undefined, 's1', 's2'),
		withId: fc.boolean(),
		al: fc.record({ ip: fc.array(value, { maxLength: 4 }), domain_static: fc.array(value, { maxLength: 3 }) }),
	});

	it('lists the first sources of each IoC and counts them all; every other field is as without it', () => {
		fc.assert(
			fc.property(fc.array(alert, { maxLength: 30 }), fc.integer({ min: 0, max: 4 }), (alerts, max) => {
				const bounded = new IocMerger(undefined, { maxSources: max });
				const full = new IocMerger();
				// Each alert once, as paging gives them (an alert without an id is told apart by its sid only
				// when it differs from the one before: the full merge counts it once, the bounded one per alert).
				const unique = alerts.filter((a, i) => a.withId || a.sid === undefined || alerts.findIndex((b) => !b.withId && b.sid === a.sid) === i);
				unique.forEach(({ sid, withId, al }, i) => {
					const json = { alert_id: withId ? `a${i}` : undefined, sid, al };
					extractInto(json, { shape: 'alert' }, bounded);
					extractInto(json, { shape: 'alert' }, full);
				});
				const counts: number[] = [];
				const items: ReturnType<IocMerger['items']> = [];
				bounded.forEach((item, _held, _rank, count) => {
					items.push(item);
					counts.push(count);
				});
				const expected = full.items();
				expect(items).toStrictEqual(expected.map((item) => ({ ...item, sources: item.sources.slice(0, max) })));
				expect(counts).toStrictEqual(expected.map((item) => item.sources.length));
				expect(decideMerged(bounded).block.map((item) => item.value)).toStrictEqual(decideMerged(full).block.map((item) => item.value));
			}),
			params,
		);
	});

	it('keeps no table of every source: memory follows the IoCs, not the alerts', () => {
		const merger = new IocMerger(undefined, { maxSources: 2 });
		for (let i = 0; i < 50_000; i++) extractInto({ alert_id: `alert-${i}`, sid: `sid-${i}`, al: { ip: ['8.8.8.8', `1.1.1.${i % 3}`] } }, { shape: 'alert' }, merger);
		const seen: Array<[string, unknown[], number]> = [];
		merger.forEach((item, _held, _rank, count) => seen.push([item.value, item.sources, count]));
		expect(seen).toStrictEqual([
			['8.8.8.8', [{ alert_id: 'alert-0', sid: 'sid-0' }, { alert_id: 'alert-1', sid: 'sid-1' }], 50_000],
			['1.1.1.0', [{ alert_id: 'alert-0', sid: 'sid-0' }, { alert_id: 'alert-3', sid: 'sid-3' }], 16_667],
			['1.1.1.1', [{ alert_id: 'alert-1', sid: 'sid-1' }, { alert_id: 'alert-4', sid: 'sid-4' }], 16_667],
			['1.1.1.2', [{ alert_id: 'alert-2', sid: 'sid-2' }, { alert_id: 'alert-5', sid: 'sid-5' }], 16_666],
		]);
		// Only the sources some IoC lists are held (white-box: the private table of kept sources).
		expect((merger as unknown as { keptSources: Map<number, unknown> }).keptSources.size).toBe(6);
	});
});

describe('findDomainSuffix with the deepest key known', () => {
	it('finds what the full walk finds', () => {
		const label = fc.constantFrom('a', 'b', 'co', 'uk', 'evil', 'x-y');
		const name = fc.array(label, { minLength: 1, maxLength: 6 }).map((labels) => labels.join('.'));
		fc.assert(
			fc.property(fc.array(name, { maxLength: 8 }), name, (keys, probe) => {
				const set = new Set(keys);
				const deepest = Math.max(0, ...keys.map((key) => key.split('.').length));
				expect(findDomainSuffix(probe, set, deepest)).toBe(findDomainSuffix(probe, set));
			}),
			params,
		);
	});
});
