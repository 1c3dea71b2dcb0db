import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { alRequest } from '../request';
import { ALERT_ID, notFoundHint, readAlertId } from './common';

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

export const description = updateDisplayOptions({ show: { resource: ['alert'], operation: ['setPriority'] } }, properties);

/** POST /api/v4/alert/priority/<id>/ with a JSON string (assemblyline-ui api/v4/alert.py change_priority). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const alertId = readAlertId(this, itemIndex);
	const priority = String(this.getNodeParameter('priority', itemIndex)).toUpperCase();
	await alRequest(this, {
		method: 'POST',
		path: `/api/v4/alert/priority/${alertId}/`,
		body: JSON.stringify(priority),
		itemIndex,
		notFoundHint: notFoundHint(alertId, itemIndex),
	});
	return [{ alert_id: alertId, action: 'set_priority', priority, success: true }];
}
