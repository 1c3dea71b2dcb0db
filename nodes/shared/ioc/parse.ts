import { domainHoldBack, labelsValid, parseDomainName } from './domains';
import { IpHost, parseIPv4, parseIp } from './ip';
import { nonGlobalIp } from './ranges';
import { hasForbiddenChar, refang } from './refang';
import type { NetworkType, ReasonCode } from './types';

export type Host = IpHost | { kind: 'domain'; name: string };

/** A network rule that holds a well-formed IoC back. */
export interface Hold {
	reason: Extract<ReasonCode, 'non_global_ip' | 'special_use_domain' | 'public_suffix'>;
	text: string;
}

export interface ParsedIoc {
	type: NetworkType;
	/** Normalised value: what goes on a blocklist. */
	value: string;
	host: Host;
	/** For URIs: the host as in the URL and the non-default port + path + query, which
	 * URL-prefix allowlist entries match. */
	url?: { host: string; portAndPath: string };
	hold: Hold | null;
}

export type ParseOutcome = { ok: true; ioc: ParsedIoc } | { ok: false; problem: string };

const MAX_URI = 2048;
const MAX_IP_TEXT = 47;
const MAX_RAW = 4 * 253; // IDN input may be longer than its punycode

// Words other tools use for our three types; matched after lower-casing.
const TYPE_WORDS: Readonly<Record<string, NetworkType>> = {
	ip: 'ip',
	ipv4: 'ip',
	ipv6: 'ip',
	'ip-dst': 'ip',
	'ip-src': 'ip',
	'ipv4-addr': 'ip',
	'ipv6-addr': 'ip',
	domain: 'domain',
	hostname: 'domain',
	fqdn: 'domain',
	'domain-name': 'domain',
	uri: 'uri',
	url: 'uri',
};

/** `ip`/`domain`/`uri` for any spelling of a network type or a full tag type
 * (`network.dynamic.ip`); other words come back lower-cased (`email` for
 * `network.email.address`), undefined when there is no word. */
export function typeFromWord(word: unknown): string | undefined {
	if (typeof word !== 'string' || word.length === 0) return undefined;
	if (word === 'ip' || word === 'domain' || word === 'uri') return word; // the usual words, as is
	const lower = word.toLowerCase();
	if (lower === 'network.email.address') return 'email';
	const last = lower.slice(lower.lastIndexOf('.') + 1);
	return TYPE_WORDS[last] ?? TYPE_WORDS[lower] ?? last;
}

const fail = (problem: string): ParseOutcome => ({ ok: false, problem });

function shapeProblem(text: string, type: NetworkType | undefined): string {
	if (text.includes('*')) return 'contains a wildcard (*); only exact values can be blocked';
	if (/^[0-9a-f:.[\]]+\/\d{1,3}$/i.test(text))
		return 'is a network range (CIDR), not a single address';
	if (/^[0-9a-f:.]+-[0-9a-f:.]+$/i.test(text) && text.includes('.') !== text.includes(':')) {
		return 'is an address range, not a single address';
	}
	if (type === 'ip')
		return 'is not an IP address (strict dotted decimal or RFC 4291 IPv6, no zone id)';
	if (type === 'domain') return 'is not a valid domain name';
	if (type === 'uri') return 'is not a valid http, https or ftp URL';
	return 'is not an IP address, domain name or http/https/ftp URL';
}

function holdFor(type: NetworkType, hostText: string, host: Host): Hold | ParseOutcome | null {
	// Built only for a hold: most values have none.
	const subject = () => (type === 'uri' ? `The URI's host "${hostText}"` : `"${hostText}"`);
	if (host.kind !== 'domain') {
		const label = nonGlobalIp(host);
		return label
			? { reason: 'non_global_ip', text: `${subject()} is not a global unicast address: ${label}.` }
			: null;
	}
	const problem = domainHoldBack(host.name);
	if (!problem) return null;
	if (problem.reason === 'invalid')
		return fail(`${type === 'uri' ? 'has a host that ' : ''}${problem.detail}`);
	return { reason: problem.reason, text: `${subject()} ${problem.detail}.` };
}

function finish(
	type: NetworkType,
	value: string,
	hostText: string,
	host: Host,
	url?: ParsedIoc['url'],
): ParseOutcome {
	const hold = holdFor(type, hostText, host);
	if (hold && 'ok' in hold) return hold;
	return { ok: true, ioc: { type, value, host, url, hold } };
}

const URL_SCHEME = /^(?:https?|ftp):\/\//i;
const EMPTY_LABEL = /^$|^\.|\.\.|\.$/;

