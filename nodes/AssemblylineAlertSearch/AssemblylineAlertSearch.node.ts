import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { mapItems } from '../shared/items';
import { assemblylineActionNode } from '../shared/descriptions';
import { properties } from './description';
import { searchForItem } from './execute';

export class AssemblylineAlertSearch implements INodeType {
	description: INodeTypeDescription = {
		icon: {
			light: 'file:../../icons/assemblyline.svg',
			dark: 'file:../../icons/assemblyline.dark.svg',
		},
		subtitle: '={{"search " + $parameter["index"]}}',
		usableAsTool: true,
		...assemblylineActionNode({
			displayName: 'AL Alert Search',
			name: 'assemblylineAlertSearch',
			group: 'input',
			anchor: 'al-alert-search',
			description:
				'Search Assemblyline alerts (or another index) with Lucene, every matching document',
			properties,
		}),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await mapItems(this, (itemIndex) => searchForItem(this, itemIndex))];
	}
}
