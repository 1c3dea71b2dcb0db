/** What every Alert operation shares: the alert ID parameter and its check. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readId } from '../ids';
import { alRequest } from '../request';

export const ALERT_ID: INodeProperties = {
	displayName: 'Alert ID',
	name: 'alertId',
	type: 'string',
	default: '={{ $json.alert_id }}',
	required: true,
	placeholder: 'SDu3clC22x3tKZ6MOaE1B',
	description:
		'The alert to change. By default the "alert_id" field of each input item, which AL Alert Search and AL Alert Trigger output.',
};

export function readAlertId(context: IExecuteFunctions, itemIndex: number): string {
	return readId(context, itemIndex, {
		name: 'alertId',
		what: 'alert ID',
		from: 'Set "Alert ID", or feed items that have an "alert_id" field (from AL Alert Search or AL Alert Trigger).',
		example: 'SDu3clC22x3tKZ6MOaE1B',
	});
}

export function notFoundHint(id: string, itemIndex: number): string {
	return `No alert "${id}" on this Assemblyline, or the API key may not see it. Check the Alert ID of input item ${itemIndex}.`;
}

/** Labels from a comma-separated list, upper-cased as Assemblyline stores them (assemblyline-ui api/v4/alert.py). */
export function readLabels(context: IExecuteFunctions, itemIndex: number): string[] {
	const raw = context.getNodeParameter('labels', itemIndex, '') as unknown;
	const list = Array.isArray(raw) ? raw.map(String) : String(raw ?? '').split(',');
	const labels = [...new Set(list.map((l) => l.trim().toUpperCase()).filter(Boolean))];
	if (labels.length === 0) {
		throw new NodeOperationError(context.getNode(), 'No label given', {
			itemIndex,
			description: 'Enter one or more labels, comma-separated, e.g. BLOCKED.',
		});
	}
	return labels;
}

/**
 * One single-alert call (assemblyline-ui api/v4/alert.py): Assemblyline answers success without
 * writing when the alert is already in that state, so every Alert operation can run twice.
 */
export async function changeAlert(
	context: IExecuteFunctions,
	itemIndex: number,
	call: { method: 'POST' | 'DELETE'; route: string; body: unknown },
	output: IDataObject,
): Promise<IDataObject[]> {
	const alertId = readAlertId(context, itemIndex);
	await alRequest(context, {
		method: call.method,
		path: `/api/v4/alert/${call.route}/${alertId}/`,
		body: JSON.stringify(call.body),
		itemIndex,
		notFoundHint: notFoundHint(alertId, itemIndex),
	});
	return [{ alert_id: alertId, ...output, success: true }];
}
