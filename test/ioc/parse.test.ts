import ipaddr from 'ipaddr.js';
import { parse as tldtsParse } from 'tldts';
import { detectIocType, inspectIoc, refang } from '../../nodes/shared/ioc';

// [input, expected iocType, expected normalised value, expected reason or null]
type Case = [string, string, string, string | null];

describe('refang corpus', () => {
	const cases: Array<[string, string]> = [
		['1.1.1[.]1', '1.1.1.1'],
		['evil(.)com', 'evil.com'],
		['evil{.}com', 'evil.com'],
		['evil[dot]com', 'evil.com'],
		['evil(DOT)com', 'evil.com'],
		['evil\\.com', 'evil.com'],
		['hxxps[:]//evil[.]com/a', 'https://evil.com/a'],
		['hXXp://evil.com', 'http://evil.com'],
		['fxp://evil.com/x', 'ftp://evil.com/x'],
		['fxp.com', 'fxp.com'],
		['http[://]evil.com[/]x', 'http://evil.com/x'],
		['user[@]evil.com', 'user@evil.com'],
		['user[at]evil.com', 'user@evil.com'],
		['evil。com', 'evil.com'],
		['evil．com', 'evil.com'],
		['evil｡com', 'evil.com'],
		['ev\u200Bil\u200C.\u200Dco\u2060m\uFEFF', 'evil.com'],
		['[::1]', '[::1]'],
		['[::]', '[::]'],
		['plain.example', 'plain.example'],
	];
	it.each(cases)('%j → %j', (input, expected) => expect(refang(input)).toBe(expected));
});

