import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { ALERT_ID, changeAlert } from './common';

// assemblyline-base odm/models/workflow.py PRIORITIES
const properties: INodeProperties[] = [
	ALERT_ID,
	{
		displayName: 'Priority',
		name: 'priority',
		type: 'options',
		default: 'HIGH',
		options: [
			{ name: 'Low', value: 'LOW' },
			{ name: 'Medium', value: 'MEDIUM' },
			{ name: 'High', value: 'HIGH' },
			{ name: 'Critical', value: 'CRITICAL' },
		],
		description: 'The priority to set. Setting the priority the alert already has changes nothing.',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['alert'], operation: ['setPriority'] } },
	properties,
);

/** POST /api/v4/alert/priority/<id>/ with a JSON string (assemblyline-ui api/v4/alert.py change_priority). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const priority = String(this.getNodeParameter('priority', itemIndex)).toUpperCase();
	return await changeAlert(
		this,
		itemIndex,
		{ method: 'POST', route: 'priority', body: priority },
		{ action: 'set_priority', priority },
	);
}
