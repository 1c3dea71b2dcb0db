import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as submit from './submit.operation';

export const operations = { submit: submit.execute, get: get.execute };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['submission'] } },
		default: 'submit',
		options: [
			{
				name: 'Submit',
				value: 'submit',
				action: 'Submit a file url or hash for analysis',
				description: 'Send a file, a URL or a known SHA256 to Assemblyline and get its sid',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get a submission',
				description: 'Whether a submission has finished, its document, or its report',
			},
		],
	},
	...submit.description,
	...get.description,
];
