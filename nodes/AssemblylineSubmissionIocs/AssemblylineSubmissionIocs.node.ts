import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { mapItems } from '../shared/items';
import { properties } from './description';
import { collectForItem } from './execute';

/** Submissions fetched at once: well below Assemblyline's 10 concurrent calls per user. */
const CONCURRENCY = 4;

export class AssemblylineSubmissionIocs implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'AL Submission IoCs',
		name: 'assemblylineSubmissionIocs',
		icon: {
			light: 'file:../../icons/assemblyline.svg',
			dark: 'file:../../icons/assemblyline.dark.svg',
		},
		group: ['input'],
		version: 1,
		subtitle: '={{"from " + $parameter["source"]}}',
		documentationUrl:
			'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#al-submission-iocs',
		description:
			'Collect the network IoCs (IPs, domains, URIs) Assemblyline extracted from a submission',
		defaults: { name: 'AL Submission IoCs' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'assemblylineApi', required: true }],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await mapItems(this, (itemIndex) => collectForItem(this, itemIndex), CONCURRENCY)];
	}
}
