/** Sends each input item to the operation chosen in the panel (the layout of n8n's TheHive 5 node). */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { mapItems } from '../../shared/items';
import * as alert from './alert';
import * as hashlist from './hashlist';
import type { ListOperation } from './hashlist/common';
import * as submission from './submission';

type Work = (this: IExecuteFunctions, itemIndex: number) => Promise<IDataObject[]>;

/**
 * Items in flight at once: submissions count against Assemblyline's concurrent submission quota
 * (5 by default), everything else against the 10 concurrent API calls per user.
 */
const CONCURRENCY = { submission: 2, other: 4 };

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	let work: Work | undefined;
	if (resource === 'submission') work = (submission.operations as Record<string, Work>)[operation];
	else if (resource === 'alert') work = (alert.operations as Record<string, Work>)[operation];
	else if (resource === 'safelist' || resource === 'badlist') {
		const run = (hashlist.operations as Record<string, ListOperation>)[operation];
		if (run)
			work = function (this: IExecuteFunctions, itemIndex: number) {
				return run.call(this, itemIndex, resource);
			};
	}
	if (!work) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of "${resource}" is not supported`,
		);
	}
	const selected = work;
	const concurrency =
		resource === 'submission' && operation === 'submit'
			? CONCURRENCY.submission
			: CONCURRENCY.other;
	return [await mapItems(this, (itemIndex) => selected.call(this, itemIndex), concurrency)];
}
