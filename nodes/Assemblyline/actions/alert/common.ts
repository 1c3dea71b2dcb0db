/** What every Alert operation shares: the alert ID parameter and its check. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { choiceParameter } from '../../../shared/descriptions';
import { readCommaList } from '../../../shared/schema';

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
	const list = readCommaList(context, context.getNodeParameter('labels', itemIndex, ''), {
		displayName: 'Labels',
		itemIndex,
	});
	const labels = [...new Set(list.map((label) => label.toUpperCase()))];
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

/** `NON-MALICIOUS` → `Non-Malicious`: how the panel shows Assemblyline's upper-case words. */
function titleCase(word: string): string {
	return word.toLowerCase().replace(/\b\w/g, (letter) => letter.toUpperCase());
}

/**
 * Set Status and Set Priority: one field of the alert set to one of Assemblyline's words, POSTed as
 * a JSON string to /api/v4/alert/<route>/<id>/ (assemblyline-ui api/v4/alert.py change_status,
 * change_priority).
 */
export function setFieldOperation(field: {
	operation: string;
	parameter: 'status' | 'priority';
	values: readonly string[];
	default: string;
}) {
	const { operation, parameter } = field;
	const label = titleCase(parameter);
	const properties: INodeProperties[] = [
		ALERT_ID,
		choiceParameter(
			{
				displayName: label,
				name: parameter,
				default: field.default,
				description: `The ${parameter} to set. Setting the ${parameter} the alert already has changes nothing.`,
			},
			field.values.map((value) => [titleCase(value), value] as const),
		),
	];
	return {
		description: updateDisplayOptions(
			{ show: { resource: ['alert'], operation: [operation] } },
			properties,
		),
		async execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
			const value = String(this.getNodeParameter(parameter, itemIndex)).toUpperCase();
			return await changeAlert(
				this,
				itemIndex,
				{ method: 'POST', route: parameter, body: value },
				{ action: `set_${parameter}`, [parameter]: value },
			);
		},
	};
}

/** Label and Remove Label: a JSON list of labels to /api/v4/alert/label/<id>/ (add_labels, remove_labels). */
export function labelOperation(
	operation: 'label' | 'removeLabel',
	labels: Pick<Partial<INodeProperties>, 'default' | 'placeholder' | 'description'>,
) {
	const properties: INodeProperties[] = [
		ALERT_ID,
		{
			displayName: 'Labels',
			name: 'labels',
			type: 'string',
			default: '',
			required: true,
			...labels,
		},
	];
	return {
		description: updateDisplayOptions(
			{ show: { resource: ['alert'], operation: [operation] } },
			properties,
		),
		async execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
			const values = readLabels(this, itemIndex);
			return await changeAlert(
				this,
				itemIndex,
				{ method: operation === 'label' ? 'POST' : 'DELETE', route: 'label', body: values },
				{ action: operation === 'label' ? 'label' : 'remove_label', labels: values },
			);
		},
	};
}