describe('IP corpus', () => {
	const cases: Case[] = [
		['8.8.8.8', 'ipv4', '8.8.8.8', null],
		['1.1.1[.]1', 'ipv4', '1.1.1.1', null],
		['127.1', 'unknown', '127.1', 'invalid'],
		['0x7f.1', 'unknown', '0x7f.1', 'invalid'],
		['012.1.2.3', 'unknown', '012.1.2.3', 'invalid'],
		['01200034567', 'unknown', '01200034567', 'invalid'],
		['1.2.3.256', 'unknown', '1.2.3.256', 'invalid'],
		['1.2.3.4.5', 'unknown', '1.2.3.4.5', 'invalid'],
		['0.0.0.0/0', 'unknown', '0.0.0.0/0', 'invalid'],
		['10.0.0.0/8', 'unknown', '10.0.0.0/8', 'invalid'],
		['1.2.3.4-1.2.3.9', 'unknown', '1.2.3.4-1.2.3.9', 'invalid'],
		['*', 'unknown', '*', 'invalid'],
		['fe80::1%eth0', 'unknown', 'fe80::1%eth0', 'invalid'],
		['::ffff:010.0.0.1', 'unknown', '::ffff:010.0.0.1', 'invalid'],
		['1:2:3:4:5:6:7:8:9', 'unknown', '1:2:3:4:5:6:7:8:9', 'invalid'],
		['2606:4700:4700::1111', 'ipv6', '2606:4700:4700::1111', null],
		['2606:4700:4700:0:0:0:0:1111', 'ipv6', '2606:4700:4700::1111', null],
		['2001:DB8:0:0:1:0:0:1', 'ipv6', '2001:db8::1:0:0:1', 'non_global_ip'],
		['::', 'ipv6', '::', 'non_global_ip'],
		['::1', 'ipv6', '::1', 'non_global_ip'],
		['::ffff:10.0.0.1', 'ipv6', '::ffff:a00:1', 'non_global_ip'],
		['[::ffff:10.0.0.1]', 'ipv6', '::ffff:a00:1', 'non_global_ip'],
		['::ffff:8.8.8.8', 'ipv6', '::ffff:808:808', null],
		['64:ff9b::a00:1', 'ipv6', '64:ff9b::a00:1', 'non_global_ip'],
		['64:ff9b::808:808', 'ipv6', '64:ff9b::808:808', null],
		['64:ff9b:1::808:808', 'ipv6', '64:ff9b:1::808:808', 'non_global_ip'],
		['2002:0a00:0001::', 'ipv6', '2002:a00:1::', 'non_global_ip'],
		['2002:808:808::1', 'ipv6', '2002:808:808::1', null],
		// Teredo: server 65.54.227.120, client 192.0.2.45 (RFC 4380's example) → documentation range
		['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'ipv6', '2001:0:4136:e378:8000:63bf:3fff:fdd2', 'non_global_ip'],
		['fe80::1', 'ipv6', 'fe80::1', 'non_global_ip'],
		['fd00::1', 'ipv6', 'fd00::1', 'non_global_ip'],
		['ff02::1', 'ipv6', 'ff02::1', 'non_global_ip'],
		['3fff::1', 'ipv6', '3fff::1', 'non_global_ip'],
		['100::1', 'ipv6', '100::1', 'non_global_ip'],
		['2001:2::1', 'ipv6', '2001:2::1', 'non_global_ip'],
		['4000::1', 'ipv6', '4000::1', 'non_global_ip'],
		['100.64.1.1', 'ipv4', '100.64.1.1', 'non_global_ip'],
		['10.1.2.3', 'ipv4', '10.1.2.3', 'non_global_ip'],
		['172.31.255.255', 'ipv4', '172.31.255.255', 'non_global_ip'],
		['172.32.0.1', 'ipv4', '172.32.0.1', null],
		['192.168.1.1', 'ipv4', '192.168.1.1', 'non_global_ip'],
		['169.254.1.1', 'ipv4', '169.254.1.1', 'non_global_ip'],
		['127.0.0.1', 'ipv4', '127.0.0.1', 'non_global_ip'],
		['0.1.2.3', 'ipv4', '0.1.2.3', 'non_global_ip'],
		['192.0.0.9', 'ipv4', '192.0.0.9', 'non_global_ip'],
		['192.0.2.1', 'ipv4', '192.0.2.1', 'non_global_ip'],
		['198.51.100.1', 'ipv4', '198.51.100.1', 'non_global_ip'],
		['203.0.113.45', 'ipv4', '203.0.113.45', 'non_global_ip'],
		['198.19.255.255', 'ipv4', '198.19.255.255', 'non_global_ip'],
		['198.20.0.1', 'ipv4', '198.20.0.1', null],
		['224.0.0.1', 'ipv4', '224.0.0.1', 'non_global_ip'],
		['240.0.0.1', 'ipv4', '240.0.0.1', 'non_global_ip'],
		['255.255.255.255', 'ipv4', '255.255.255.255', 'non_global_ip'],
		['192.88.99.1', 'ipv4', '192.88.99.1', 'non_global_ip'],
		['192.175.48.1', 'ipv4', '192.175.48.1', 'non_global_ip'],
		['192.52.193.1', 'ipv4', '192.52.193.1', 'non_global_ip'],
	];
	it.each(cases)('%j → %s %j (%s)', (input, iocType, value, reason) => {
		const inspection = inspectIoc(input);
		expect([inspection.iocType, inspection.value, inspection.reason ?? null]).toEqual([iocType, value, reason]);
	});

	it('agrees with ipaddr.js range(): whatever it calls special is non-global here (unwrapped kinds aside)', () => {
		const unwrapped = new Set(['ipv4Mapped', 'rfc6052', '6to4', 'teredo']);
		const samples = [
			...['0.0.0.1', '10.0.0.1', '100.64.0.1', '127.0.0.2', '169.254.9.9', '172.16.0.1', '192.0.0.1', '192.0.2.9', '192.31.196.1'],
			...['192.52.193.9', '192.88.99.9', '192.168.9.9', '192.175.48.9', '198.18.0.1', '198.51.100.9', '203.0.113.9', '224.1.1.1', '240.1.1.1'],
			...['255.255.255.255', '::', '::1', 'fe80::9', 'ff00::9', 'fc00::9', 'fec0::9', '100::9', '2001:2::9', '2001:3::9', '2001:4:112::9'],
			...['2001:10::9', '2001:20::9', '2001:30::9', '2001:db8::9', '3fff::9', '5f00::9', '2620:4f:8000::9', '::ffff:0:0:1'],
		];
		for (const sample of samples) {
			const range = ipaddr.parse(sample).range();
			expect([sample, range === 'unicast' || unwrapped.has(range) ? 'skip' : inspectIoc(sample).reason]).toEqual([
				sample,
				range === 'unicast' || unwrapped.has(range) ? 'skip' : 'non_global_ip',
			]);
		}
	});
});

describe('domain corpus', () => {
	const cases: Case[] = [
		['Evil.COM.', 'domain', 'evil.com', null],
		['pаypal.com', 'domain', 'xn--pypal-4ve.com', null], // Cyrillic а: a homograph, still a blockable name
		['bücher.de', 'domain', 'xn--bcher-kva.de', null],
		['a_b.evil.com', 'domain', 'a_b.evil.com', null],
		['_a.evil.com', 'unknown', '_a.evil.com', 'invalid'],
		['-a.evil.com', 'unknown', '-a.evil.com', 'invalid'],
		['a..com', 'unknown', 'a..com', 'invalid'],
		['*.example.com', 'unknown', '*.example.com', 'invalid'],
		[`${'a'.repeat(64)}.com`, 'unknown', `${'a'.repeat(64)}.com`, 'invalid'],
		[`${'a.'.repeat(126)}com`, 'unknown', `${'a.'.repeat(126)}com`, 'invalid'],
		['evil.123', 'unknown', 'evil.123', 'invalid'],
		['qwertyzz', 'unknown', 'qwertyzz', 'invalid'],
		['evil com', 'unknown', 'evil com', 'invalid'],
		['evil.com\n', 'unknown', 'evil.com\n', 'invalid'],
		['evil.com\0', 'unknown', 'evil.com\0', 'invalid'],
		['evil\u202Emoc.com', 'unknown', 'evil\u202Emoc.com', 'invalid'],
		['localhost', 'domain', 'localhost', 'special_use_domain'],
		['printer.local', 'domain', 'printer.local', 'special_use_domain'],
		['a.test', 'domain', 'a.test', 'special_use_domain'],
		['a.invalid', 'domain', 'a.invalid', 'special_use_domain'],
		['example', 'domain', 'example', 'special_use_domain'],
		['www.example.com', 'domain', 'www.example.com', 'special_use_domain'],
		['myexample.com', 'domain', 'myexample.com', null],
		['x.onion', 'domain', 'x.onion', 'special_use_domain'],
		['1.0.0.10.in-addr.arpa', 'domain', '1.0.0.10.in-addr.arpa', 'special_use_domain'],
		['router.home.arpa', 'domain', 'router.home.arpa', 'special_use_domain'],
		['x.alt', 'domain', 'x.alt', 'special_use_domain'],
		['dc1.internal', 'domain', 'dc1.internal', 'special_use_domain'],
		['nas.lan', 'domain', 'nas.lan', 'special_use_domain'],
		['ad.corp', 'domain', 'ad.corp', 'special_use_domain'],
		['box.home', 'domain', 'box.home', 'special_use_domain'],
		['x.notarealtld', 'domain', 'x.notarealtld', 'special_use_domain'],
		['co.uk', 'domain', 'co.uk', 'public_suffix'],
		['github.io', 'domain', 'github.io', 'public_suffix'],
		['com', 'domain', 'com', 'public_suffix'],
		['evil.github.io', 'domain', 'evil.github.io', null],
		['evil.co.uk', 'domain', 'evil.co.uk', null],
	];
	it.each(cases)('%j → %s %j (%s)', (input, iocType, value, reason) => {
		const inspection = inspectIoc(input);
		expect([inspection.iocType, inspection.value, inspection.reason ?? null]).toEqual([iocType, value, reason]);
	});

	it('covers everything tldts detectSpecialUse flags', () => {
		for (const name of ['localhost', 'a.test', 'a.invalid', 'example', 'a.example.com', 'a.example.net', 'a.example.org', 'a.local', 'a.onion', 'a.alt', 'a.home.arpa', 'ipv4only.arpa', 'resolver.arpa', 'a.service.arpa', 'a.6tisch.arpa', 'eap.arpa']) {
			expect([name, tldtsParse(name, { detectSpecialUse: true }).isSpecialUse]).toEqual([name, true]);
			expect([name, inspectIoc(name).reason]).toEqual([name, 'special_use_domain']);
		}
	});
});

describe('URI corpus', () => {
	const cases: Case[] = [
		['hxxps[:]//evil[.]com/a', 'url', 'https://evil.com/a', null],
		['HTTP://Evil.COM:80/a/../b#frag', 'url', 'http://evil.com/b', null],
		['https://evil.com/a?x=1&y=2#top', 'url', 'https://evil.com/a?x=1&y=2', null],
		['ftp://evil.com/pub', 'url', 'ftp://evil.com/pub', null],
		// userinfo is stripped: the real host of the classic `paypal.com@evil.com` trick is evil.com
		['http://user:pass@host.com', 'url', 'http://host.com/', null],
		['http://paypal.com@evil.com/login', 'url', 'http://evil.com/login', null],
		['http://%65vil.com/', 'url', 'http://evil.com/', null],
		['http://pаypal.com/', 'url', 'http://xn--pypal-4ve.com/', null],
		['http://evil.com./x', 'url', 'http://evil.com/x', null],
		['http://[2606:4700:4700::1111]:8080/', 'url', 'http://[2606:4700:4700::1111]:8080/', null],
		['http://0x7f.1/', 'url', 'http://127.0.0.1/', 'non_global_ip'],
		['http://2130706433/', 'url', 'http://127.0.0.1/', 'non_global_ip'],
		['http://[::ffff:10.0.0.1]/', 'url', 'http://[::ffff:a00:1]/', 'non_global_ip'],
		['http://8.8.8.8/x', 'url', 'http://8.8.8.8/x', null],
		['http://intranet.corp/x', 'url', 'http://intranet.corp/x', 'special_use_domain'],
		['https://co.uk/', 'url', 'https://co.uk/', 'public_suffix'],
		['http://qwertyzz/', 'unknown', 'http://qwertyzz/', 'invalid'],
		['http://*.evil.com/', 'unknown', 'http://*.evil.com/', 'invalid'],
		['http://evil.com/*', 'unknown', 'http://evil.com/*', 'invalid'],
		['http://a$b.com/', 'unknown', 'http://a$b.com/', 'invalid'],
		['http://evil.com/a b', 'unknown', 'http://evil.com/a b', 'invalid'],
		['tcp://evil.com:4444', 'unknown', 'tcp://evil.com:4444', 'invalid'],
		['javascript://evil.com/%0aalert(1)', 'unknown', 'javascript://evil.com/%0aalert(1)', 'invalid'],
		['http:evil.com', 'unknown', 'http:evil.com', 'invalid'],
		[`http://evil.com/${'a'.repeat(2048)}`, 'unknown', `http://evil.com/${'a'.repeat(2048)}`, 'invalid'],
	];
	it.each(cases)('%j → %s %j (%s)', (input, iocType, value, reason) => {
		const inspection = inspectIoc(input);
		expect([inspection.iocType, inspection.value, inspection.reason ?? null]).toEqual([iocType, value, reason]);
	});
});

describe('detectIocType', () => {
	const cases: Array<[unknown, string]> = [
		['d41d8cd98f00b204e9800998ecf8427e', 'md5'],
		['DA39A3EE5E6B4B0D3255BFEF95601890AFD80709', 'sha1'],
		['e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'sha256'],
		['e3b0c44298fc1c149afbf4c8996fb924', 'md5'],
		['abc123', 'unknown'],
		['1.1.1[.]1', 'ipv4'],
		['2606:4700:4700::1111', 'ipv6'],
		['evil[.]com', 'domain'],
		['hxxp://evil[.]com', 'url'],
		[42, 'unknown'],
		[null, 'unknown'],
		[{ value: '8.8.8.8' }, 'unknown'],
		[['8.8.8.8'], 'unknown'],
	];
	it.each(cases)('%j → %s', (input, expected) => expect(detectIocType(input)).toBe(expected));
});
