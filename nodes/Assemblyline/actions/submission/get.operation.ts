import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { alRequest, serverUrl } from '../request';
import {
	readSid,
	SUBMISSION_ID,
	sidNotFoundHint,
	submissionLink,
	submissionOutput,
} from './common';

const properties: INodeProperties[] = [
	SUBMISSION_ID,
	{
		displayName: 'Return',
		name: 'what',
		type: 'options',
		noDataExpression: true,
		default: 'document',
		options: [
			{
				name: 'Is Completed',
				value: 'isCompleted',
				description: 'Only whether the analysis has finished',
			},
			{
				name: 'Submission',
				value: 'document',
				description: 'State, score, files and times of the submission',
			},
			{
				name: 'Report',
				value: 'report',
				description:
					"Assemblyline's report: file tree, tags, heuristics, ATT&CK matrix (only once the analysis has finished)",
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['submission'], operation: ['get'] } },
	properties,
);

/** GET /api/v4/submission/{is_completed/,,report/}<sid>/ (assemblyline-ui api/v4/submission.py). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const sid = readSid(this, itemIndex);
	const what = this.getNodeParameter('what', itemIndex) as 'isCompleted' | 'document' | 'report';
	const notFoundHint = sidNotFoundHint(sid, itemIndex);
	const { url: server } = await serverUrl(this);
	if (what === 'isCompleted') {
		const done = await alRequest(this, {
			method: 'GET',
			path: `/api/v4/submission/is_completed/${sid}/`,
			itemIndex,
			notFoundHint,
		});
		return [{ sid, is_completed: done === true, ui_url: submissionLink(server, sid) }];
	}
	if (what === 'report') {
		// 425 "It is too early to generate the report" while the analysis runs: a clear per-item error.
		const report = await alRequest<IDataObject>(this, {
			method: 'GET',
			path: `/api/v4/submission/report/${sid}/`,
			itemIndex,
			notFoundHint,
		});
		return [{ ...report, sid, ui_url: submissionLink(server, sid) }];
	}
	const doc = await alRequest<IDataObject>(this, {
		method: 'GET',
		path: `/api/v4/submission/${sid}/`,
		itemIndex,
		notFoundHint,
	});
	return [{ ...submissionOutput(doc, server), document: doc }];
}
