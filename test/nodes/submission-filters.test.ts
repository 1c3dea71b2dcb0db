/**
 * AL Submission IoCs: the ontology's sha256 and service filters are exact and case-sensitive on
 * Assemblyline (a prefix of the lower-case result key; the service name as stored), and a summary
 * the user may not see whole says `filtered: true` (issue 14, points 5 and 6).
 */
import { AssemblylineSubmissionIocs } from '../../nodes/AssemblylineSubmissionIocs/AssemblylineSubmissionIocs.node';
import { FIXTURE_SID, fixturesDataset, startFakeAssemblyline, type FakeAssemblyline } from '../fakes/assemblyline/index.ts';
import { runNode } from '../harness/n8n.ts';

const node = new AssemblylineSubmissionIocs();
const ROOT = '17b33ea8ef922d4dc871a582ca2299ac042f51a3e2bed1130cc4e8d21f49cb19';

let fake: FakeAssemblyline;
beforeAll(async () => {
	fake = await startFakeAssemblyline({ dataset: fixturesDataset(), filteredSids: { [FIXTURE_SID]: ['198.51.100.23'] } });
});
afterAll(() => fake.close());
beforeEach(() => fake.clearRequests());

const run = (parameters: Record<string, unknown>) =>
	runNode({
		node,
		parameters: { sid: FIXTURE_SID, source: 'ontology', output: 'grouped', waitForCompletion: false, ...parameters } as never,
		credentials: { assemblylineApi: { url: fake.url, username: fake.users[0].name, apiKey: fake.users[0].apikey } },
	});

test('an upper-case SHA256 is sent lower-case, and finds the IoCs', async () => {
	const { outputs, error } = await run({ sha256s: ROOT.toUpperCase() });
	expect(error).toBeUndefined();
	const onto = fake.requests.find((r) => r.path.startsWith('/api/v4/ontology/'))!;
	expect(onto.query.sha256).toBe(ROOT);
	expect(Object.keys(outputs[0][0].json.iocs as object).length).toBeGreaterThan(0);
	expect(outputs[0][0].json).not.toHaveProperty('warnings');
});

test('a value that is not a SHA256 fails the item, saying so', async () => {
	const { error } = await run({ sha256s: `${ROOT.slice(0, 63)}x` });
	expect(error?.message).toMatch(/not a SHA256/);
	expect(fake.requests.filter((r) => r.path.startsWith('/api/v4/ontology/'))).toHaveLength(0);
});

test('a service filter that matched nothing (wrong case) is warned about in the output', async () => {
	const { outputs, error } = await run({ services: 'cape' });
	expect(error).toBeUndefined();
	const item = outputs[0][0].json;
	expect(item.iocs).toEqual({});
	expect(item.warnings).toEqual([expect.stringMatching(/^Service "cape" matched no result.*case-sensitive/)]);
});

test('a summary with results hidden by classification says filtered, and is not passed off as complete', async () => {
	const { outputs } = await run({ source: 'summary', output: 'perIoc' });
	expect(outputs[0].length).toBeGreaterThan(0);
	for (const item of outputs[0]) expect(item.json).toMatchObject({ filtered: true, partial: true });
	const grouped = await run({ source: 'summary' });
	expect(grouped.outputs[0][0].json).toMatchObject({ filtered: true, partial: true });
});
