// Filter Blockable IoCs' "Check Assemblyline Safelist": the fake's safelist, asked when the node runs.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { FilterBlockableIocs } from '../../nodes/FilterBlockableIocs/FilterBlockableIocs.node';
import { tagQhash } from '../fakes/assemblyline/index.ts';
import type { FakeAssemblyline } from '../fakes/assemblyline/index.ts';
import { call } from '../fakes/helpers.ts';
import { runNode } from '../harness/n8n.ts';
import { credentialsFor, startFake } from './alert.helpers.ts';

const node = new FilterBlockableIocs();

async function filter(fake: FakeAssemblyline, alerts: IDataObject[], parameters: IDataObject = {}, user = 0) {
	const credentials = { assemblylineApi: { ...credentialsFor(fake).assemblylineApi, username: fake.users[user].name, apiKey: fake.users[user].apikey } };
	return await runNode({ node, parameters: { checkSafelist: true, ...parameters } as never, input: alerts, credentials });
}

const byValue = (items: INodeExecutionData[] | undefined) => Object.fromEntries((items ?? []).map((i) => [String(i.json.value), i.json]));
const safelistGets = (fake: FakeAssemblyline) => fake.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/api/v4/safelist/'));

/** What an analyst does in Assemblyline: safelist one tag (PUT /api/v4/safelist/). */
async function safelist(fake: FakeAssemblyline, type: string, value: string) {
	const r = await call(fake, '/api/v4/safelist/', {
		method: 'PUT',
		body: { type: 'tag', tag: { type, value }, sources: [{ name: 'svc_soc', type: 'user', reason: ['CDN we use'] }] },
	});
	expect(r.json.api_response.success).toBe(true);
}

describe('Filter Blockable IoCs: Check Assemblyline Safelist', () => {
	let fake: FakeAssemblyline;
	beforeEach(async () => {
		fake = await startFake();
	});
	afterEach(() => fake.close());

	test('an IoC safelisted after its alert was written goes to Skipped as "safelisted"', async () => {
		const alert = fake.dataset.makeAlert({ domains: ['payload-cdn.biz', 'c2-panel.biz'], ips: ['185.220.101.4'] });
		// the alert was built before the entry existed: it still carries the value, unflagged
		await safelist(fake, 'network.dynamic.domain', 'Payload-CDN.biz');
		const stored = fake.dataset.getAlert(String(alert.alert_id)) as IDataObject;
		expect(JSON.stringify(stored)).toContain('payload-cdn.biz');

		const off = await filter(fake, [stored], { checkSafelist: false });
		expect(off.error).toBeUndefined();
		expect(Object.keys(byValue(off.outputs[0])).sort()).toEqual(['185.220.101.4', 'c2-panel.biz', 'payload-cdn.biz']);
		expect(safelistGets(fake)).toHaveLength(0);

		const on = await filter(fake, [stored]);
		expect(on.error).toBeUndefined();
		expect(Object.keys(byValue(on.outputs[0])).sort()).toEqual(['185.220.101.4', 'c2-panel.biz']);
		const skipped = byValue(on.outputs[1])['payload-cdn.biz'];
		expect(skipped).toMatchObject({ type: 'domain', reason: 'safelisted', safelisted: true });
		expect(String(skipped.reason_text)).toContain('network.dynamic.domain');
		expect(String(skipped.reason_text)).toContain('svc_soc: CDN we use');
	});

	test('one lookup per distinct value across items, each key asked once', async () => {
		const a = fake.dataset.makeAlert({ domains: ['drop-one.biz', 'drop-two.biz'], ips: ['185.220.101.4'] }) as IDataObject;
		const b = fake.dataset.makeAlert({ domains: ['drop-two.biz'], ips: ['185.220.101.4', '45.142.212.61'] }) as IDataObject;
		const c = fake.dataset.makeAlert({ domains: ['DROP-ONE.biz'], ips: ['45.142.212.61'] }) as IDataObject;
		await safelist(fake, 'network.dynamic.ip', '45.142.212.61');
		fake.clearRequests();
		const out = await filter(fake, [a, b, c]);
		expect(out.error).toBeUndefined();
		const distinct = ['network.dynamic.domain: drop-one.biz', 'network.dynamic.domain: drop-two.biz', 'network.dynamic.ip: 185.220.101.4', 'network.dynamic.ip: 45.142.212.61'];
		const asked = safelistGets(fake).map((r) => r.path.split('/')[4]);
		expect(asked).toHaveLength(distinct.length);
		expect(asked.sort()).toEqual(distinct.map((k) => tagQhash(k.split(': ')[0], k.split(': ')[1])).sort());
		expect(Object.keys(byValue(out.outputs[0])).sort()).toEqual(['185.220.101.4', 'drop-one.biz', 'drop-two.biz']);
		expect(byValue(out.outputs[1])['45.142.212.61']).toMatchObject({ reason: 'safelisted', occurrences: 2 });
	});

	test('a disabled entry does not hold a value back; a lookup Assemblyline refuses stops the node, nothing on Block', async () => {
		const alert = fake.dataset.makeAlert({ domains: ['stage2-host.biz'] }) as IDataObject;
		await safelist(fake, 'network.dynamic.domain', 'stage2-host.biz');
		const hash = tagQhash('network.dynamic.domain', 'stage2-host.biz');
		expect((await call(fake, `/api/v4/safelist/enable/${hash}/`, { method: 'PUT', body: false })).json.api_response).toEqual({ success: true });
		const disabled = await filter(fake, [alert]);
		expect(Object.keys(byValue(disabled.outputs[0]))).toEqual(['stage2-host.biz']);

		// "viewer" has no safelist_view role
		const refused = await filter(fake, [alert], {}, 1);
		expect(refused.error?.message).toMatch(/safelist_view/);
		expect(refused.outputs[0] ?? []).toHaveLength(0);
	});
});
