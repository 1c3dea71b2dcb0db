import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { ALERT_ID, changeAlert } from './common';

// assemblyline-base odm/models/workflow.py STATUSES
const properties: INodeProperties[] = [
	ALERT_ID,
	{
		displayName: 'Status',
		name: 'status',
		type: 'options',
		default: 'MALICIOUS',
		options: [
			{ name: 'Malicious', value: 'MALICIOUS' },
			{ name: 'Non-Malicious', value: 'NON-MALICIOUS' },
			{ name: 'Assess', value: 'ASSESS' },
			{ name: 'Triage', value: 'TRIAGE' },
		],
		description: 'The status to set. Setting the status the alert already has changes nothing.',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['alert'], operation: ['setStatus'] } },
	properties,
);

/** POST /api/v4/alert/status/<id>/ with a JSON string (assemblyline-ui api/v4/alert.py change_status). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const status = String(this.getNodeParameter('status', itemIndex)).toUpperCase();
	return await changeAlert(
		this,
		itemIndex,
		{ method: 'POST', route: 'status', body: status },
		{ action: 'set_status', status },
	);
}
