/**
 * What may stand on a firewall's blocklist, decided with ipaddr.js, tldts and the WHATWG URL
 * parser, independently of the IoC library's own code path (hostile input tests, issue 8.3).
 */
import ipaddr from 'ipaddr.js';
import { parse as tldtsParse } from 'tldts';

const GLOBAL_V6_WRAPPERS = ['ipv4Mapped', 'rfc6052', '6to4'];

/** An IP literal that names one public host: four-part decimal IPv4 or IPv6, global unicast. */
export function isGlobalIp(text: string): boolean {
	if (!ipaddr.isValid(text)) return false;
	if (ipaddr.IPv4.isValid(text) && !ipaddr.IPv4.isValidFourPartDecimal(text)) return false;
	const address = ipaddr.parse(text);
	const range = address.range();
	if (address.kind() === 'ipv4') return range === 'unicast';
	const v6 = address as ipaddr.IPv6;
	if (range === 'unicast') return true;
	if (!GLOBAL_V6_WRAPPERS.includes(range)) return false;
	// The embedded IPv4 decides: ::ffff:a.b.c.d, 64:ff9b::a.b.c.d (last 32 bits), 2002:AABB:CCDD::.
	const bytes = v6.toByteArray();
	const embedded = range === '6to4' ? bytes.slice(2, 6) : bytes.slice(12, 16);
	return ipaddr.fromByteArray(embedded).range() === 'unicast';
}

/** A registrable-or-deeper DNS name that is not special-use, in lower-case ASCII (punycode).
 * `_` is allowed inside a label (not first or last), as in Assemblyline's Domain type: malware
 * hostnames use it and resolvers accept it (RFC 2181 §11). */
export function isBlockableDomain(name: string): boolean {
	if (!/^[a-z0-9._-]+$/.test(name) || name.length > 253 || !name.includes('.')) return false;
	if (name.split('.').some((l) => l.length === 0 || l.length > 63 || /^[-_]|[-_]$/.test(l))) return false;
	const psl = tldtsParse(name, { allowPrivateDomains: true, detectSpecialUse: true });
	return !psl.isIp && !psl.isSpecialUse && psl.publicSuffix !== name && psl.domain !== null;
}

/** Why a Block entry is unsafe, or null when it is fine. */
export function unsafeOnBlock(type: string, value: string): string | null {
	// Printable ASCII only: no whitespace, control, bidi, zero-width or look-alike characters.
	if (!/^[\x21-\x7e]+$/.test(value)) return 'non-printable or non-ASCII character';
	if (/[*^]/.test(value)) return 'wildcard token';
	if (type === 'ip') return isGlobalIp(value) ? null : 'not one global IP';
	if (type === 'domain') return isBlockableDomain(value) ? null : 'not a blockable domain';
	if (type !== 'uri') return `type ${type}`;
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		return 'URL does not parse';
	}
	if (url.href !== value) return 'URL not in normal form';
	if (!['http:', 'https:', 'ftp:'].includes(url.protocol)) return `scheme ${url.protocol}`;
	if (url.username || url.password) return 'credentials in URL';
	if (url.hash) return 'fragment';
	const hostname = url.hostname.replace(/^\[|\]$/g, '');
	if (ipaddr.isValid(hostname)) return isGlobalIp(hostname) ? null : 'URL host is not one global IP';
	return isBlockableDomain(hostname) ? null : 'URL host is not a blockable domain';
}
