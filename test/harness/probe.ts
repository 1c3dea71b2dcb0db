/** A minimal node that makes one Assemblyline call through the shared transport, for transport tests. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { assemblylineRequest } from '../../nodes/shared/transport';

export class TransportProbe implements INodeType {
	description = {
		displayName: 'Transport Probe',
		name: 'transportProbe',
		group: ['transform'],
		version: 1,
		description: 'One Assemblyline call',
		defaults: { name: 'Transport Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'assemblylineApi', required: true }],
		properties: [
			{ displayName: 'Method', name: 'method', type: 'string', default: 'GET' },
			{ displayName: 'Path', name: 'path', type: 'string', default: '' },
			{ displayName: 'Body', name: 'body', type: 'json', default: '' },
			{ displayName: 'Raw', name: 'raw', type: 'boolean', default: false },
			{ displayName: 'Timeout', name: 'timeoutMs', type: 'number', default: 0 },
		],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const p = (name: string, fallback?: unknown) => this.getNodeParameter(name, 0, fallback) as never;
		const response = await assemblylineRequest(this, {
			method: p('method', 'GET'),
			path: p('path'),
			body: p('body') || undefined,
			raw: p('raw'),
			timeoutMs: p('timeoutMs') || undefined,
			itemIndex: 0,
		});
		return [[{ json: { response } as IDataObject, pairedItem: { item: 0 } }]];
	}
}
