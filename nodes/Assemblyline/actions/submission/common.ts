/** What the Submission operations share: the submission ID, the UI link, and the output shape. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { submissionIdParameter } from '../../../shared/descriptions';
import { readId } from '../ids';

export const SUBMISSION_ID: INodeProperties = submissionIdParameter(
	'The sid of the submission. By default the "sid" field of each input item.',
);

export function readSid(context: IExecuteFunctions, itemIndex: number): string {
	return readId(context, itemIndex, {
		name: 'sid',
		what: 'submission ID',
		from: 'Set "Submission ID", or feed items that have a "sid" field.',
		example: 'ushStdLVanDgTCEgfcfS3',
	});
}

export function sidNotFoundHint(sid: string, itemIndex: number): string {
	return `No submission "${sid}" on this Assemblyline, or the API key may not see it. Check the Submission ID of input item ${itemIndex}.`;
}

/** The submission page in the Assemblyline web UI (the route its own submit page opens). */
export function submissionLink(server: string, sid: string): string {
	return `${server}/submission/detail/${sid}`;
}

/** The fields of a Submission document (assemblyline-base odm/models/submission.py) a workflow uses next. */
export function submissionOutput(doc: IDataObject, server: string): IDataObject {
	const sid = String(doc.sid);
	const times = (doc.times ?? {}) as IDataObject;
	const params = (doc.params ?? {}) as IDataObject;
	const files = Array.isArray(doc.files) ? (doc.files as IDataObject[]) : [];
	return {
		sid,
		ui_url: submissionLink(server, sid),
		state: doc.state ?? null,
		completed: doc.state === 'completed',
		max_score: doc.max_score ?? null,
		classification: doc.classification ?? null,
		description: params.description ?? null,
		file_name: files[0]?.name ?? null,
		sha256: files[0]?.sha256 ?? null,
		size: files[0]?.size ?? null,
		files: files.map((f) => ({
			name: f.name ?? null,
			sha256: f.sha256 ?? null,
			size: f.size ?? null,
		})),
		submitted_at: times.submitted ?? null,
		completed_at: times.completed ?? null,
	};
}
