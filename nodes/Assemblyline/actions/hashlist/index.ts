import type { INodeProperties } from 'n8n-workflow';

import * as add from './add.operation';
import * as check from './check.operation';
import { tagOperationDescription, type HashList } from './common';
import * as remove from './remove.operation';

export const operations = { add: add.execute, check: check.execute, remove: remove.execute };

const WHAT: Record<HashList, string> = {
	safelist: 'known-good: Assemblyline stops scoring it and Filter Blockable IoCs holds it back',
	badlist: "known-bad: Assemblyline's Badlist service flags it in later submissions",
};

function forList(list: HashList): INodeProperties[] {
	return [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [list] } },
			default: 'add',
			options: [
				{
					name: 'Add',
					value: 'add',
					action: `Add a tag to the ${list}`,
					description: `Mark a value as ${WHAT[list]}`,
				},
				{
					name: 'Check',
					value: 'check',
					action: `Check whether a value is on the ${list}`,
					description: `Whether the value is on the ${list}, with its entry`,
				},
				{
					name: 'Remove',
					value: 'remove',
					action: `Remove a tag from the ${list}`,
					description: `Take the value off the ${list}`,
				},
			],
		},
		...tagOperationDescription(list, 'add', add.properties),
		...tagOperationDescription(list, 'check'),
		...tagOperationDescription(list, 'remove'),
	];
}

export const description: INodeProperties[] = [...forList('safelist'), ...forList('badlist')];
