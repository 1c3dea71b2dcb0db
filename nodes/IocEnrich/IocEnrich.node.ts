import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { credentials, properties } from './description';
import { execute } from './execute';

export class IocEnrich implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'IoC Enrich',
		name: 'iocEnrich',
		icon: { light: 'file:../../icons/enrich.svg', dark: 'file:../../icons/enrich.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{($parameter["providers"] || []).join(", ")}}',
		documentationUrl: 'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#ioc-enrich',
		description: 'Look up one IoC in many threat-intel services at once and get one verdict',
		defaults: { name: 'IoC Enrich' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		// Only the picked providers' credentials are asked for (from the provider registry).
		credentials,
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await execute.call(this);
	}
}
