import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { ALERT_ID, changeAlert, readLabels } from './common';

const properties: INodeProperties[] = [
	ALERT_ID,
	{
		displayName: 'Labels',
		name: 'labels',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'BLOCKED',
		description: 'Labels to remove, comma-separated. A label the alert does not have is ignored.',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['alert'], operation: ['removeLabel'] } },
	properties,
);

/** DELETE /api/v4/alert/label/<id>/ with a JSON list (assemblyline-ui api/v4/alert.py remove_labels). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const labels = readLabels(this, itemIndex);
	return await changeAlert(
		this,
		itemIndex,
		{ method: 'DELETE', route: 'label', body: labels },
		{ action: 'remove_label', labels },
	);
}
