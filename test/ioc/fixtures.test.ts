import { extractOccurrences, filterBlockableIocs, type FilterResult } from '../../nodes/shared/ioc';
import { occurrenceCount, readFixture } from './helpers';

type Outcome = 'block' | string;
type Row = [type: string, value: string, verdict: string | null, occurrences: number, outcome: Outcome, why: string];

function outcomes(result: FilterResult): Row[] {
	return [
		...result.block.map((item): Row => [item.type, item.value, item.verdict, item.occurrences, 'block', '']),
		...result.skipped.map((item): Row => [item.type, item.value, item.verdict, item.occurrences, item.reason, '']),
	];
}
const withoutWhy = (rows: Row[]) => rows.map(([type, value, verdict, occurrences, outcome]) => [type, value, verdict, occurrences, outcome]);

describe('fixture page of alerts (search_alert_page1.json), default options', () => {
	const alerts = readFixture('search_alert_page1.json').api_response.items as unknown[];
	const occurrences = alerts.flatMap((alert, itemIndex) => extractOccurrences(alert, { itemIndex }));

	// Derived by hand from the fixture, in first-seen order. Merged rows count both tag types.
	const expected: Row[] = [
		// alert SDu3clC22x3tKZ6MOaE1B
		['ip', '203.0.113.45', 'malicious', 2, 'non_global_ip', 'dynamic+static merge; TEST-NET-3 documentation range'],
		['ip', '198.51.100.23', 'suspicious', 1, 'non_global_ip', 'TEST-NET-2'],
		['ip', '192.0.2.53', 'safe', 1, 'non_global_ip', 'TEST-NET-1 outranks below_threshold'],
		['domain', 'cdn-update.example.net', 'malicious', 2, 'special_use_domain', 'malicious beats suspicious; example.net is RFC 2606'],
		['domain', 'telemetry.example.org', 'suspicious', 1, 'special_use_domain', 'example.org is RFC 2606'],
		['domain', 'time.windows.com', 'safe', 1, 'below_threshold', 'public domain, verdict safe'],
		['uri', 'http://203.0.113.45:8080/gate.php', 'malicious', 1, 'non_global_ip', 'host is TEST-NET-3'],
		['uri', 'http://cdn-update.example.net/files/inv_8841.exe', 'suspicious', 1, 'special_use_domain', 'host under example.net'],
		// alert WzJu6qmryyrHbJTVitslJ
		['ip', '192.0.2.77', 'info', 1, 'non_global_ip', 'TEST-NET-1 outranks below_threshold'],
		['domain', 'portal-login.example.com', 'suspicious', 1, 'special_use_domain', 'example.com is RFC 2606'],
		['domain', 'fonts.googleapis.com', 'info', 1, 'below_threshold', 'public domain, info < suspicious'],
		['uri', 'https://portal-login.example.com/owa/auth.php', 'suspicious', 1, 'special_use_domain', 'host under example.com'],
		['uri', 'https://fonts.googleapis.com/css?family=Roboto', 'info', 1, 'below_threshold', 'public host, info; query kept'],
		// alert 7igrC2DEstj7wiGWNA6cQs
		['ip', '192.0.2.200', 'info', 1, 'non_global_ip', 'TEST-NET-1'],
		['domain', 'ctldl.windowsupdate.com', 'safe', 1, 'below_threshold', 'public domain, verdict safe'],
		['domain', 'update.example.org', 'info', 2, 'special_use_domain', 'dynamic+static merge; example.org'],
		['uri', 'http://update.example.org/check?v=2', 'info', 2, 'special_use_domain', 'dynamic+static merge; host under example.org'],
	];

	it('extracts the 21 network occurrences and nothing from the other detailed groups', () => {
		expect(occurrences).toHaveLength(21);
	});

	it('gives exactly the hand-derived split: nothing to block', () => {
		const result = filterBlockableIocs(occurrences);
		expect(result.block).toEqual([]);
		expect(withoutWhy(outcomes(result))).toEqual(withoutWhy(expected));
		expect(occurrenceCount(result)).toBe(21);
	});

	it('keeps alert ids, sids, tag types and item indexes as sources', () => {
		const first = filterBlockableIocs(occurrences).skipped[0];
		expect(first.sources).toEqual([{ alert_id: 'SDu3clC22x3tKZ6MOaE1B', sid: 'ushStdLVanDgTCEgfcfS3' }]);
		expect(first.tag_types).toEqual(['network.dynamic.ip', 'network.static.ip']);
		expect(first.itemIndexes).toEqual([0]);
		expect(first.reason_text).toMatch(/TEST-NET-3/);
	});

	it('with minimum verdict info, only the public info IoCs go to Block; a cap of 1 keeps the first', () => {
		const result = filterBlockableIocs(occurrences, { minVerdict: 'info' });
		expect(result.block.map((item) => item.value)).toEqual(['fonts.googleapis.com', 'https://fonts.googleapis.com/css?family=Roboto']);
		const capped = filterBlockableIocs(occurrences, { minVerdict: 'info', cap: 1 });
		expect(capped.block.map((item) => item.value)).toEqual(['fonts.googleapis.com']);
		expect(capped.skipped.filter((item) => item.reason === 'over_cap').map((item) => item.value)).toEqual([
			'https://fonts.googleapis.com/css?family=Roboto',
		]);
		expect(occurrenceCount(capped)).toBe(21);
	});
});

describe('fixture submission summary (submission_summary.json) tags.ioc', () => {
	const summary = readFixture('submission_summary.json').api_response;
	const occurrences = extractOccurrences({ sid: 'S1', ...summary });

	// Keys are visited in the fixture's order: dynamic.domain, dynamic.ip, dynamic.uri, email, static.domain, static.ip, static.uri.
	const expected: Row[] = [
		['domain', 'cdn-update.example.net', 'malicious', 2, 'special_use_domain', 'static copy is suspicious; example.net'],
		['domain', 'telemetry.example.org', 'suspicious', 1, 'special_use_domain', 'example.org'],
		['domain', 'time.windows.com', 'safe', 1, 'below_threshold', 'public, safe'],
		['ip', '203.0.113.45', 'malicious', 2, 'non_global_ip', 'TEST-NET-3, dynamic+static'],
		['ip', '198.51.100.23', 'suspicious', 1, 'non_global_ip', 'TEST-NET-2'],
		['ip', '192.0.2.53', 'safe', 1, 'non_global_ip', 'TEST-NET-1'],
		['uri', 'http://203.0.113.45:8080/gate.php', 'malicious', 1, 'non_global_ip', 'host TEST-NET-3'],
		['email', 'billing@example.com', 'info', 1, 'unsupported_type', 'a firewall cannot block an email address'],
		['domain', 'schemas.openxmlformats.org', 'info', 1, 'safelisted', 'Assemblyline safelisted it; outranks below_threshold'],
		['uri', 'http://cdn-update.example.net/files/inv_8841.exe', 'suspicious', 1, 'special_use_domain', 'host under example.net'],
		['uri', 'http://schemas.openxmlformats.org/officeDocument/2006/relationships', 'info', 1, 'safelisted', 'safelisted'],
	];

	it('gives exactly the hand-derived outcomes', () => {
		expect(occurrences).toHaveLength(13);
		const result = filterBlockableIocs(occurrences);
		expect(result.block).toEqual([]);
		expect(withoutWhy(outcomes(result))).toEqual(withoutWhy(expected));
		expect(result.skipped[0].sources).toEqual([{ sid: 'S1' }]);
		expect(result.skipped[0].classification).toBe('TLP:C');
		expect(occurrenceCount(result)).toBe(13);
	});
});
