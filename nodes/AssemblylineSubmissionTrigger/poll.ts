import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { timeoutMsOf } from '../shared/descriptions';
import {
	cleanFilters,
	pollRead,
	projection,
	queryOf,
	readCursor,
	readSinceCursor,
	searchAll,
	SUBMISSION_CURSOR,
} from '../shared/search';
import { DEFAULT_SUBMISSION_FIELDS } from './description';

/**
 * Completed only: times.completed is set when the analysis finishes, and a submission that failed
 * keeps state "failed" (assemblyline-base odm/models/submission.py).
 */
const COMPLETED = 'state:completed';

export async function pollSubmissionTrigger(
	context: IPollFunctions,
): Promise<INodeExecutionData[][] | null> {
	const started = Date.now();
	const query = queryOf(context, context.getNodeParameter('query', ''), 'every submission');
	const options = context.getNodeParameter('options', {}) as IDataObject;
	const filters = [...cleanFilters(options.filters), COMPLETED];
	// times.completed is not a stored field: the stored fields (an empty list) would not carry it.
	const named =
		typeof options.fields === 'string' && options.fields.trim() !== ''
			? options.fields
			: DEFAULT_SUBMISSION_FIELDS;
	const fl = projection('submission', named, [SUBMISSION_CURSOR.timeField]);
	const timeoutMs = timeoutMsOf(options.timeoutSeconds);
	const staticData = context.getWorkflowStaticData('node');

	if (context.getMode() === 'manual') {
		// "Fetch Test Event": the latest completed match; static data stays as it is.
		const [latest] = await searchAll(
			context,
			{
				index: 'submission',
				query,
				filters,
				fl,
				sort: `${SUBMISSION_CURSOR.timeField} desc`,
				timeoutMs,
			},
			{ limit: 1 },
		);
		if (!latest) {
			throw new NodeOperationError(
				context.getNode(),
				'No completed submission matches the query and filters',
				{
					description:
						'Widen the query (e.g. *) to fetch a test event; the active trigger will still wait for matches.',
				},
			);
		}
		return [[{ json: latest }]];
	}

	const { entries, next } = await readSinceCursor(context, {
		source: SUBMISSION_CURSOR,
		search: { query, filters, fl, timeoutMs },
		state: readCursor(staticData.submissionCursor),
		...pollRead(context, options, started),
	});
	// Written only after the whole poll succeeded; a failed poll repeats the same window.
	staticData.submissionCursor = next as unknown as IDataObject;
	if (entries.length === 0) return null;
	return [entries.map((entry) => ({ json: entry.value }))];
}
