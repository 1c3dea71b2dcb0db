import type { INodeProperties } from 'n8n-workflow';

import {
	ALERT_DELAY,
	ALERT_STATUSES,
	choiceParameter,
	ALERT_QUERY,
	backfillOption,
	FILTERS,
	lateWindowOption,
	TIMEOUT,
	WAIT_FOR,
	optionsCollection,
} from '../shared/descriptions';
import { DEFAULT_ALERT_FIELDS, DEFAULT_LOOKBACK_MINUTES } from '../shared/search';

/** The parameters of AL Alert Trigger. */
export const properties: INodeProperties[] = [
	ALERT_QUERY,
	{
		displayName: 'Trigger On',
		name: 'mode',
		type: 'options',
		noDataExpression: true,
		default: 'alerts',
		options: [
			{
				name: 'New or Updated Alerts',
				value: 'alerts',
				description:
					'Each alert matching the query, once Assemblyline is done with it (see Wait For), and again when Assemblyline updates it',
			},
			{
				name: 'Triage Changes',
				value: 'triage',
				description:
					'Each new entry of an alert\'s triage history (status, label or priority set by an analyst or a workflow) on an alert matching the query, e.g. query status:MALICIOUS: "an analyst marked this alert malicious"',
			},
		],
	},
	{
		...WAIT_FOR,
		displayOptions: { show: { mode: ['alerts'] } },
	},
	optionsCollection([
		ALERT_DELAY,
		backfillOption('the alerts of'),
		{
			displayName: 'Fields',
			name: 'fields',
			type: 'string',
			default: DEFAULT_ALERT_FIELDS,
			// Two rows: the default list shows whole instead of cut off at the panel's width.
			typeOptions: { rows: 2 },
			description:
				'Comma-separated alert fields to emit (wildcards allowed; * for the whole alert). alert_id and reporting_ts are always added.',
		},
		FILTERS,
		lateWindowOption(
			'Late Alert Window (Minutes)',
			DEFAULT_LOOKBACK_MINUTES,
			'Assemblyline (Elasticsearch) makes an alert searchable about a second after stamping it, so each poll looks back this far and skips what it already emitted. Raise it only if alerts show up in searches much later than their reporting time.',
		),
		TIMEOUT,
		choiceParameter(
			{
				displayName: 'Triage Event Sets Status',
				name: 'eventStatus',
				default: '',
				description: 'With "Trigger On: Triage Changes", only events that set this status',
			},
			[['Any Change', ''], ...[...ALERT_STATUSES].sort()],
		),
		choiceParameter(
			{
				displayName: 'Triage Events By',
				name: 'eventBy',
				default: 'user',
				description: 'With "Trigger On: Triage Changes", whose changes count',
			},
			[
				['Analysts', 'user'],
				['Workflows', 'workflow'],
				['Analysts and Workflows', 'any'],
			],
		),
	]),
];
