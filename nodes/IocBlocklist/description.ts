import type { INodeProperties } from 'n8n-workflow';

import * as expiredRows from './actions/blocklist/expiredRows.operation';
import * as prepareRows from './actions/blocklist/prepareRows.operation';
import * as renderFeed from './actions/blocklist/renderFeed.operation';
import * as unblock from './actions/blocklist/unblock.operation';

export const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	default: 'prepareRows',
	options: [
		{
			name: 'Expired Rows',
			value: 'expiredRows',
			description:
				'From the blocklist rows, the ones whose time to live is over, for a Data Table node to delete',
			action: 'Find expired blocklist rows',
		},
		{
			name: 'Prepare Rows',
			value: 'prepareRows',
			description:
				'Turn the IoCs on Block into blocklist rows (new, or existing ones with a later expiry), for a Data Table Upsert',
			action: 'Prepare blocklist rows',
		},
		{
			name: 'Render Feed',
			value: 'renderFeed',
			description:
				'Turn the blocklist rows into the feed one firewall pulls: one IoC type, in its format, with an ETag',
			action: 'Render a firewall feed',
		},
		{
			name: 'Unblock',
			value: 'unblock',
			description: 'Take an IoC off the blocklist, and optionally keep it from being blocked again',
			action: 'Unblock an ioc',
		},
	],
};

export const properties: INodeProperties[] = [
	operation,
	...prepareRows.description,
	...renderFeed.description,
	...expiredRows.description,
	...unblock.description,
];
