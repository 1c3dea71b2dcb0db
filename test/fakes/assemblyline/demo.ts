// The `npm start` story: the fixture submission plus two more alerts. Some IoCs are really blockable
// (public addresses and domains with suspicious/malicious verdicts); the rest are there to be held
// back for a reason: private/loopback/link-local/CGNAT/TEST-NET address, safelisted value, info or
// safe verdict, special-use domain (example.*, home.arpa), a bare public suffix.
//
// The fixture story's C2 sits in documentation ranges (TEST-NET, example.*) so that tests never
// name a real host; the demo renames those values (DEMO_RENAMES) so that its blockable IoCs look as
// real as the held-back ones, and only one TEST-NET address and one example.* name stay, on purpose.
// Choice of values (README, "Demo data"): IPv6 in 3000::/4, global unicast that IANA has not
// allocated to any registry, so it is nobody's; IPv4 has no such space, so the IPv4 C2 stays in the
// two /24s the demo already used; domains are made-up registrable names under real TLDs, tagged 8841
// after the story's Invoice_8841, which nobody is expected to own.
import { alertFromSubmission, BuiltSubmission } from './model.ts';
import { fixturesDataset, mergeDatasets, specFromIocs } from './dataset.ts';
import type { DatasetInput } from './generator.ts';
import { parseDate } from './util.ts';

export const DEMO_ALERTS = [
	{
		alert_id: 'DmQ4bonusPlanXlsm7Kq2', sid: '5pXbZ0vQk1demoBonus88', file_name: 'Q1_Bonus_Plan.xlsm', reporting_ts: '2025-03-14T16:20:31.204517Z',
		ips: [
			'91.214.124.19', // C2: blockable
			{ value: '45.133.1.87', verdict: 'suspicious' as const }, // blockable
			{ value: '10.20.30.40', verdict: 'info' as const }, // private
			{ value: '127.0.0.1', verdict: 'info' as const, safelisted: true }, // safelisted + loopback
			{ value: 'fe80::1c2b:3aff:fe4d:5e6f', verdict: 'info' as const }, // link-local
			{ value: '91.214.124.19', kind: 'static' as const, verdict: 'suspicious' as const }, // same value, static, lower verdict
		],
		domains: [
			'login-microsoftonline-secure.top', // blockable
			{ value: 'time.windows.com', verdict: 'safe' as const }, // safe verdict
			{ value: 'duckdns.org', verdict: 'suspicious' as const }, // a public suffix itself
			{ value: 'payroll-sync.duckdns.org', verdict: 'suspicious' as const }, // blockable subdomain of a dynamic-DNS suffix
			{ value: 'www.w3.org', kind: 'static' as const, verdict: 'info' as const, safelisted: true }, // safelisted
		],
		uris: [
			'http://91.214.124.19:8443/api/v2/beacon?id=7f3a9c21', // blockable
			{ value: 'https://login-microsoftonline-secure.top/common/oauth2/authorize', kind: 'static' as const, verdict: 'suspicious' as const },
		],
		emails: ['hr-benefits@corp.example.com'],
	},
	{
		alert_id: 'DmQ5shippingLabelJs3Wp', sid: '6qYcA1wRl2demoShip991', file_name: 'shipping_label.pdf.js', reporting_ts: '2025-03-14T16:48:02.776130Z',
		ips: [
			{ value: '100.72.14.3', verdict: 'suspicious' as const }, // CGNAT
			{ value: '192.168.1.20', verdict: 'info' as const }, // private
			{ value: '198.51.100.99', verdict: 'suspicious' as const }, // TEST-NET-2
			{ value: '3a0c:51e7:2200:1f::2', verdict: 'malicious' as const }, // public IPv6 (unallocated 3000::/4): blockable
		],
		domains: [
			{ value: 'parcel-track-express.xyz', kind: 'static' as const, verdict: 'suspicious' as const }, // blockable
			'xn--pypal-4ve.com', // IDN look-alike: blockable
			{ value: 'tracking.example.com', verdict: 'suspicious' as const }, // special-use (example.*)
			{ value: 'nas.home.arpa', verdict: 'info' as const }, // special-use, info
			{ value: 'fonts.googleapis.com', kind: 'static' as const, verdict: 'info' as const }, // info verdict
		],
		uris: [
			{ value: 'https://parcel-track-express.xyz/track?id=58213', kind: 'static' as const, verdict: 'suspicious' as const }, // blockable
			'http://[3a0c:51e7:2200:1f::2]:8080/stage2.bin', // blockable
		],
	},
];

/** The fixture story's documentation-range values and what the demo calls them. */
export const DEMO_RENAMES: ReadonlyArray<readonly [string, string]> = [
	['203.0.113.45', '91.214.124.45'], // malicious C2
	['198.51.100.23', '45.133.1.23'], // suspicious
	['192.0.2.53', '9.9.9.9'], // safe: a public resolver
	['192.0.2.77', '45.133.1.77'], // info
	['192.0.2.200', '91.214.124.200'], // info
	['cdn-update.example.net', 'cdn-update-inv8841.top'], // malicious
	['telemetry.example.org', 'telemetry-sync8841.xyz'], // suspicious
	['portal-login.example.com', 'portal-login-owa8841.top'], // suspicious
	['update.example.org', 'update-check8841.xyz'], // info
];

/** A deep copy of `value` with every DEMO_RENAMES value replaced, in every string. */
function renamed<T>(value: T): T {
	let text = JSON.stringify(value);
	for (const [from, to] of DEMO_RENAMES) text = text.split(from).join(to);
	return JSON.parse(text) as T;
}

/** Fixture story (renamed) + the two demo alerts (each with its submission, summary and ontology). */
export function demoDataset(fixturesDir?: string): DatasetInput {
	const fx = renamed(fixturesDataset(fixturesDir));
	// Assemblyline keeps the alert's `al.*` value lists sorted; the renamed values move.
	for (const alert of fx.alerts) {
		const al = alert.al as Record<string, unknown>;
		for (const [key, list] of Object.entries(al)) {
			if (Array.isArray(list) && list.every((v) => typeof v === 'string')) al[key] = [...list].sort();
		}
	}
	const submissions = [];
	const alerts = [];
	for (const [i, d] of DEMO_ALERTS.entries()) {
		const spec = specFromIocs({ ...d, ingestId: d.alert_id, submittedMs: parseDate(d.reporting_ts), completed: true }, 900 + i);
		submissions.push(spec);
		alerts.push(alertFromSubmission(new BuiltSubmission(spec), { alert_id: d.alert_id, reporting_ts: d.reporting_ts }));
	}
	return mergeDatasets(fx, { submissions, alerts });
}
