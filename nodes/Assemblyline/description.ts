/** The node's parameters: the resource, then each resource's operations and their fields. */
import type { INodeProperties } from 'n8n-workflow';

import * as alert from './actions/alert';
import * as hashlist from './actions/hashlist';
import * as submission from './actions/submission';

export const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		default: 'submission',
		options: [
			{
				name: 'Submission',
				value: 'submission',
				description: 'Submit files, URLs and hashes; read submissions',
			},
			{ name: 'Alert', value: 'alert', description: 'Label, triage and own alerts' },
			{ name: 'Safelist', value: 'safelist', description: 'Known-good tags' },
			{ name: 'Badlist', value: 'badlist', description: 'Known-bad tags' },
		],
	},
	...submission.description,
	...alert.description,
	...hashlist.description,
];
