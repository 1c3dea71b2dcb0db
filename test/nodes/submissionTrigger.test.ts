import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { AssemblylineSubmissionTrigger } from '../../nodes/AssemblylineSubmissionTrigger/AssemblylineSubmissionTrigger.node';
import type { FakeAssemblyline } from '../fakes/assemblyline/index.ts';
import { poll } from '../harness/n8n.ts';
import { bodyOf, credentialsFor, iso, searchRequests, startFake } from './alert.helpers.ts';

const node = new AssemblylineSubmissionTrigger();
const NODE_KEY = 'node:Under Test';
const T0 = Date.parse('2026-03-14T15:00:00.000Z');

/** One workflow's polls: the same static data every time; every execution started is recorded. */
function trigger(fake: FakeAssemblyline, parameters: IDataObject = {}) {
	const staticData: IDataObject = {};
	const executions: INodeExecutionData[][] = [];
	return {
		staticData,
		executions,
		started: () => executions.flat().map((i) => String(i.json.sid)),
		state: () => (staticData[NODE_KEY] as IDataObject | undefined)?.submissionCursor as IDataObject | undefined,
		async poll(extra: { mode?: 'trigger' | 'manual' } = {}) {
			const out = await poll({ node, parameters: { query: 'max_score:>=500', ...parameters } as never, credentials: credentialsFor(fake), staticData, ...extra });
			// n8n starts one execution per poll that returns items (polling nodes return one batch)
			if (out !== null && extra.mode !== 'manual') executions.push(out[0]);
			return out === null ? null : out[0];
		},
	};
}

/** A submission that is still running; `bad` ones score 1000 (malicious), others 0 (info). */
function submit(fake: FakeAssemblyline, sid: string, bad = true): string {
	return fake.dataset.addSubmission({ sid, ips: [`203.0.113.${sid.length + 10}`], verdict: bad ? 'malicious' : 'info', reporting_ts: fake.now(), completed: false });
}
const complete = (fake: FakeAssemblyline, sid: string, at = fake.now()) => fake.dataset.completeSubmission(sid, { alert: false, at });
const counts = (list: string[]) => list.reduce<Record<string, number>>((m, s) => ({ ...m, [s]: (m[s] ?? 0) + 1 }), {});

