import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { properties } from './description';
import { router } from './actions/router';

/**
 * The IoC-specific steps of a blocklist kept in an n8n Data Table: the workflows read and write the
 * table with n8n's built-in Data Table node (community nodes cannot reach n8n's data-table proxy)
 * and serve the feeds with its Webhook and Respond to Webhook nodes.
 */
export class IocBlocklist implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'IoC Blocklist',
		name: 'iocBlocklist',
		icon: { light: 'file:../../icons/blocklist.svg', dark: 'file:../../icons/blocklist.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ {prepareRows: "Prepare Rows", renderFeed: "Render Feed: " + $parameter["feedType"] + " " + $parameter["format"], expiredRows: "Expired Rows", unblock: "Unblock"}[$parameter["operation"]] }}',
		documentationUrl:
			'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#ioc-blocklist',
		description:
			'Keep a blocklist with expiry in an n8n Data Table and serve it to firewalls as feeds',
		defaults: { name: 'IoC Blocklist' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Result', 'Not Used'],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
