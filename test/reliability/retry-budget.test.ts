/**
 * The retry budget of the concurrency quota (issue 8.2 finding): a 503 "maximum concurrent API calls
 * quota" clears as soon as the user's other calls finish, so it is retried longer
 * (RETRY.attempts) than faults that may not clear (RETRY.otherAttempts). Under 100 parallel
 * executions against a quota of 10, 6 attempts were not enough (test/reliability/load.test.ts).
 * The bound of a concurrency quota that never clears is in test/transport/transport.test.ts.
 */
import type { IDataObject } from 'n8n-workflow';

import { RETRY } from '../../nodes/shared/transport';
import { fixturesDataset, startFakeAssemblyline, type FakeAssemblyline } from '../fakes/assemblyline/index.ts';
import { runNode } from '../harness/n8n.ts';
import { TransportProbe } from '../harness/probe.ts';
import { credentialsFor } from './helpers.ts';

const WHOAMI = '/api/v4/user/whoami/';
let fake: FakeAssemblyline;
beforeAll(async () => {
	fake = await startFakeAssemblyline({ dataset: fixturesDataset() });
});
afterAll(() => fake.close());
beforeEach(() => {
	fake.faults.clear();
	fake.clearRequests();
});

const call = () => runNode({ node: new TransportProbe(), parameters: { path: WHOAMI }, credentials: credentialsFor(fake) });

test('the concurrency quota gets more attempts than faults that may not clear', () => {
	expect(RETRY.attempts).toBeGreaterThan(RETRY.otherAttempts);
});

test(`a concurrency quota still busy after ${RETRY.otherAttempts} attempts is retried to completion`, async () => {
	fake.faults.add({ kind: '503-concurrency', times: RETRY.otherAttempts });
	const { outputs, error } = await call();
	expect(error).toBeUndefined();
	expect((outputs[0][0].json.response as IDataObject).username).toBe('svc_soc');
	expect(fake.requests.map((r) => r.status)).toEqual([...Array(RETRY.otherAttempts).fill(503), 200]);
});

test(`a 502 that does not clear is given up after ${RETRY.otherAttempts} attempts, saying so`, async () => {
	fake.faults.add({ kind: '502' });
	const { error } = await call();
	expect(fake.requests).toHaveLength(RETRY.otherAttempts);
	expect(error?.message).toMatch(new RegExp(`\\(HTTP 502\\) \\(tried ${RETRY.otherAttempts} times\\)$`));
});
