import type {
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';

import { assemblylineTriggerNode } from '../shared/descriptions';
import { properties } from './description';
import { pollSubmissionTrigger } from './poll';

export class AssemblylineSubmissionTrigger implements INodeType {
	description: INodeTypeDescription = {
		icon: {
			light: 'file:../../icons/assemblyline.svg',
			dark: 'file:../../icons/assemblyline.dark.svg',
		},
		subtitle: '={{$parameter["query"]}}',
		...assemblylineTriggerNode({
			displayName: 'AL Submission Trigger',
			name: 'assemblylineSubmissionTrigger',
			anchor: 'al-submission-trigger',
			description:
				'Starts the workflow once for each Assemblyline submission that completes and matches a Lucene query',
			hints: [
				{
					message:
						'Each submission comes out once, oldest completion first, when its analysis has completed. Its "sid" goes straight into AL Submission IoCs.',
				},
			],
			properties,
		}),
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollSubmissionTrigger(this);
	}
}
