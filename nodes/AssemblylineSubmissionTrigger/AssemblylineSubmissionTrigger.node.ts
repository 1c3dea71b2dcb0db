import type {
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { properties } from './description';
import { pollSubmissionTrigger } from './poll';

export class AssemblylineSubmissionTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'AL Submission Trigger',
		name: 'assemblylineSubmissionTrigger',
		icon: {
			light: 'file:../../icons/assemblyline.svg',
			dark: 'file:../../icons/assemblyline.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["query"]}}',
		documentationUrl:
			'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#al-submission-trigger',
		description:
			'Starts the workflow once for each Assemblyline submission that completes and matches a Lucene query',
		defaults: { name: 'AL Submission Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'assemblylineApi', required: true }],
		hints: [
			{
				message:
					'Each submission comes out once, oldest completion first, when its analysis has completed. Its "sid" goes straight into AL Submission IoCs.',
				type: 'info',
				location: 'outputPane',
				whenToDisplay: 'always',
			},
		],
		properties,
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollSubmissionTrigger(this);
	}
}
