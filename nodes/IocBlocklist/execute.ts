import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { router } from './actions/router';

export async function execute(context: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return router.call(context);
}
