import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { assemblylineRequest } from '../../nodes/shared/transport';
import { runNode } from '../harness/n8n.ts';

class Probe implements INodeType {
	description = {
		displayName: 'Probe', name: 'probe', group: ['transform'], version: 1, description: '',
		defaults: { name: 'Probe' }, inputs: [NodeConnectionTypes.Main], outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'assemblylineApi', required: true }], properties: [],
	} as unknown as INodeType['description'];
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const r = await assemblylineRequest(this, { method: 'GET', path: '/api/v4/user/whoami/', itemIndex: 0 });
		return [[{ json: r as any, pairedItem: { item: 0 } }]];
	}
}

test('smoke', async () => {
	const seen: any[] = [];
	const server = createServer((req, res) => {
		seen.push(req.headers);
		res.setHeader('content-type', 'application/json');
		res.end(JSON.stringify({ api_response: { username: 'svc' }, api_error_message: '', api_status_code: 200 }));
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const port = (server.address() as AddressInfo).port;
	const out = await runNode({ node: new Probe(), parameters: {}, credentials: { assemblylineApi: { url: `http://127.0.0.1:${port}/`, username: 'svc', apiKey: 'k:s' } } });
	server.close();
	expect(out.error).toBeUndefined();
	expect(out.outputs[0][0].json).toEqual({ username: 'svc' });
	expect(seen[0]['x-user']).toBe('svc');
	expect(seen[0]['x-apikey']).toBe('k:s');
});
