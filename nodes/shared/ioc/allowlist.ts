import { domainHoldBack, findDomainSuffix, parseDomainName, suffixPrint } from './domains';
import { canonicalIPv6, ipv6Parts, parseIPv4, parseIp } from './ip';
import { parseNetworkValue, type ParsedIoc } from './parse';
import { maskV4 } from './ranges';

export interface AllowlistError {
	entry: string;
	/** 1-based line of the entry when the allowlist came as text. */
	line: number;
	message: string;
}

/** A compiled allowlist. Matching costs a handful of hash lookups per IoC whatever its size:
 * one per distinct CIDR prefix length, one per domain label, one binary search per URL host. */
export interface Allowlist {
	readonly size: number;
	/** The allowlist entry that covers this IoC, or null. */
	match(ioc: ParsedIoc): string | null;
}

// IPv6 CIDR keys: the address as 32 hex digits, cut to the prefix (the last nibble masked).
function hex32(parts: readonly number[]): string {
	let hex = '';
	for (const part of parts) hex += part.toString(16).padStart(4, '0');
	return hex;
}
function v6Key(hex: string, bits: number): string {
	const whole = bits >> 2;
	const rest = bits & 3;
	if (rest === 0) return hex.slice(0, whole);
	const nibble = parseInt(hex[whole], 16) & ((0xf << (4 - rest)) & 0xf);
	return hex.slice(0, whole) + nibble.toString(16);
}

/** Prefix length lookup tables: one hash map per prefix length in use, longest first. */
class PrefixTable<K> {
	private readonly byLength = new Map<number, Map<K, string>>();
	/** `mask` is maskV4(bits) as a signed int (used by IPv4 tables only). */
	tables: Array<{ bits: number; mask: number; entries: Map<K, string> }> = [];

	add(bits: number, key: K, entry: string): void {
		let table = this.byLength.get(bits);
		if (!table) {
			table = new Map();
			this.byLength.set(bits, table);
			this.tables = [...this.byLength]
				.sort((a, b) => b[0] - a[0])
				.map(([length, entries]) => ({ bits: length, mask: maskV4(length) | 0, entries }));
		}
		if (!table.has(key)) table.set(key, entry);
	}

	find(keyFor: (bits: number) => K): string | null {
		for (const { bits, entries } of this.tables) {
			const entry = entries.get(keyFor(bits));
			if (entry !== undefined) return entry;
		}
		return null;
	}
}

interface UrlPrefixes {
	// Prefix-free and sorted, so the only candidate for a path is the greatest prefix ≤ it.
	prefixes: string[];
	entries: string[];
}

function reducePrefixes(pairs: Array<[string, string]>): UrlPrefixes {
	pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
	const result: UrlPrefixes = { prefixes: [], entries: [] };
	for (const [prefix, entry] of pairs) {
		const last = result.prefixes[result.prefixes.length - 1];
		if (last !== undefined && prefix.startsWith(last)) continue; // covered by a shorter one
		result.prefixes.push(prefix);
		result.entries.push(entry);
	}
	return result;
}

function matchPrefix(list: UrlPrefixes, path: string): string | null {
	let low = 0;
	let high = list.prefixes.length - 1;
	let best = -1;
	while (low <= high) {
		const mid = (low + high) >> 1;
		if (list.prefixes[mid] <= path) {
			best = mid;
			low = mid + 1;
		} else high = mid - 1;
	}
	return best >= 0 && path.startsWith(list.prefixes[best]) ? list.entries[best] : null;
}

class CompiledAllowlist implements Allowlist {
	size = 0;
	// IPv4 keys as signed 32-bit integers (`& mask` gives one): small integers hash without a heap number.
	readonly v4 = new PrefixTable<number>();
	readonly v6 = new PrefixTable<string>();
	readonly domains = new Map<string, string>();
	/** The most labels of any domain entry, and the suffixPrint of each: suffixes of a name
	 * ruled out by either are not looked up. */
	domainLabels = 0;
	readonly domainPrints = new Set<number>();
	readonly urlPairs = new Map<string, Array<[string, string]>>();
	urls = new Map<string, UrlPrefixes>();

	// No closure per lookup: the hot path of IPv4 IoCs.
	matchV4(v4: number): string | null {
		for (const { mask, entries } of this.v4.tables) {
			const entry = entries.get(v4 & mask);
			if (entry !== undefined) return entry;
		}
		return null;
	}

