/**
 * Input for the filtering case: alerts shaped like AL Alert Search's output, 10 network IoC
 * occurrences each, and an allowlist of CIDRs and domains. A realistic mix: values drawn from the
 * fake Assemblyline's generators (public and private IPv4/IPv6, documentation and CGNAT ranges,
 * ordinary domains, IDNs in punycode and Unicode, public suffixes, special-use names, URLs with
 * ports and queries), about half of them repeats of popular values, some defanged.
 */
import { publicIpv4, someDomain, someIp, someUri, ordinaryDomain } from '../../test/fakes/assemblyline/generator.ts';
import { base62Id, int, mulberry32, pick, type Rng } from '../../test/fakes/assemblyline/util.ts';

const VERDICTS = ['info', 'info', 'suspicious', 'suspicious', 'malicious', 'malicious', 'malicious', 'safe'];
const KINDS = ['dynamic', 'static'];

function defang(value: string, rng: Rng): string {
	if (rng() >= 0.05) return value;
	return value.replace(/^http/, 'hxxp').replace(/\.(?=[^.]*$)/, '[.]');
}

interface Detailed {
	type: string;
	value: string;
	verdict: string;
	subtype: null;
}

/** `alerts` alerts with 4 IPs, 3 domains and 3 URIs each (10 occurrences); `fresh` of the
 * occurrences are newly generated values, the rest repeat one of 6,000 popular ones. */
export function makeAlerts(alerts: number, seed = 11, fresh = 0.5): Record<string, unknown>[] {
	const rng = mulberry32(seed);
	// Popular values: the same C2 addresses and domains show up in many alerts.
	const popular = {
		ip: Array.from({ length: 2000 }, () => someIp(rng)),
		domain: Array.from({ length: 2000 }, () => someDomain(rng)),
		uri: Array.from({ length: 2000 }, () => someUri(rng)),
	};
	const make = { ip: someIp, domain: someDomain, uri: (r: Rng) => someUri(r) };
	const out: Record<string, unknown>[] = [];
	for (let i = 0; i < alerts; i++) {
		const detailed: Record<string, Detailed[]> = { ip: [], domain: [], uri: [] };
		for (const [group, count] of [['ip', 4], ['domain', 3], ['uri', 3]] as const) {
			for (let k = 0; k < count; k++) {
				const value = rng() >= fresh ? pick(rng, popular[group]) : make[group](rng);
				detailed[group].push({
					type: `network.${pick(rng, KINDS)}.${group}`,
					value: defang(value, rng),
					verdict: pick(rng, VERDICTS),
					subtype: null,
				});
			}
		}
		out.push({ alert_id: base62Id(rng), sid: base62Id(rng), al: { detailed } });
	}
	// Through JSON, as alerts arrive from AL Alert Search (flat strings, not concatenations), a
	// page of 500 at a time (one string of 500,000 alerts would pass V8's maximum string length).
	const parsed: Record<string, unknown>[] = [];
	for (let i = 0; i < out.length; i += 500) {
		for (const alert of JSON.parse(JSON.stringify(out.slice(i, i + 500))) as Record<string, unknown>[]) parsed.push(alert);
	}
	return parsed;
}

/** An allowlist of `size` entries, half CIDRs (/8 to /32, some covering the data's ranges) and
 * half domains (some the data's), as text, one per line. */
export function makeAllowlist(size: number, seed = 12): string {
	const rng = mulberry32(seed);
	const lines: string[] = [];
	for (let i = 0; i < size; i++) {
		if (i % 2 === 0) {
			const bits = pick(rng, [16, 20, 24, 24, 24, 28, 32, 32]);
			const [a, b, c, d] = publicIpv4(rng).split('.').map(Number);
			const v4 = ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
			const masked = bits === 32 ? v4 : (v4 & (~0 << (32 - bits))) >>> 0;
			lines.push(`${masked >>> 24}.${(masked >>> 16) & 255}.${(masked >>> 8) & 255}.${masked & 255}/${bits}`);
		} else {
			const name = ordinaryDomain(rng);
			lines.push(rng() < 0.2 ? `*.${name.replace(/^(www|cdn|api|dl|m)\./, '')}` : name);
		}
	}
	// A few that are certainly hit.
	lines.push('windows.com', 'microsoft.com', 'googleapis.com', '2a01::/16');
	return lines.slice(0, Math.max(size, 4)).join('\n');
}

export { int };
