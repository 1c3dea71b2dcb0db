import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { mapItems } from '../shared/items';
import { properties } from './description';
import { searchForItem } from './execute';

export class AssemblylineAlertSearch implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'AL Alert Search',
		name: 'assemblylineAlertSearch',
		icon: {
			light: 'file:../../icons/assemblyline.svg',
			dark: 'file:../../icons/assemblyline.dark.svg',
		},
		group: ['input'],
		version: 1,
		subtitle: '={{"search " + $parameter["index"]}}',
		documentationUrl:
			'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#al-alert-search',
		description:
			'Search Assemblyline alerts (or another index) with Lucene, every matching document',
		defaults: { name: 'AL Alert Search' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'assemblylineApi', required: true }],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await mapItems(this, (itemIndex) => searchForItem(this, itemIndex))];
	}
}
