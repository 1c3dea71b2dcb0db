/**
 * Hostile IoC values (issue 8.3), built from the listed attack corpus rather than from random text:
 * host forms that name internal or "everything" targets, obfuscations of real hosts, and characters
 * that change what a person or a firewall reads (confusables, bidi, zero-width, newlines, NUL).
 * test/ioc/properties.test.ts draws from pieces joined at random and from fast-check's plausible
 * values; these generators are the structured complement (a URL whose host is 0x7f.1 behind
 * credentials, with a CRLF in the path) and reuse none of its code paths.
 */
import fc from 'fast-check';

/** Latin letters and their look-alikes (Cyrillic, Greek, full-width, mathematical). */
const CONFUSABLE: Record<string, string[]> = {
	a: ['а', 'ɑ', 'ａ', '𝐚'],
	e: ['е', 'ё', 'ｅ'],
	o: ['о', 'ο', '０', 'ｏ'],
	p: ['р', 'ρ'],
	c: ['с', 'ϲ'],
	i: ['і', 'ı', 'ｉ'],
	l: ['ӏ', 'ｌ', '1'],
	g: ['ɡ', 'ｇ'],
	s: ['ѕ', 'ｓ'],
	x: ['х'],
};
export const INVISIBLE = ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD', '\u034F', '\uFE0F', '\u0301'];
export const BIDI = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C'];
export const CONTROL = ['\n', '\r', '\r\n', '\0', '\t', '\v', '\f', '\u0085', '\u2028', '\u2029', '\u001B', ' '];
const DOTS = ['.', '。', '．', '｡', '[.]', '(.)', '[dot]', '%2e'];

/** The corpus named in the issue, plus the classic SSRF and over-blocking targets around it. */
export const HOSTILE_CORPUS: readonly unknown[] = [
	'0.0.0.0/0', '*', '::', '127.1', '0x7f.1', '[::ffff:10.0.0.1]', 'http://user:pass@host',
	'0.0.0.0', '::/0', '0/0', '*.*', '*.com', '*.evil.com', '.', '..', '::1', '[::1]', '::ffff:127.0.0.1', '::ffff:7f00:1',
	'64:ff9b::a00:1', '2002:a00:1::', '2001::a00:1', 'fe80::1%eth0', 'fe80::1%25eth0', '127.0.0.1:80', '2130706433', '017700000001',
	'0177.0.0.1', '0x7f000001', '127.000.000.001', '10.0.0.1/8', '10.1', '192.168.1', '169.254.169.254', '100.64.0.1', '224.0.0.1',
	'255.255.255.255', 'localhost', 'localhost.', 'LOCALHOST', 'metadata.google.internal', 'router.home.arpa', 'printer.local',
	'x.onion', 'example.com', 'test', 'com', 'co.uk', 'github.io', 's3.amazonaws.com', 'xn--', 'xn--zz', 'a..com', '-evil.com',
	'http://0x7f.1/', 'http://127.1/', 'http://2130706433/', 'http://0177.0.0.1/', 'http://[::ffff:10.0.0.1]/', 'http://[::]/',
	'http://%31%32%37.0.0.1/', 'http://user:pass@10.0.0.1/', 'http://10.0.0.1@evil.com/', 'http://evil.com@10.0.0.1/',
	'http://evil.com\\@10.0.0.1/', 'http://10.0.0.1\\@evil.com/', 'http://evil.com#@10.0.0.1', 'http://evil.com?@10.0.0.1',
	'http://169.254.169.254/latest/meta-data/', 'http://metadata.google.internal/computeMetadata/v1/', 'http://localhost:8080/',
	'http://*/', 'http://*.evil.com/', 'http://evil.com/^', 'http://evil.com:99999/', 'http://evil.com:-1/', 'javascript:alert(1)',
	'file:///etc/passwd', 'gopher://evil.com/', 'data:text/html,x', '//evil.com/', 'http:/evil.com', 'http://',
	'http://user:pass@evil.com/x', 'http://%65vil.com/', 'http://ev%69l.com/a', 'http://xn--80ak6aa92e.com/', 'аpple.com',
	'http://аpple.com/', 'gооgle.com', 'ｅｖｉｌ.com', 'http://ｅｖｉｌ.com/', '１.２.３.４', 'evil。com', 'evil．com',
	'evil.com\u200B', 'ev\u200Bil.com', '\u202Emoc.live', 'evil.com\u202E', 'evil\u2066.com', 'evil.com\n45.83.1.1',
	'evil.com\r\nSet-Cookie: x', 'evil.com\0', '45.83.1.1\0', 'http://evil.com/a\nb', 'http://evil.com/%0d%0aSet-Cookie:x',
	"http://evil.com/'],[x", 'http://evil.com/"><script>', 'evil.com,45.83.1.1', 'evil.com 45.83.1.1', 'evil.com;45.83.1.1',
	'evil.com#comment', '"evil.com"', "'evil.com'", '=HYPERLINK("http://x")', '+cmd|calc', '@SUM(1)', '-1+1',
	'a'.repeat(64) + '.com', 'a.'.repeat(130) + 'com', 'x'.repeat(100_000) + '.com', 'http://evil.com/' + 'a'.repeat(5000),
	'1.2.3.4'.repeat(1000), '\u202E'.repeat(10_000),
	{ value: '45.83.1.1' }, ['45.83.1.1'], [['evil.com']], 42, 4.2e9, -1, true, null, {}, [], { toString: '45.83.1.1' },
];

