import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { properties } from './description';
import { confirmItems } from './execute';

export class ConfirmBlockedIocs implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Confirm Blocked IoCs',
		name: 'confirmBlockedIocs',
		icon: { light: 'file:../../icons/confirm.svg', dark: 'file:../../icons/confirm.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: 'Record as blocked',
		documentationUrl:
			'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#confirm-blocked-iocs',
		description:
			'Record IoCs as blocked once the firewall step went through, for Filter Blockable IoCs in "When Confirm Blocked IoCs Records It" mode',
		defaults: { name: 'Confirm Blocked IoCs' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await confirmItems(this);
	}
}