	match(ioc: ParsedIoc): string | null {
		if (ioc.url) {
			const list = this.urls.get(ioc.url.host);
			const entry = list ? matchPrefix(list, ioc.url.portAndPath) : null;
			if (entry !== null) return entry;
		}
		const host = ioc.host;
		if (host.kind === 'domain') {
			const suffix = findDomainSuffix(
				host.name,
				this.domains,
				this.domainLabels,
				this.domainPrints,
			);
			return suffix === null ? null : (this.domains.get(suffix) as string);
		}
		if (host.kind === 'ipv4') return this.matchV4(host.v4);
		const hex = hex32(host.parts);
		const entry = this.v6.find((bits) => v6Key(hex, bits));
		if (entry !== null) return entry;
		for (const v4 of host.embeddedV4) {
			const embedded = this.matchV4(v4);
			if (embedded !== null) return embedded;
		}
		return null;
	}
}

const PREFIX_BITS = /^(?:0|[1-9]\d{0,2})$/;

/** Adds one entry, or says what is wrong with it. */
function addEntry(list: CompiledAllowlist, entry: string): string | null {
	if (entry.includes('://')) {
		const parsed = parseNetworkValue(entry, 'uri');
		if (!parsed.ok) return `is not a usable URL prefix: it ${parsed.problem}`;
		const url = parsed.ioc.url as NonNullable<ParsedIoc['url']>;
		const pairs = list.urlPairs.get(url.host) ?? [];
		pairs.push([url.portAndPath, entry]);
		list.urlPairs.set(url.host, pairs);
		return null;
	}
	const slash = entry.indexOf('/');
	if (slash !== -1) {
		const address = entry.slice(0, slash);
		const bitsText = entry.slice(slash + 1);
		const bits = PREFIX_BITS.test(bitsText) ? Number(bitsText) : NaN;
		const v4 = parseIPv4(address);
		const v6 = v4 === null ? canonicalIPv6(address) : null;
		if ((v4 === null && v6 === null) || !(bits <= (v4 !== null ? 32 : 128))) {
			return 'is not a CIDR range (address/prefix length, strict dotted decimal or IPv6)';
		}
		if (bits === 0) return 'would allowlist every address';
		if (v4 !== null) list.v4.add(bits, v4 & maskV4(bits), entry);
		else list.v6.add(bits, v6Key(hex32(ipv6Parts(v6 as string)), bits), entry);
		return null;
	}
	const ip = parseIp(entry);
	if (ip) {
		if (ip.host.kind === 'ipv4') list.v4.add(32, ip.host.v4 | 0, entry);
		else list.v6.add(128, hex32(ip.host.parts), entry);
		return null;
	}
	const name = parseDomainName(entry.replace(/^\*?\./, ''));
	if (name === null) return 'is not an IP address, CIDR range, domain name or URL prefix';
	const problem = domainHoldBack(name);
	if (problem?.reason === 'public_suffix')
		return 'is a public suffix: it would allowlist every domain registered under it';
	if (problem?.reason === 'invalid') return `${problem.detail}`;
	if (!list.domains.has(name)) {
		list.domains.set(name, entry);
		list.domainLabels = Math.max(list.domainLabels, name.split('.').length);
		list.domainPrints.add(suffixPrint(name, 0));
	}
	return null;
}

/** Compiles allowlist entries, given as an array or as text (one per line, or separated by
 * commas or spaces; `#` starts a comment). Entries: single IPs, CIDRs (v4/v6), domains (cover
 * their subdomains; `*.example.com` means the same), URL prefixes (anything with a scheme;
 * the scheme itself is not compared, so `https://example.com/safe/` also covers
 * `http://example.com/safe/x`). Bad entries are returned, never silently dropped. */
export function compileAllowlist(input: string | readonly string[]): {
	allowlist: Allowlist;
	errors: AllowlistError[];
} {
	const list = new CompiledAllowlist();
	const errors: AllowlistError[] = [];
	const lines = typeof input === 'string' ? input.split(/\r?\n/) : input;
	lines.forEach((line, index) => {
		for (const entry of line.replace(/#.*/, '').split(/[\s,]+/)) {
			if (entry === '') continue;
			const message = addEntry(list, entry);
			if (message === null) list.size++;
			else
				errors.push({
					entry,
					line: index + 1,
					message: `Allowlist entry ${JSON.stringify(entry)} ${message}.`,
				});
		}
	});
	for (const [host, pairs] of list.urlPairs) list.urls.set(host, reducePrefixes(pairs));
	return { allowlist: list, errors };
}

/** As compileAllowlist, but throws an Error naming the bad entries (the node reports it). */
export function compileAllowlistOrThrow(input: string | readonly string[]): Allowlist {
	const { allowlist, errors } = compileAllowlist(input);
	if (errors.length > 0) {
		const shown = errors.slice(0, 5).map((error) => `line ${error.line}: ${error.message}`);
		if (errors.length > 5) shown.push(`… and ${errors.length - 5} more`);
		throw new Error(
			`The allowlist has ${errors.length} bad ${errors.length === 1 ? 'entry' : 'entries'}: ${shown.join(' ')}`,
		);
	}
	return allowlist;
}
