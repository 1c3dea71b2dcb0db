import type { INodeProperties } from 'n8n-workflow';

import * as label from './label.operation';
import * as removeLabel from './removeLabel.operation';
import * as setPriority from './setPriority.operation';
import * as setStatus from './setStatus.operation';
import * as takeOwnership from './takeOwnership.operation';

export const operations = {
	label: label.execute,
	removeLabel: removeLabel.execute,
	setStatus: setStatus.execute,
	setPriority: setPriority.execute,
	takeOwnership: takeOwnership.execute,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['alert'] } },
		default: 'label',
		options: [
			{
				name: 'Label',
				value: 'label',
				action: 'Add labels to an alert',
				description: 'Add labels (e.g. BLOCKED); labels it already has are left alone',
			},
			{
				name: 'Remove Label',
				value: 'removeLabel',
				action: 'Remove labels from an alert',
				description: 'Remove labels from an alert',
			},
			{
				name: 'Set Priority',
				value: 'setPriority',
				action: 'Set the priority of an alert',
				description: 'Set LOW, MEDIUM, HIGH or CRITICAL',
			},
			{
				name: 'Set Status',
				value: 'setStatus',
				action: 'Set the status of an alert',
				description: 'Set MALICIOUS, NON-MALICIOUS, ASSESS or TRIAGE',
			},
			{
				name: 'Take Ownership',
				value: 'takeOwnership',
				action: 'Take ownership of an alert',
				description: "Make the credential's user the owner of an unowned alert",
			},
		],
	},
	...label.description,
	...removeLabel.description,
	...setStatus.description,
	...setPriority.description,
	...takeOwnership.description,
];
