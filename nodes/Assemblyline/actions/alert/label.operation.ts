import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { alRequest } from '../request';
import { ALERT_ID, notFoundHint, readAlertId, readLabels } from './common';

const properties: INodeProperties[] = [
	ALERT_ID,
	{
		displayName: 'Labels',
		name: 'labels',
		type: 'string',
		default: 'BLOCKED',
		required: true,
		placeholder: 'BLOCKED, N8N',
		description:
			'Labels to add, comma-separated. Assemblyline stores them in upper case. A label the alert already has is left alone (no change, no new event).',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['alert'], operation: ['label'] } }, properties);

/** POST /api/v4/alert/label/<id>/ with a JSON list (assemblyline-ui api/v4/alert.py add_labels). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const alertId = readAlertId(this, itemIndex);
	const labels = readLabels(this, itemIndex);
	await alRequest(this, {
		method: 'POST',
		path: `/api/v4/alert/label/${alertId}/`,
		body: JSON.stringify(labels),
		itemIndex,
		notFoundHint: notFoundHint(alertId, itemIndex),
	});
	return [{ alert_id: alertId, action: 'label', labels, success: true }];
}
