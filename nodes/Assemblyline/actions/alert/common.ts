/** What every Alert operation shares: the alert ID parameter and its check. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isAssemblylineId } from '../../../shared/assemblyline';

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
	const raw = context.getNodeParameter('alertId', itemIndex, '') as unknown;
	const id = typeof raw === 'string' ? raw.trim() : raw;
	if (id === '' || id === undefined || id === null) {
		throw new NodeOperationError(context.getNode(), `Input item ${itemIndex} has no alert ID`, {
			itemIndex,
			description: 'Set "Alert ID", or feed items that have an "alert_id" field (from AL Alert Search or AL Alert Trigger).',
		});
	}
	if (!isAssemblylineId(id)) {
		throw new NodeOperationError(context.getNode(), `"${String(id).slice(0, 80)}" is not an Assemblyline alert ID`, {
			itemIndex,
			description: 'An alert ID is 1-64 letters and digits, e.g. SDu3clC22x3tKZ6MOaE1B.',
		});
	}
	return id;
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
