import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { mapItems } from '../shared/items';
import { assemblylineActionNode } from '../shared/descriptions';
import { properties } from './description';
import { collectForItem } from './execute';

/** Submissions fetched at once: well below Assemblyline's 10 concurrent calls per user. */
const CONCURRENCY = 4;

export class AssemblylineSubmissionIocs implements INodeType {
	description: INodeTypeDescription = {
		icon: {
			light: 'file:../../icons/assemblyline.svg',
			dark: 'file:../../icons/assemblyline.dark.svg',
		},
		subtitle: '={{"from " + $parameter["source"]}}',
		usableAsTool: true,
		...assemblylineActionNode({
			displayName: 'AL Submission IoCs',
			name: 'assemblylineSubmissionIocs',
			group: 'input',
			anchor: 'al-submission-iocs',
			description:
				'Collect the network IoCs (IPs, domains, URIs) Assemblyline extracted from a submission',
			properties,
		}),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await mapItems(this, (itemIndex) => collectForItem(this, itemIndex), CONCURRENCY)];
	}
}