// Userinfo is dropped, not refused: `http://paypal.com@evil.com/` is a classic phishing trick
// whose real target is evil.com, and credentials must not travel into blocklists or chat.
function parseUri(text: string): ParseOutcome {
	if (text.length > MAX_URI) return fail(`is longer than ${MAX_URI} characters`);
	if (!URL_SCHEME.test(text)) return fail(shapeProblem(text, 'uri'));
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return fail(shapeProblem(text, 'uri'));
	}
	// Each setter re-serialises the URL: only when there is something to remove (a fragment needs
	// a `#` in the text, userinfo an `@`).
	if (text.includes('#')) url.hash = '';
	if (text.includes('@')) {
		url.username = '';
		url.password = '';
	}
	// The host is normalised like a domain value: one trailing dot removed, empty labels refused.
	// Refanging and IDN mapping can leave several dots (`evil.com(dot)．` → `evil.com..`), and the
	// URL parser keeps empty labels, so the host must be a fixed point of parseDomainName.
	let hostText = url.hostname;
	if (hostText.endsWith('.')) hostText = hostText.slice(0, -1);
	if (!hostText.startsWith('[') && EMPTY_LABEL.test(hostText)) {
		return fail('has a host with an empty label (two dots in a row, or a leading or trailing dot)');
	}
	if (hostText !== url.hostname) {
		url.hostname = hostText;
		if (url.hostname !== hostText)
			return fail('has a host that is not an IP address or a valid domain name');
	}
	let host: Host | null;
	if (hostText.startsWith('[')) host = parseIp(hostText)?.host ?? null;
	else {
		const v4 = parseIPv4(hostText);
		const name = v4 === null ? parseDomainName(hostText) : null;
		host =
			v4 !== null
				? { kind: 'ipv4', v4 }
				: name !== null && name === hostText
					? { kind: 'domain', name }
					: null;
	}
	if (!host) return fail('has a host that is not an IP address or a valid domain name');
	const href = url.href;
	if (href.length > MAX_URI) return fail(`is longer than ${MAX_URI} characters once normalised`);
	// `*` and `^` are pattern tokens in firewall URL lists (PAN-OS EDL).
	if (/[*^]/.test(href)) return fail('contains * or ^, which URL blocklists read as wildcards');
	return finish('uri', href, hostText, host, {
		host: hostText,
		portAndPath: url.port + url.pathname + url.search,
	});
}

function parseIpValue(text: string): ParseOutcome {
	const ip = text.length <= MAX_IP_TEXT ? parseIp(text) : null;
	return ip ? finish('ip', ip.value, ip.value, ip.host) : fail(shapeProblem(text, 'ip'));
}

function parseDomainValue(text: string, declared: NetworkType | undefined): ParseOutcome {
	const name = parseDomainName(text);
	return name
		? finish('domain', name, name, { kind: 'domain', name })
		: fail(shapeProblem(text, declared));
}

const enum Chars {
	DigitsAndDots = 1,
	LowerDomain = 2,
}

/** What a value is made of, when that allows a fast path: only digits and dots (a dotted-decimal
 * IPv4 candidate), or only `a-z 0-9 . - _` with at least one letter (a lower-case ASCII domain
 * candidate); 0 otherwise. Neither kind can hold anything refang, the forbidden-character check,
 * IDN mapping or lower-casing would change, so parsing them directly gives what the full path
 * gives (test/ioc/parse.test.ts compares both on every corpus value). */
function fastKind(raw: string): number {
	let letters = false;
	for (let i = 0; i < raw.length; i++) {
		const code = raw.charCodeAt(i);
		if (code >= 97 && code <= 122) letters = true;
		else if (!((code >= 48 && code <= 57) || code === 46 || code === 45 || code === 95)) return 0;
	}
	if (letters) return Chars.LowerDomain;
	for (let i = 0; i < raw.length; i++) {
		const code = raw.charCodeAt(i);
		if (code === 45 || code === 95) return 0;
	}
	return Chars.DigitsAndDots;
}

/** The fast paths of parseNetworkValue, or null to take the full one. */
export function parseFast(raw: string, type: NetworkType | undefined): ParseOutcome | null {
	if (type === 'uri' || raw.length === 0 || raw.length > MAX_NAME_TEXT) return null;
	const kind = fastKind(raw);
	if (kind === Chars.DigitsAndDots && type !== 'domain') {
		const v4 = parseIPv4(raw);
		return v4 === null ? null : finish('ip', raw, raw, { kind: 'ipv4', v4 });
	}
	if (kind === Chars.LowerDomain && type !== 'ip' && !raw.includes('xn--')) {
		const name = raw.endsWith('.') ? raw.slice(0, -1) : raw;
		return labelsValid(name) ? finish('domain', name, name, { kind: 'domain', name }) : null;
	}
	return null;
}
const MAX_NAME_TEXT = 254;

/** Refang, then strictly parse one value as `type` (or detect it: URL, then IP, then domain).
 * The caller owns caching: parse each distinct string once per call. */
export function parseNetworkValue(raw: string, type: NetworkType | undefined): ParseOutcome {
	return parseFast(raw, type) ?? parseFull(raw, type);
}

/** parseNetworkValue without the fast paths (what they are tested against). */
export function parseFull(raw: string, type: NetworkType | undefined): ParseOutcome {
	if (raw.length === 0) return fail('is empty');
	if (raw.length > MAX_URI * 2) return fail(`is longer than ${MAX_URI} characters`);
	const text = refang(raw);
	if (hasForbiddenChar(text))
		return fail('contains whitespace, control or bidirectional-text characters');
	if (type === 'uri' || (type === undefined && text.includes('://'))) return parseUri(text);
	if (type === 'ip') return parseIpValue(text);
	if (text.length > MAX_RAW)
		return fail(`is longer than ${type === 'domain' ? 253 : MAX_URI} characters`);
	if (type === undefined) {
		const ip = parseIp(text);
		if (ip) return finish('ip', ip.value, ip.value, ip.host);
	}
	return parseDomainValue(text, type);
}
