import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as expiredRows from './blocklist/expiredRows.operation';
import * as prepareRows from './blocklist/prepareRows.operation';
import * as renderFeed from './blocklist/renderFeed.operation';
import * as unblock from './blocklist/unblock.operation';

const OPERATIONS: Record<
	string,
	{ execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> }
> = {
	prepareRows,
	renderFeed,
	expiredRows,
	unblock,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const op = OPERATIONS[operation];
	if (!op)
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" is not known. Choose one in the node's Operation list.`,
		);
	return op.execute.call(this);
}
