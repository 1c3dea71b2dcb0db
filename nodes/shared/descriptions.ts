/** Parameters that AL Alert Search and AL Alert Trigger both offer, defined once. */
import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_ALERT_QUERY } from './search';

export const ALERT_QUERY: INodeProperties = {
	displayName: 'Query',
	name: 'query',
	type: 'string',
	default: DEFAULT_ALERT_QUERY,
	required: true,
	placeholder: 'al.ip:* OR al.domain:* OR al.uri:*',
	description:
		'Lucene query, as in the Assemblyline UI. The default finds alerts with at least one network IoC; * finds every alert.',
};

export const FILTERS: INodeProperties = {
	displayName: 'Filters',
	name: 'filters',
	type: 'string',
	default: [],
	typeOptions: { multipleValues: true, multipleValueButtonText: 'Add Filter' },
	placeholder: 'priority:HIGH',
	description:
		'Extra Lucene filters; a result must match the query and every filter (e.g. owner:svc_soc, priority:HIGH)',
};
