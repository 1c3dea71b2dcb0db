import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { ALERT_ID, changeAlert, readLabels } from './common';

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

export const description = updateDisplayOptions(
	{ show: { resource: ['alert'], operation: ['label'] } },
	properties,
);

/** POST /api/v4/alert/label/<id>/ with a JSON list (assemblyline-ui api/v4/alert.py add_labels). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const labels = readLabels(this, itemIndex);
	return await changeAlert(
		this,
		itemIndex,
		{ method: 'POST', route: 'label', body: labels },
		{ action: 'label', labels },
	);
}