describe('AL Submission Trigger', () => {
	let fake: FakeAssemblyline;
	beforeEach(async () => {
		fake = await startFake({ now: () => T0 });
	});
	afterEach(() => fake.close());

	test('across three polls with submissions completing in between, every matching submission starts exactly one execution', async () => {
		// history from before activation: not a flood on the first poll
		for (const sid of ['Old1', 'Old2']) {
			submit(fake, sid);
			complete(fake, sid, T0 - 3_600_000);
		}
		const t = trigger(fake);
		expect(await t.poll()).toBeNull();
		expect(t.state()).toMatchObject({ floor: expect.any(String) });

		// poll 1: one matching and one low-scoring submission complete; one more is still running
		fake.setClock({ advanceMs: 30_000 });
		for (const sid of ['A1', 'A2', 'Run3']) submit(fake, sid);
		submit(fake, 'Low1', false);
		complete(fake, 'A1');
		complete(fake, 'Low1');
		fake.setClock({ advanceMs: 1 });
		complete(fake, 'A2');
		const first = await t.poll();
		expect((first ?? []).map((i) => i.json.sid)).toEqual(['A1', 'A2']);

		// poll 2: the running one completes, a new one is added and completes
		fake.setClock({ advanceMs: 30_000 });
		submit(fake, 'B1');
		complete(fake, 'Run3');
		fake.setClock({ advanceMs: 5 });
		complete(fake, 'B1');
		expect((await t.poll() ?? []).map((i) => i.json.sid)).toEqual(['Run3', 'B1']);

		// poll 3: nothing new, then one more
		fake.setClock({ advanceMs: 30_000 });
		expect(await t.poll()).toBeNull();
		submit(fake, 'C1');
		complete(fake, 'C1');
		expect((await t.poll() ?? []).map((i) => i.json.sid)).toEqual(['C1']);
		expect(await t.poll()).toBeNull();

		expect(counts(t.started())).toEqual({ A1: 1, A2: 1, Run3: 1, B1: 1, C1: 1 });
		// what the fake holds: every submission that completed after activation and scores >= 500 was started
		const matching = [...fake.dataset.submissions.values()]
			.map((b) => b.document() as IDataObject)
			.filter((d) => d.state === 'completed' && Number(d.max_score) >= 500 && Date.parse(String((d.times as IDataObject).completed)) >= T0)
			.map((d) => String(d.sid))
			.sort();
		expect([...t.started()].sort()).toEqual(matching);
		// each item carries what the next node needs
		const item = t.executions[0][0].json;
		expect(item).toMatchObject({ sid: 'A1', state: 'completed', max_score: 1000 });
		expect((item.times as IDataObject).completed).toBe(iso(T0 + 30_000).replace('Z', '000Z'));
	});

	test('none is lost when two complete in the same millisecond, one indexed after a poll already passed it', async () => {
		const t = trigger(fake, { query: '*' });
		expect(await t.poll()).toBeNull();
		fake.setClock({ advanceMs: 10_000 });
		const same = fake.now();
		for (const sid of ['Same1', 'Same2', 'Same3']) submit(fake, sid);
		complete(fake, 'Same1', same);
		complete(fake, 'Same2', same);
		// equal times: the order between the two is Elasticsearch's tie-breaker, not ours
		expect((await t.poll() ?? []).map((i) => i.json.sid).sort()).toEqual(['Same1', 'Same2']);
		// Same3 finished in the same millisecond but became searchable only after that poll (Elasticsearch refresh)
		fake.setClock({ advanceMs: 2_000 });
		complete(fake, 'Same3', same);
		expect((await t.poll() ?? []).map((i) => i.json.sid)).toEqual(['Same3']);
		expect(await t.poll()).toBeNull();
		expect(counts(t.started())).toEqual({ Same1: 1, Same2: 1, Same3: 1 });
	});

	test('asks for completed submissions by completion time, naming the unstored times.completed in fl', async () => {
		const t = trigger(fake, { options: { fields: 'max_score', filters: ['params.type:INGEST'] } });
		await t.poll();
		fake.setClock({ advanceMs: 1_000 });
		submit(fake, 'F1');
		complete(fake, 'F1');
		const out = await t.poll();
		expect(out?.[0].json).toEqual({ sid: 'F1', times: { completed: expect.any(String) }, max_score: 1000 });
		const body = bodyOf(searchRequests(fake, 'submission').at(-1)!);
		expect(body.sort).toBe('times.completed asc');
		expect(String(body.fl).split(',')).toEqual(expect.arrayContaining(['sid', 'times.completed', 'max_score', 'id']));
		expect(body.filters).toEqual(expect.arrayContaining(['params.type:INGEST', 'state:completed', expect.stringMatching(/^times\.completed:\[\S+ TO \*\]$/)]));
	});

	test('backfill on first activation emits the last hours only; a manual test event leaves the cursor alone', async () => {
		for (const [sid, ago] of [['H3', 3 * 3_600_000], ['H1', 3_600_000], ['M5', 300_000]] as const) {
			submit(fake, sid);
			complete(fake, sid, T0 - ago);
		}
		const manual = trigger(fake, { options: { backfillHours: 2 } });
		expect((await manual.poll({ mode: 'manual' }))?.map((i) => i.json.sid)).toEqual(['M5']);
		expect(manual.state()).toBeUndefined();

		const t = trigger(fake, { options: { backfillHours: 2 } });
		expect((await t.poll() ?? []).map((i) => i.json.sid)).toEqual(['H1', 'M5']);
		expect(await t.poll()).toBeNull();
	});

	test('a submission that never completes, or scores low, starts nothing', async () => {
		const t = trigger(fake);
		await t.poll();
		fake.setClock({ advanceMs: 1_000 });
		submit(fake, 'Stuck');
		submit(fake, 'Clean', false);
		complete(fake, 'Clean');
		expect(await t.poll()).toBeNull();
		expect(t.started()).toEqual([]);
	});
});
