import type { INodeProperties } from 'n8n-workflow';

import {
	ALERT_DELAY,
	ALERT_QUERY,
	FILTERS,
	TIMEOUT,
	WAIT_FOR,
	optionsCollection,
} from '../shared/descriptions';
import { ALERT_OUTPUT } from '../shared/backfill';
import { DEFAULT_ALERT_FIELDS, MAX_PAGE_SIZE } from '../shared/search';

const ALERT = { show: { index: ['alert'] } };
const NOT_ALERT = { hide: { index: ['alert'] } };
// Inside a collection, display options name the node's parameters with a leading slash.
const ALERT_OPTION = { show: { '/index': ['alert'] } };

/** The parameters of AL Alert Search. */
export const properties: INodeProperties[] = [
	{
		displayName: 'Index',
		name: 'index',
		type: 'options',
		noDataExpression: true,
		default: 'alert',
		options: [
			{
				name: 'Alert',
				value: 'alert',
				description: 'Alerts raised by Assemblyline (needs the alert_view role)',
			},
			{ name: 'Badlist', value: 'badlist' },
			{ name: 'File', value: 'file' },
			{ name: 'Heuristic', value: 'heuristic' },
			{ name: 'Result', value: 'result', description: 'Service results' },
			{ name: 'Safelist', value: 'safelist' },
			{ name: 'Signature', value: 'signature' },
			{ name: 'Submission', value: 'submission' },
			{ name: 'Workflow', value: 'workflow' },
		],
	},
	{ ...ALERT_QUERY, displayOptions: ALERT },
	{
		displayName: 'Query',
		name: 'indexQuery',
		type: 'string',
		default: '*',
		required: true,
		placeholder: 'max_score:>=1000',
		description: 'Lucene query, as in the Assemblyline UI; * finds every document',
		displayOptions: NOT_ALERT,
	},
	{
		displayName: 'Fields',
		name: 'alertFields',
		type: 'string',
		default: DEFAULT_ALERT_FIELDS,
		placeholder: 'alert_id,sid,al.detailed',
		description:
			'Comma-separated fields to return (wildcards allowed, e.g. al.detailed.*; * for the whole alert). The default is what Filter Blockable IoCs needs. alert_id is always added. Empty gives the stored fields, which do not include al.detailed.',
		displayOptions: ALERT,
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'string',
		default: '',
		placeholder: 'sid,max_score,times.submitted',
		description:
			"Comma-separated fields to return (wildcards allowed; * for the whole document). The index's ID field is always added. Empty gives the index's stored fields.",
		displayOptions: NOT_ALERT,
	},
	{
		displayName: 'Only Alerts Not Returned Before',
		name: 'onlyNew',
		type: 'boolean',
		default: false,
		description:
			"Whether to return only alerts this node has not returned before for this query, oldest first: for scheduled workflows. The node remembers where it stopped in the workflow's static data (saved by active workflows, not by manual test runs). An alert that Assemblyline updates later (extended scan, resubmission) gets a new reporting time and is returned again.",
		displayOptions: ALERT,
	},
	{
		...WAIT_FOR,
		displayOptions: { show: { index: ['alert'], onlyNew: [true] } },
	},
	{ ...ALERT_OUTPUT, displayOptions: ALERT },
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		default: 50,
		typeOptions: { minValue: 1 },
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
	optionsCollection([
		{ ...ALERT_DELAY, displayOptions: ALERT_OPTION },
		FILTERS,
		{
			displayName: 'Page Size',
			name: 'pageSize',
			type: 'number',
			default: MAX_PAGE_SIZE,
			typeOptions: { minValue: 1, maxValue: MAX_PAGE_SIZE },
			description: 'Documents per request when paging (at most 500)',
		},
		{
			displayName: 'Reported Since',
			name: 'reportedSince',
			type: 'string',
			default: '',
			placeholder: 'last 24 hours',
			description:
				'Only alerts reported (or last updated) at or after this time: an ISO date such as 2025-03-14T15:00:00Z, or relative such as "last 24 hours", "7 days", "30m" or now-24h',
			displayOptions: ALERT_OPTION,
		},
		{
			displayName: 'Reported Until',
			name: 'reportedUntil',
			type: 'string',
			default: '',
			placeholder: '2025-03-15T00:00:00Z',
			description: 'Only alerts reported at or before this time (same formats as Reported Since)',
			displayOptions: ALERT_OPTION,
		},
		{
			displayName: 'Sort',
			name: 'sort',
			type: 'string',
			default: 'reporting_ts desc',
			placeholder: 'reporting_ts desc',
			description:
				'Field and direction, e.g. "reporting_ts desc" or "al.score desc, reporting_ts asc". Without this option the index\'s default sort applies (alerts: newest first). Ignored with "Only Alerts Not Returned Before", which goes oldest first.',
		},
		TIMEOUT,
	]),
];
