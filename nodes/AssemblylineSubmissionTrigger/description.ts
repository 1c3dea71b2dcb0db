import type { INodeProperties } from 'n8n-workflow';

import {
	backfillOption,
	FILTERS,
	lateWindowOption,
	TIMEOUT,
	optionsCollection,
} from '../shared/descriptions';
import { DEFAULT_LOOKBACK_MINUTES } from '../shared/search';

/** What the trigger emits by default: enough to act on a submission and to chain AL Submission IoCs (sid). */
export const DEFAULT_SUBMISSION_FIELDS =
	'sid,state,times.completed,times.submitted,max_score,files,params.description,params.submitter,params.type,metadata,classification';

/** The parameters of AL Submission Trigger. */
export const properties: INodeProperties[] = [
	{
		displayName: 'Query',
		name: 'query',
		type: 'string',
		default: '*',
		required: true,
		placeholder: 'max_score:>=500',
		description:
			"Lucene query over submissions, as in Assemblyline's submission search: e.g. max_score:>=500 (Assemblyline's own alerting threshold), params.submitter:svc_mail or metadata.source:phishing. * starts the workflow for every submission that completes.",
	},
	optionsCollection([
		backfillOption('the submissions that completed in'),
		{
			displayName: 'Fields',
			name: 'fields',
			type: 'string',
			default: DEFAULT_SUBMISSION_FIELDS,
			typeOptions: { rows: 2 },
			description:
				'Comma-separated submission fields to emit (wildcards allowed; * for the whole document). sid and times.completed are always added.',
		},
		{
			...FILTERS,
			placeholder: 'params.submitter:svc_mail',
			description:
				'Extra Lucene filters; a submission must match the query and every filter (e.g. NOT params.type:USER, metadata.source:phishing)',
		},
		lateWindowOption(
			'Late Submission Window (Minutes)',
			DEFAULT_LOOKBACK_MINUTES,
			'Assemblyline (Elasticsearch) makes a completed submission searchable about a second after stamping its completion time, so each poll looks back this far and skips what it already emitted. Raise it only if submissions show up in searches much later than their completion time.',
		),
		TIMEOUT,
	]),
];
