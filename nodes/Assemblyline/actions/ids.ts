/** Reading an Assemblyline id (sid, alert_id) from a parameter, before it goes into a URL path. */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isAssemblylineId } from '../../shared/assemblyline';

export interface IdParameter {
	/** The parameter's name. */
	name: string;
	/** What the id is, e.g. "submission ID". */
	what: string;
	/** Where items usually carry it, for the error. */
	from: string;
	example: string;
}

export function readId(context: IExecuteFunctions, itemIndex: number, id: IdParameter): string {
	const raw = context.getNodeParameter(id.name, itemIndex, '') as unknown;
	const value = typeof raw === 'string' ? raw.trim() : raw;
	if (value === '' || value === undefined || value === null) {
		throw new NodeOperationError(context.getNode(), `Input item ${itemIndex} has no ${id.what}`, {
			itemIndex,
			description: id.from,
		});
	}
	if (!isAssemblylineId(value)) {
		throw new NodeOperationError(
			context.getNode(),
			`"${String(value).slice(0, 80)}" is not an Assemblyline ${id.what}`,
			{
				itemIndex,
				description: `An Assemblyline ID is 1-64 letters and digits, e.g. ${id.example}.`,
			},
		);
	}
	return value;
}
