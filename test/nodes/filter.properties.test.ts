import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { parse as tldtsParse } from 'tldts';
import { FilterBlockableIocs } from '../../nodes/FilterBlockableIocs/FilterBlockableIocs.node';
import { verdictRank } from '../../nodes/shared/ioc';
import { MemoryDeduplicator, runNode } from '../harness/n8n.ts';
import { fuzzParams } from '../ioc/fuzz';

// Each case runs whole workflows on n8n's engine, so far fewer than the library's properties:
// 100 by default, a tenth of FUZZ_RUNS when a fuzz run sets it.
const params = fuzzParams(100, 10);

const node = new FilterBlockableIocs();

const PIECES = [
	'а', '。', '．', '\u202E', '\u200B', '\0', '\n', ' ', '/', '*', '-', ':', '[', ']', '%', '@', '\\', "'", '"', '=',
	'0', '1', '9', '255', '256', '.', '..', '[.]', 'hxxp', 'http://', 'https://', 'ff', '::', 'ffff', '2002', 'xn--',
	'evil', 'com', 'co.uk', 'github.io', 'example', 'local', 'arpa', 'good.com', '8.8', '10.', '#', '?',
];
const hostile = fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((pieces) => pieces.join(''));
const plausible = fc.oneof(
	fc.ipV4(),
	fc.ipV6(),
	fc.domain(),
	fc.webUrl({ withQueryParameters: true }),
	fc.constantFrom('8.8.8.8', '8.8.4.4', '45.83.122.10', 'x.good.com', 'evil-updates.com', 'https://evil.com/ok/x', 'http://evil.com/a', '10.0.0.1', 'localhost'),
);
// Values that should usually be blockable, so Block is not empty in most cases.
const blockable = fc.oneof(
	fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 255 })).map(([a, b]) => `45.83.${a}.${b}`),
	fc.integer({ min: 0, max: 20 }).map((n) => `evil-${n}[.]com`),
	fc.tuple(fc.integer({ min: 0, max: 20 }), fc.webPath()).map(([n, path]) => `hxxps://evil-${n}.com${path}`),
);
const value = fc.oneof(
	{ weight: 4, arbitrary: blockable },
	{ weight: 4, arbitrary: plausible },
	{ weight: 3, arbitrary: hostile },
	{ weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
);
const verdict = fc.constantFrom(undefined, null, '', 'safe', 'info', 'suspicious', 'highly suspicious', 'malicious', 'Highly_Suspicious', 'weird', '=1+2');
const typeWord = fc.constantFrom(undefined, 'ip', 'domain', 'uri', 'url', 'hostname', 'email', 'md5', 'network.dynamic.ip');
const id = fc.constantFrom('a1', 'a2', 's1', 's2');

// Every input shape the node reads, each with the number of occurrences it holds.
const detailedEntry = fc.record({ type: fc.constantFrom('network.dynamic.ip', 'network.static.uri', 'network.dynamic.domain'), value, verdict });
const alert = fc
	.record({ alert_id: id, sid: id, ip: fc.array(detailedEntry, { maxLength: 3 }), domain: fc.array(detailedEntry, { maxLength: 3 }), uri: fc.array(detailedEntry, { maxLength: 3 }) })
	.map(({ alert_id, sid, ip, domain, uri }) => ({ json: { alert_id, sid, al: { detailed: { ip, domain, uri, heuristic: [{ value: 'x', verdict: 'malicious' }] } } } as IDataObject, count: ip.length + domain.length + uri.length }));
const oneIoc = fc
	.record({ sid: id, type: typeWord, value, verdict, safelisted: fc.boolean() })
	.map((json) => ({ json: { ...json, type: json.type ?? 'unknown' } as IDataObject, count: 1 }));
// Grouped items as AL Submission IoCs makes them (verdicts in `details`), or without `details`.
const grouped = fc
	.record({
		sid: id,
		iocs: fc.dictionary(fc.constantFrom('network.dynamic.ip', 'network.static.domain', 'network.static.uri', 'network.email.address'), fc.array(value, { maxLength: 3 })),
		verdicts: fc.option(fc.array(verdict, { minLength: 1, maxLength: 3 })),
	})
	.map(({ sid, iocs, verdicts }) => {
		const json: IDataObject = { sid, iocs };
		if (verdicts) {
			json.details = Object.fromEntries(
				Object.entries(iocs).map(([tag, list]) => [tag, list.map((v, i) => ({ value: v, verdict: verdicts[i % verdicts.length], safelisted: false, classification: 'TLP:C' }))]),
			);
		}
		return { json, count: Object.values(iocs).reduce((sum, list) => sum + list.length, 0) };
	});
const custom = fc
	.record({ ioc: fc.oneof(value, fc.array(value, { maxLength: 3 })), kind: typeWord, sev: verdict, alert_id: id }, { requiredKeys: ['ioc'] })
	.map((json) => ({ json: json as IDataObject, count: Array.isArray(json.ioc) ? json.ioc.length : 1 }));
// Auto-Detect reads the Assemblyline shapes; custom items need the Custom Fields shape, so a case
// holds one kind or the other.
type Case = { json: IDataObject; count: number };
const batch = fc.oneof(
	fc.array(fc.oneof(alert, oneIoc, grouped), { maxLength: 8 }).map((items: Case[]) => ({ items, custom: false })),
	fc.array(custom, { maxLength: 8 }).map((items: Case[]) => ({ items, custom: true })),
);

const settings = fc.record({
	minVerdict: fc.constantFrom('safe', 'info', 'suspicious', 'highly suspicious', 'malicious'),
	noVerdict: fc.constantFrom('auto', 'block', 'skip'),
	maxToBlock: fc.integer({ min: 0, max: 8 }),
	onlyNew: fc.boolean(),
});

const ALLOWLIST = '8.8.0.0/16\n2606:4700::/32\ngood.com # and subdomains\nhttps://evil.com/ok/';

// Independent oracles (ipaddr.js, tldts, string checks), not the library's code path.
function hostOf(type: string, value: string): string {
	return type === 'uri' ? new URL(value).hostname.replace(/^\[|\]$/g, '') : value;
}
function allowlisted(type: string, value: string): boolean {
	if (type === 'uri' && /^[a-z]+:\/\/evil\.com\/ok\//.test(value)) return true;
	const host = hostOf(type, value);
	if (host === 'good.com' || host.endsWith('.good.com')) return true;
	if (!ipaddr.isValid(host)) return false;
	let address = ipaddr.parse(host);
	if (address.kind() === 'ipv6') {
		const v6 = address as ipaddr.IPv6;
		if (v6.parts[0] === 0x2002) address = ipaddr.fromByteArray([v6.parts[1] >> 8, v6.parts[1] & 255, v6.parts[2] >> 8, v6.parts[2] & 255]);
		else if (v6.isIPv4MappedAddress()) address = v6.toIPv4Address();
	}
	return address.kind() === 'ipv4'
		? address.match(ipaddr.parseCIDR('8.8.0.0/16') as [ipaddr.IPv4, number])
		: address.match(ipaddr.parseCIDR('2606:4700::/32') as [ipaddr.IPv6, number]);
}
function assertSafeToBlock(json: IDataObject, minVerdict: string, noVerdict: string, custom: boolean): void {
	const type = json.type as string;
	const value = json.value as string;
	expect(['ip', 'domain', 'uri']).toContain(type);
	expect(value).not.toMatch(/[\s\0*\u202A-\u202E\u2066-\u2069]/);
	expect(json.safelisted).toBe(false);
	expect(allowlisted(type, value)).toBe(false);
	// Without a verdict only when the user blocks those, or (the default) for custom items.
	if (json.verdict === null) expect(noVerdict === 'block' || (noVerdict === 'auto' && custom)).toBe(true);
	else expect(verdictRank(json.verdict as string)).toBeGreaterThanOrEqual(verdictRank(minVerdict));
	const host = hostOf(type, value);
	if (ipaddr.isValid(host)) {
		if (ipaddr.IPv4.isValid(host)) expect(ipaddr.IPv4.isValidFourPartDecimal(host)).toBe(true);
		expect(['unicast', 'ipv4Mapped', 'rfc6052', '6to4', 'teredo']).toContain(ipaddr.parse(host).range());
	} else {
		expect(type).not.toBe('ip');
		const psl = tldtsParse(host, { allowPrivateDomains: true, detectSpecialUse: true });
		expect(psl.isSpecialUse).toBe(false);
		expect(psl.publicSuffix).not.toBe(host);
		expect(host).toContain('.');
	}
}

const occurrencesOf = (items: INodeExecutionData[]) => items.reduce((sum, out) => sum + (out.json.occurrences as number), 0);
const key = (out: INodeExecutionData) => `${out.json.type} ${out.json.value}`;

describe('properties through the node', () => {
	it('nothing unsafe reaches Block, every occurrence leaves once, and a second run only sends what the first held over the cap', async () => {
		await fc.assert(
			fc.asyncProperty(batch, settings, async ({ items, custom }, options) => {
				const deduplicator = new MemoryDeduplicator();
				const fields = custom ? { inputShape: 'field', valueField: 'ioc', typeField: 'kind', verdictField: 'sev' } : {};
				const parameters = { ...options, allowlist: ALLOWLIST, ...fields };
				const input = items.map((one) => one.json);
				const run = async () => {
					const result = await runNode({ node, parameters, input, workflow: { deduplicator }, mode: 'trigger' });
					expect(result.error).toBeUndefined();
					// With no input items n8n does not run the node at all.
					const [block = [], skipped = []] = result.outputs;
					return { block, skipped };
				};
				const first = await run();
				const expected = items.reduce((sum, one) => sum + one.count, 0);
				expect(occurrencesOf(first.block) + occurrencesOf(first.skipped)).toBe(expected);
				if (options.maxToBlock > 0) expect(first.block.length).toBeLessThanOrEqual(options.maxToBlock);
				for (const out of first.block) assertSafeToBlock(out.json, options.minVerdict, options.noVerdict, custom);
				for (const out of [...first.block, ...first.skipped]) {
					expect(out.json).not.toHaveProperty('itemIndexes');
					expect(Array.isArray(out.pairedItem) && out.pairedItem.length > 0).toBe(true);
				}
				for (const out of first.skipped) expect(out.json.reason_text).toEqual(expect.any(String));
				const keys = [...first.block, ...first.skipped].filter((out) => out.json.reason !== 'invalid').map(key);
				expect(new Set(keys).size).toBe(keys.length);

				if (!options.onlyNew) return;
				const second = await run();
				expect(occurrencesOf(second.block) + occurrencesOf(second.skipped)).toBe(expected);
				const overCap = new Set(first.skipped.filter((out) => out.json.reason === 'over_cap').map(key));
				for (const out of second.block) expect(overCap.has(key(out))).toBe(true);
				const already = new Set(second.skipped.filter((out) => out.json.reason === 'already_blocked').map(key));
				for (const out of first.block) expect(already.has(key(out))).toBe(true);
			}),
			params,
		);
	});
});
