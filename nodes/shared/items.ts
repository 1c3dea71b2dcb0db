/**
 * The per-item loop every action node shares: each input item is worked on independently, its
 * outputs carry `pairedItem`, its failure names the item, and "On Error: Continue" turns the
 * failure into an output item instead of stopping the workflow.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

export type ItemWork = (itemIndex: number, item: INodeExecutionData) => Promise<IDataObject[]>;

/**
 * Runs `work` for every input item, at most `concurrency` at a time (Assemblyline allows 10
 * concurrent calls per user, so callers stay well below), and returns outputs in input order.
 */
export async function mapItems(
	context: IExecuteFunctions,
	work: ItemWork,
	concurrency = 1,
): Promise<INodeExecutionData[]> {
	const items = context.getInputData();
	const results: INodeExecutionData[][] = new Array(items.length);
	let next = 0;

	const worker = async () => {
		while (next < items.length) {
			const itemIndex = next++;
			results[itemIndex] = await runOne(context, work, itemIndex, items[itemIndex]);
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
	return results.flat();
}

async function runOne(
	context: IExecuteFunctions,
	work: ItemWork,
	itemIndex: number,
	item: INodeExecutionData,
): Promise<INodeExecutionData[]> {
	try {
		const outputs = await work(itemIndex, item);
		return outputs.map((json) => ({ json, pairedItem: { item: itemIndex } }));
	} catch (error) {
		const failure = asNodeError(context, error, itemIndex);
		if (!context.continueOnFail()) throw failure;
		return [errorItem(failure, itemIndex)];
	}
}

/**
 * The one output item for a failure under "On Error: Continue": `error` (what failed) and, when
 * there is one, `error_description` (what to do), paired with the input item. `leading` fields go
 * first (Filter Blockable IoCs puts `reason: "error"` and `reason_text` there, so the item reads
 * like every other Skipped item).
 */
export function errorItem(
	failure: Pick<Error, 'message'> & { description?: string | null },
	itemIndex: number,
	leading: IDataObject = {},
): INodeExecutionData {
	const json: IDataObject = { ...leading, error: failure.message };
	if (failure.description) json.error_description = failure.description;
	return { json, pairedItem: { item: itemIndex } };
}

/**
 * Keeps n8n errors as they are (tagged with the item, when the failure belongs to one);
 * anything else becomes a NodeOperationError.
 */
export function asNodeError(
	context: IExecuteFunctions,
	error: unknown,
	itemIndex?: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (itemIndex !== undefined) error.context = { ...(error.context ?? {}), itemIndex };
		return error;
	}
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}
