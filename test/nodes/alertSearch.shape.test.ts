// A changed or hostile answer shape fails AL Alert Search with a message naming the field and the
// endpoint, instead of passing a wrong value on (issue 15, schemas at the boundary).
import type { IDataObject } from 'n8n-workflow';
import { AssemblylineAlertSearch } from '../../nodes/AssemblylineAlertSearch/AssemblylineAlertSearch.node';
import type { FakeAssemblyline } from '../fakes/assemblyline/index.ts';
import { runNode } from '../harness/n8n.ts';
import { credentialsFor, startFake } from './alert.helpers.ts';

const node = new AssemblylineAlertSearch();

describe('AL Alert Search: an alert whose al.detailed.ip is a string', () => {
	let fake: FakeAssemblyline;
	beforeAll(async () => {
		fake = await startFake();
		const good = fake.dataset.makeAlert({ alert_id: 'Good1', ips: ['185.220.101.4'] }) as IDataObject;
		const al = good.al as IDataObject;
		fake.dataset.addAlerts([{ ...good, alert_id: 'Hostile1', sid: 'HostileSid1', al: { ...al, detailed: { ...(al.detailed as IDataObject), ip: '185.220.101.4' } } }]);
	});
	afterAll(() => fake.close());

	test('fails with the field and the endpoint named; with continue-on-fail an error item and no alert', async () => {
		const failed = await runNode({ node, parameters: { query: '*', returnAll: true } as never, credentials: credentialsFor(fake) });
		expect(failed.error?.message).toMatch(/POST \/api\/v4\/search\/alert\//);
		expect(failed.error?.message).toMatch(/items\[\d\]\.al\.detailed\.ip/);
		const soft = await runNode({ node, parameters: { query: '*', returnAll: true } as never, credentials: credentialsFor(fake), continueOnFail: true });
		expect(soft.outputs[0]).toHaveLength(1);
		expect(soft.outputs[0][0].json.alert_id).toBeUndefined();
		expect(String(soft.outputs[0][0].json.error)).toMatch(/al\.detailed\.ip/);
	});

	test('the good alert alone passes', async () => {
		const ok = await runNode({ node, parameters: { query: 'alert_id:Good1', returnAll: true } as never, credentials: credentialsFor(fake) });
		expect(ok.error).toBeUndefined();
		expect(ok.outputs[0].map((i) => i.json.alert_id)).toEqual(['Good1']);
	});
});
