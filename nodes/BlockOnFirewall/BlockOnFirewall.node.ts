import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { properties } from './description';
import { execute } from './execute';
import { TARGETS } from './targets';

export class BlockOnFirewall implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Block on Firewall / EDR',
		name: 'blockOnFirewall',
		icon: { light: 'file:../../icons/block.svg', dark: 'file:../../icons/block.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: `={{$parameter["operation"] + " on " + ${JSON.stringify(Object.fromEntries(Object.values(TARGETS).map((t) => [t.id, t.name])))}[$parameter["target"]]}}`,
		documentationUrl:
			'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#block-on-firewall--edr',
		description:
			'Push IP, domain and URL blocks to a firewall or EDR API, with expiry, and remove them again',
		defaults: { name: 'Block on Firewall / EDR' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Done', 'Not Pushed'],
		// One credential type per target, shown for that target.
		credentials: Object.values(TARGETS).map((target) => ({
			name: target.credentialType,
			required: true,
			displayOptions: { show: { target: [target.id] } },
		})),
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await execute(this);
	}
}
