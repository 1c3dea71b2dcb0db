// The fake's submission index as the AL Submission Trigger reads it (assemblyline-ui api/v4/search.py,
// assemblyline-base odm/models/submission.py): completion times, one-sided ranges, the unstored times.completed.
import { startFakeAssemblyline } from './assemblyline/index.ts';
import type { FakeAssemblyline } from './assemblyline/index.ts';
import { search } from './helpers.ts';

describe('fake Assemblyline: submission index', () => {
	let fake: FakeAssemblyline;
	const T = Date.parse('2026-03-14T15:00:00.000Z');
	beforeAll(async () => {
		fake = await startFakeAssemblyline({ dataset: { submissions: [], alerts: [] }, now: () => T });
		for (const [sid, verdict] of [['Hi1', 'malicious'], ['Hi2', 'malicious'], ['Lo1', 'info'], ['Run1', 'malicious']] as const) {
			fake.dataset.addSubmission({ sid, ips: ['198.51.100.7'], verdict, completed: false });
		}
		for (const sid of ['Hi1', 'Hi2', 'Lo1']) fake.dataset.completeSubmission(sid, { alert: false, at: T - 1000 });
	});
	afterAll(() => fake.close());

	test('max_score:>=500 and the other one-sided ranges of query_string', async () => {
		const sids = async (query: string) => ((await search(fake, 'submission', { query, fl: 'sid', sort: 'sid asc' })).json.api_response.items as { sid: string }[]).map((i) => i.sid);
		expect(await sids('max_score:>=500 AND state:completed')).toEqual(['Hi1', 'Hi2']);
		expect(await sids('max_score:>1000')).toEqual([]);
		// a running submission scores 0 until it completes
		expect(await sids('max_score:<500')).toEqual(['Lo1', 'Run1']);
		expect(await sids('max_score:<=0 AND NOT state:completed')).toEqual(['Run1']);
	});

	test('times.completed: null while running, the same millisecond for two, returned only when named in fl', async () => {
		const named = await search(fake, 'submission', { query: 'times.completed:[* TO *]', fl: 'sid,times.completed', sort: 'times.completed asc' });
		const items = named.json.api_response.items as { sid: string; times: { completed: string } }[];
		expect(items.map((i) => i.sid).sort()).toEqual(['Hi1', 'Hi2', 'Lo1']);
		expect(new Set(items.map((i) => i.times.completed))).toEqual(new Set(['2026-03-14T14:59:59.000000Z']));
		const stored = await search(fake, 'submission', { query: 'sid:Hi1' });
		const doc = stored.json.api_response.items[0];
		expect(doc.sid).toBe('Hi1');
		expect(doc.times).toEqual({ submitted: expect.any(String) });
	});
});
