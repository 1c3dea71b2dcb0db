// The `npm start` story: the fixture submission plus two more alerts. Some IoCs are really blockable
// (public addresses and domains with suspicious/malicious verdicts); the rest are there to be held
// back for a reason: private/loopback/link-local/CGNAT/TEST-NET address, safelisted value, info or
// safe verdict, special-use domain (example.*, home.arpa), a bare public suffix.
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
			{ value: '2a01:4f8:c17:b8f::2', verdict: 'malicious' as const }, // public IPv6: blockable
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
			'http://[2a01:4f8:c17:b8f::2]:8080/stage2.bin', // blockable
		],
	},
];

/** Fixture story + the two demo alerts (each with its submission, summary and ontology). */
export function demoDataset(fixturesDir?: string): DatasetInput {
	const fx = fixturesDataset(fixturesDir);
	const submissions = [];
	const alerts = [];
	for (const [i, d] of DEMO_ALERTS.entries()) {
		const spec = specFromIocs({ ...d, ingestId: d.alert_id, submittedMs: parseDate(d.reporting_ts), completed: true }, 900 + i);
		submissions.push(spec);
		alerts.push(alertFromSubmission(new BuiltSubmission(spec), { alert_id: d.alert_id, reporting_ts: d.reporting_ts }));
	}
	return mergeDatasets(fx, { submissions, alerts });
}
