import { parsePsl } from './vendor';

const MAX_NAME = 253;
// Labels are letters, digits and hyphens; `_` is allowed inside a label (not first or last), as
// Assemblyline's own Domain type does, because malware infrastructure uses such hostnames and
// browsers resolve them. The TLD must start with a letter, so `1.2.3.4.5` is never a domain.
// As patterns: a label is /^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$/, the TLD
// /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/ (labelsValid checks them without building the labels).
// Characters that would make `new URL('http://' + name)` read something other than a host.
const NOT_IN_HOST = /[/\\?#@:%[\]<>^|"'`{}*]/;
const NON_ASCII = /[^ -~]/; // anything outside printable ASCII (controls are refused earlier)

const HYPHEN = 45;
const UNDERSCORE = 95;
const isLower = (code: number) => code >= 97 && code <= 122;
const isLowerOrDigit = (code: number) => isLower(code) || (code >= 48 && code <= 57);

/** LDH labels (plus `_` inside a label) of 1-63 characters, a TLD that starts with a letter, at most
 * 253 characters: the checks of a lower-case ASCII name. One pass over the characters, no label
 * strings: what the patterns above say of each `split('.')` part (test/ioc/parse.test.ts checks
 * both agree on generated names). */
export function labelsValid(name: string): boolean {
	const length = name.length;
	if (length === 0 || length > MAX_NAME) return false;
	let start = 0;
	for (let end = name.indexOf('.'); ; end = name.indexOf('.', start)) {
		const tld = end === -1;
		if (tld) end = length;
		const size = end - start;
		if (size === 0 || size > 63) return false;
		const first = name.charCodeAt(start);
		if (!(tld ? isLower(first) : isLowerOrDigit(first))) return false;
		if (size > 1 && !isLowerOrDigit(name.charCodeAt(end - 1))) return false;
		for (let i = start + 1; i < end - 1; i++) {
			const code = name.charCodeAt(i);
			if (!(isLowerOrDigit(code) || code === HYPHEN || (code === UNDERSCORE && !tld))) return false;
		}
		if (tld) return true;
		start = end + 1;
	}
}

/** Lower-cased, trailing dot removed, IDN to punycode (UTS-46 through the WHATWG URL parser),
 * LDH labels of 1-63 chars, at most 253 chars. Single labels pass here; whether one is
 * acceptable (a TLD, `localhost`) is decided by `domainHoldBack`. */
export function parseDomainName(text: string): string | null {
	if (text.length === 0 || text.length > 4 * MAX_NAME) return null;
	let name = text.endsWith('.') ? text.slice(0, -1) : text;
	if (NON_ASCII.test(name) || name.includes('xn--') || name.includes('XN--')) {
		if (NOT_IN_HOST.test(name)) return null;
		try {
			name = new URL(`http://${name}/`).hostname;
		} catch {
			return null;
		}
	} else {
		name = name.toLowerCase();
	}
	return labelsValid(name) ? name : null;
}

// IANA Special-Use Domain Names (RFC 6761 and successors), all of .arpa (reverse DNS and
// infrastructure, never a host to block), and zones commonly used inside organisations.
// tldts's `detectSpecialUse` covers the IANA part only.
const SPECIAL_USE: ReadonlySet<string> = new Set([
	'localhost',
	'local',
	'test',
	'invalid',
	'example',
	'example.com',
	'example.net',
	'example.org',
	'onion',
	'alt',
	'arpa',
	'internal',
	'home',
	'lan',
	'corp',
	'localdomain',
	'intranet',
	'private',
]);
const SPECIAL_USE_LABELS = Math.max(...[...SPECIAL_USE].map((zone) => zone.split('.').length));

/** The longest-first walk over a name's label suffixes (`a.b.c`, `b.c`, `c`), stopping at the
 * first one in `set`: cost grows with the number of labels, not with the set. Suffixes of more
 * than `maxLabels` labels (the most any key of `set` has) cannot be in it and are not looked up;
 * with `prints` (the suffixPrint of every key of `set`), neither are suffixes whose print is not
 * there, so most are ruled out without building and hashing the suffix string. */
export function findDomainSuffix(
	name: string,
	set: { has(key: string): boolean },
	maxLabels = Infinity,
	prints?: { has(print: number): boolean },
): string | null {
	let start = 0;
	if (maxLabels !== Infinity) {
		let dots = 0;
		for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) === 46) dots++;
		for (let skip = Math.min(dots, dots + 1 - maxLabels); skip > 0; skip--)
			start = name.indexOf('.', start) + 1;
	}
	for (;;) {
		if (prints === undefined || prints.has(suffixPrint(name, start))) {
			const suffix = start === 0 ? name : name.slice(start);
			if (set.has(suffix)) return suffix;
		}
		const dot = name.indexOf('.', start);
		if (dot === -1) return null;
		start = dot + 1;
	}
}

/** A small integer from the length and first three characters of `name` from `start` on: equal
 * strings give equal prints, so a print missing from a set's prints means the string is too. */
export function suffixPrint(name: string, start: number): number {
	let print = name.length - start;
	const end = Math.min(start + 3, name.length);
	for (let i = start; i < end; i++)
		print = (Math.imul(print, 31) + name.charCodeAt(i)) & 0x3fffffff;
	return print;
}

const SPECIAL_USE_PRINTS: ReadonlySet<number> = new Set(
	[...SPECIAL_USE].map((zone) => suffixPrint(zone, 0)),
);

const PSL_OPTIONS = Object.freeze({
	allowPrivateDomains: true,
	extractHostname: false,
	detectIp: false,
	validateHostname: false,
});

export type DomainProblem =
	| { reason: 'special_use_domain'; detail: string }
	| { reason: 'public_suffix'; detail: string }
	| { reason: 'invalid'; detail: string };

/** Why a well-formed name must not be blocked, or null. */
export function domainHoldBack(name: string): DomainProblem | null {
	const zone = findDomainSuffix(name, SPECIAL_USE, SPECIAL_USE_LABELS, SPECIAL_USE_PRINTS);
	if (zone)
		return {
			reason: 'special_use_domain',
			detail: `is in the special-use or internal zone "${zone}"`,
		};
	const psl = parsePsl(name, PSL_OPTIONS);
	if (!psl.isIcann && !psl.isPrivate) {
		return name.includes('.')
			? {
					reason: 'special_use_domain',
					detail: `is under "${psl.publicSuffix}", a TLD that is not delegated in the public DNS (an internal or reserved name)`,
				}
			: { reason: 'invalid', detail: 'is a single label, not a fully-qualified domain name' };
	}
	if (psl.publicSuffix === name) {
		return {
			reason: 'public_suffix',
			detail: 'is a public suffix: blocking it would block every domain registered under it',
		};
	}
	return null;
}
