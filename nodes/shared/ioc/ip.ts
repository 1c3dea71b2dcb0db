import { ipaddr } from './vendor';

export type IpHost =
	| { kind: 'ipv4'; v4: number }
	| { kind: 'ipv6'; parts: readonly number[]; embeddedV4: readonly number[] };

/** Strict dotted quad: four decimal parts 0-255, no leading zeros (inet_aton's `127.1`,
 * `0x7f.1`, `012.1.2.3`, `01200034567` are refused). Returns the address as uint32. */
export function parseIPv4(text: string): number | null {
	if (text.length < 7 || text.length > 15) return null;
	let result = 0;
	let part = 0;
	let digits = 0;
	let dots = 0;
	for (let i = 0; i <= text.length; i++) {
		const code = i < text.length ? text.charCodeAt(i) : 46;
		if (code === 46) {
			if (digits === 0 || part > 255) return null;
			result = result * 256 + part;
			if (i < text.length) dots++;
			part = 0;
			digits = 0;
		} else if (code >= 48 && code <= 57) {
			if (digits === 1 && part === 0) return null; // leading zero
			if (++digits > 3) return null;
			part = part * 10 + (code - 48);
		} else {
			return null;
		}
	}
	return dots === 3 ? result : null;
}

export function formatIPv4(v4: number): string {
	return `${v4 >>> 24}.${(v4 >>> 16) & 255}.${(v4 >>> 8) & 255}.${v4 & 255}`;
}

const IPV6_CHARS = /^[0-9A-Fa-f:.]+$/;

/** RFC 4291 text, no zone id; returns the RFC 5952 form (the WHATWG URL serialisation) or null.
 * The WHATWG IPv6 parser is strict: at most 4 hex digits a group, embedded IPv4 as a
 * four-part decimal without leading zeros. */
export function canonicalIPv6(text: string): string | null {
	if (text.length > 45 || !text.includes(':') || !IPV6_CHARS.test(text)) return null;
	try {
		const host = new URL(`http://[${text}]/`).hostname;
		return host.slice(1, -1);
	} catch {
		return null;
	}
}

const CANONICAL_V6 = /^[0-9a-f:]{2,39}$/;

/** The eight 16-bit groups of an IPv6 address. The RFC 5952 form canonicalIPv6 gives (lower-case
 * hex groups, at most one `::`, no embedded dotted IPv4) is read directly; anything else goes
 * through ipaddr.js (test/ioc/parse.test.ts compares both on generated addresses). */
export function ipv6Parts(canonical: string): number[] {
	return (
		(CANONICAL_V6.test(canonical) ? canonicalParts(canonical) : null) ??
		ipaddr.IPv6.parse(canonical).parts
	);
}

function canonicalParts(text: string): number[] | null {
	const gap = text.indexOf('::');
	if (gap !== -1 && text.indexOf('::', gap + 1) !== -1) return null;
	const head = gap === -1 ? text : text.slice(0, gap);
	const tail = gap === -1 ? '' : text.slice(gap + 2);
	const front = head === '' ? [] : head.split(':');
	const back = tail === '' ? [] : tail.split(':');
	const missing = 8 - front.length - back.length;
	if (gap === -1 ? missing !== 0 : missing < 1) return null;
	const parts: number[] = [];
	for (const group of front) parts.push(hexGroup(group));
	for (let i = 0; i < missing; i++) parts.push(0);
	for (const group of back) parts.push(hexGroup(group));
	return parts.every((part) => part >= 0) ? parts : null;
}

/** 1-4 hex digits as a number, -1 otherwise. */
function hexGroup(group: string): number {
	return group.length >= 1 && group.length <= 4 ? parseInt(group, 16) : -1;
}

const word32 = (high: number, low: number) => ((high << 16) | low) >>> 0;

/** IPv4 addresses carried inside an IPv6 one: mapped, NAT64 well-known prefix, 6to4, Teredo
 * (server and de-obfuscated client). */
export function embeddedIPv4(parts: readonly number[]): number[] {
	const [p0, p1, p2, p3, p4, p5, p6, p7] = parts;
	if (p0 === 0 && p1 === 0 && p2 === 0 && p3 === 0 && p4 === 0 && p5 === 0xffff)
		return [word32(p6, p7)];
	if (p0 === 0x64 && p1 === 0xff9b && p2 === 0 && p3 === 0 && p4 === 0 && p5 === 0)
		return [word32(p6, p7)];
	if (p0 === 0x2002) return [word32(p1, p2)];
	if (p0 === 0x2001 && p1 === 0) return [word32(p2, p3), ~word32(p6, p7) >>> 0];
	return [];
}

/** A standalone IP value, `[v6]` brackets accepted. */
export function parseIp(text: string): { value: string; host: IpHost } | null {
	const v4 = parseIPv4(text);
	if (v4 !== null) return { value: text, host: { kind: 'ipv4', v4 } };
	const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
	const v6 = canonicalIPv6(bare);
	if (v6 === null) return null;
	const parts = ipv6Parts(v6);
	return { value: v6, host: { kind: 'ipv6', parts, embeddedV4: embeddedIPv4(parts) } };
}