function confuse(text: string, rng: (n: number) => number): string {
	return [...text].map((ch) => (CONFUSABLE[ch] && rng(3) === 0 ? CONFUSABLE[ch][rng(CONFUSABLE[ch].length)] : ch)).join('');
}

const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
const tld = fc.constantFrom('com', 'net', 'org', 'ru', 'io', 'co.uk', 'github.io', 'local', 'internal', 'test', 'arpa', 'onion', 'xn--p1ai', 'amazonaws.com');
const domain = fc.tuple(fc.array(label, { minLength: 1, maxLength: 3 }), tld).map(([labels, end]) => [...labels, end].join('.'));

const octet = fc.integer({ min: 0, max: 255 });
/** IPv4 addresses in every inet_aton spelling, internal ones over-represented. */
const ipv4 = fc.oneof(
	fc.tuple(octet, octet, octet, octet),
	fc.constantFrom([127, 0, 0, 1], [10, 0, 0, 1], [0, 0, 0, 0], [169, 254, 169, 254], [192, 168, 0, 1], [100, 64, 1, 1], [45, 83, 1, 1], [8, 8, 8, 8]),
).chain((parts) =>
	fc.constantFrom(
		parts.join('.'),
		`${parts[0]}.${(parts[1] << 16) + (parts[2] << 8) + parts[3]}`, // 127.1
		parts.map((p) => `0x${p.toString(16)}`).join('.'),
		`0x${parts[0].toString(16)}.${(parts[1] << 16) + (parts[2] << 8) + parts[3]}`, // 0x7f.1
		parts.map((p) => `0${p.toString(8)}`).join('.'),
		String(((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3]),
		parts.map((p) => String(p).padStart(3, '0')).join('.'),
	),
);
const ipv6 = fc.oneof(
	fc.ipV6(),
	fc.constantFrom('::', '::1', '::ffff:10.0.0.1', '::ffff:45.83.1.1', '64:ff9b::a00:1', '2002:a00:1::1', '2002:2d53:101::1', 'fe80::1', 'fc00::1', 'ff02::1', '2001:db8::1', '2606:4700::1111'),
);
/** A host as it may appear in a value: plain, confusable, percent-encoded, bracketed, with a port. */
const host = fc
	.tuple(fc.oneof(domain, ipv4, ipv6.map((v6) => `[${v6}]`), fc.constantFrom('localhost', '*', '*.evil.com', '0', '')), fc.nat(), fc.nat())
	.map(([name, seed, style]) => {
		const rng = (n: number) => (seed = (seed * 1103515245 + 12345) >>> 0) % n;
		switch (style % 5) {
			case 0:
				return confuse(name, rng);
			case 1:
				return name.replace(/[a-z0-9]/g, (ch) => (rng(3) === 0 ? `%${ch.charCodeAt(0).toString(16)}` : ch));
			case 2:
				return name.replace(/\./g, () => DOTS[rng(DOTS.length)]);
			default:
				return name;
		}
	});
const scheme = fc.constantFrom('http://', 'https://', 'hxxp://', 'hxxps[:]//', 'HTTP://', 'ftp://', 'javascript:', 'file://', '//', 'h**p://', '');
const userinfo = fc.constantFrom('', '', 'user:pass@', 'admin@', 'paypal.com@', '10.0.0.1@', '%40@', 'a:b:c@');
const port = fc.constantFrom('', '', ':80', ':443', ':0', ':8080', ':99999', ':-1', ':');
const path = fc.constantFrom('', '/', '/x', '/a/../b', '/%0d%0aSet-Cookie:x', '/\r\nX: y', "/'],[x", '/"><svg>', '/?q=1&r=*', '/#frag', '/^', '/a b', '/\\..\\');

/** A value a hostile sample could plant: a URL, a host, or an IP, then mangled. */
const structured = fc.oneof(
	fc.tuple(scheme, userinfo, host, port, path).map((parts) => parts.join('')),
	host,
	ipv4,
	ipv6,
	fc.tuple(ipv4, fc.constantFrom('/0', '/8', '/32', '/-1')).map(([ip, mask]) => ip + mask),
);
const mangled = fc
	.tuple(structured, fc.array(fc.tuple(fc.constantFrom(...INVISIBLE, ...BIDI, ...CONTROL), fc.nat()), { maxLength: 3 }))
	.map(([text, inserts]) => inserts.reduce((out, [ch, at]) => out.slice(0, at % (out.length + 1)) + ch + out.slice(at % (out.length + 1)), text));

/** Public targets behind the same obfuscations, so that Block is not always empty. */
const publicHost = fc.oneof(
	fc.tuple(label, fc.constantFrom('com', 'net', 'ru', 'co.uk', 'io')).map(([name, end]) => `${name}.${end}`),
	fc.tuple(fc.integer({ min: 0, max: 3 }), octet).map(([a, b]) => `45.83.${a}.${b}`),
	fc.constantFrom('[2606:4700::1111]', '[::ffff:45.83.1.1]', '[2002:2d53:101::1]'),
);
const obfuscatedPublic = fc
	.tuple(fc.constantFrom('http://', 'hxxps://', 'HTTPS://', 'hxxp[:]//', ''), userinfo, publicHost, port, path, fc.nat())
	.map(([sch, user, name, p, rest, seed]) => {
		const dotted = name.replace(/\./g, () => DOTS[(seed = (seed * 7 + 3) % 9973) % 5]);
		return sch === '' ? dotted : `${sch}${user}${dotted}${p}${rest}`;
	});

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
	{ weight: 4, arbitrary: obfuscatedPublic },
	{ weight: 5, arbitrary: structured },
	{ weight: 4, arbitrary: mangled },
	{ weight: 2, arbitrary: fc.constantFrom(...HOSTILE_CORPUS) },
	{ weight: 1, arbitrary: fc.tuple(structured, fc.integer({ min: 2, max: 400 })).map(([text, n]) => text.repeat(n)) },
	{ weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** What a type field may say about a value (often wrong on purpose). */
export const declaredType = fc.constantFrom(undefined, 'ip', 'domain', 'uri', 'url', 'network.dynamic.ip', 'network.static.uri', 'md5', 'email', '', 'IP');
export const verdict = fc.constantFrom(undefined, null, 'malicious', 'suspicious', 'highly suspicious', 'info', 'safe', 'weird', 42);
