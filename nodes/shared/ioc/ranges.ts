import { formatIPv4, IpHost, parseIPv4, ipv6Parts } from './ip';

// IANA IPv4 / IPv6 Special-Purpose Address Registries (RFC 6890 and successors), multicast and
// the reserved blocks. Anything here is never blocked: it is not a host on the Internet, or it
// is shared infrastructure (AS112 sinks, AMT/6to4 relay anycast) whose blocking only does harm.
// Most specific entries come first so the label names the narrowest block.
const IPV4_SPECIAL: ReadonlyArray<readonly [string, string]> = [
	['0.0.0.0/8', '"this network" (RFC 791)'],
	['10.0.0.0/8', 'private network (RFC 1918)'],
	['100.64.0.0/10', 'carrier-grade NAT shared space (RFC 6598)'],
	['127.0.0.0/8', 'loopback (RFC 1122)'],
	['169.254.0.0/16', 'link-local (RFC 3927)'],
	['172.16.0.0/12', 'private network (RFC 1918)'],
	['192.0.0.0/24', 'IETF protocol assignments (RFC 6890)'],
	['192.0.2.0/24', 'documentation range TEST-NET-1 (RFC 5737)'],
	['192.31.196.0/24', 'AS112 DNS sink (RFC 7535)'],
	['192.52.193.0/24', 'AMT relay anycast (RFC 7450)'],
	['192.88.99.0/24', '6to4 relay anycast, deprecated (RFC 7526)'],
	['192.168.0.0/16', 'private network (RFC 1918)'],
	['192.175.48.0/24', 'AS112 DNS sink (RFC 7534)'],
	['198.18.0.0/15', 'benchmarking range (RFC 2544)'],
	['198.51.100.0/24', 'documentation range TEST-NET-2 (RFC 5737)'],
	['203.0.113.0/24', 'documentation range TEST-NET-3 (RFC 5737)'],
	['224.0.0.0/4', 'multicast (RFC 5771)'],
	['255.255.255.255/32', 'limited broadcast (RFC 919)'],
	['240.0.0.0/4', 'reserved for future use (RFC 1112)'],
];

// Only 2000::/3 is allocated as global unicast; the rest of the space is caught after this table.
const IPV6_SPECIAL: ReadonlyArray<readonly [string, string]> = [
	['::/128', 'the unspecified address (RFC 4291)'],
	['::1/128', 'loopback (RFC 4291)'],
	['64:ff9b:1::/48', 'local-use NAT64 prefix (RFC 8215)'],
	['100::/64', 'discard-only prefix (RFC 6666)'],
	['100:0:0:1::/64', 'dummy prefix (RFC 9780)'],
	['2001:2::/48', 'benchmarking range (RFC 5180)'],
	['2001:3::/32', 'AMT relay anycast (RFC 7450)'],
	['2001:4:112::/48', 'AS112 DNS sink (RFC 7535)'],
	['2001::/23', 'IETF protocol assignments (RFC 2928)'],
	['2001:db8::/32', 'documentation range (RFC 3849)'],
	['2620:4f:8000::/48', 'AS112 DNS sink (RFC 7534)'],
	['3fff::/20', 'documentation range (RFC 9637)'],
	['5f00::/16', 'SRv6 SID block (RFC 9602)'],
	['fc00::/7', 'unique local address (RFC 4193)'],
	['fe80::/10', 'link-local (RFC 4291)'],
	['fec0::/10', 'deprecated site-local (RFC 3879)'],
	['ff00::/8', 'multicast (RFC 4291)'],
];

interface Block4 {
	base: number;
	mask: number;
	label: string;
}
interface Block6 {
	parts: number[];
	bits: number;
	label: string;
}

export function maskV4(bits: number): number {
	return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

const BLOCKS4: readonly Block4[] = IPV4_SPECIAL.map(([cidr, label]) => {
	const [base, bits] = cidr.split('/');
	const mask = maskV4(Number(bits));
	return { base: ((parseIPv4(base) as number) & mask) >>> 0, mask, label };
});
const BLOCKS6: readonly Block6[] = IPV6_SPECIAL.map(([cidr, label]) => {
	const [base, bits] = cidr.split('/');
	return { parts: ipv6Parts(base), bits: Number(bits), label };
});

function inBlock6(parts: readonly number[], block: Block6): boolean {
	let bits = block.bits;
	for (let i = 0; bits > 0; i++, bits -= 16) {
		const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
		if ((parts[i] & mask) !== block.parts[i]) return false;
	}
	return true;
}

/** What special-purpose block holds this IPv4, or null when it is global unicast. */
export function specialIPv4(v4: number): string | null {
	for (const block of BLOCKS4) if ((v4 & block.mask) >>> 0 === block.base) return block.label;
	return null;
}

const EMBEDDING: Readonly<Record<number, string>> = {
	0x0000: 'an IPv4-mapped address',
	0x0064: 'a NAT64 address',
	0x2002: 'a 6to4 address',
	0x2001: 'a Teredo address',
};

/** Why an IP is not a global unicast host (a phrase for reason_text), or null when it is one.
 * Addresses that carry an IPv4 (mapped, NAT64 64:ff9b::/96, 6to4, Teredo) are judged by the
 * IPv4 they carry: traffic to them ends at that IPv4, so a public one is blockable. */
export function nonGlobalIp(host: IpHost): string | null {
	if (host.kind === 'ipv4') return specialIPv4(host.v4);
	for (const v4 of host.embeddedV4) {
		const label = specialIPv4(v4);
		if (label) return `${EMBEDDING[host.parts[0]]} carrying ${formatIPv4(v4)}, ${label}`;
	}
	if (host.embeddedV4.length > 0) return null;
	for (const block of BLOCKS6) if (inBlock6(host.parts, block)) return block.label;
	if ((host.parts[0] & 0xe000) !== 0x2000) return 'outside the global unicast space 2000::/3';
	return null;
}
