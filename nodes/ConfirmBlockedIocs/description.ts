import type { INodeProperties } from 'n8n-workflow';

import { HISTORY_SIZE } from '../shared/blockedHistory';

/** The node whose items the defaults read (its default name). */
export const FILTER_NODE = 'Filter Blockable IoCs';

/** Said with every error about reading the IoC: the defaults name the Filter node. */
export const FILTER_RENAMED_HINT = `The defaults read the IoC from the "${FILTER_NODE}" node's item that led to this one. If you renamed that node, put its new name in both expressions, e.g. {{ $('My Filter').item.json.value }}.`;

export const properties: INodeProperties[] = [
	{
		displayName:
			'Place after the step that blocks (firewall API). An IoC counts as blocked only once this node has run for it; if the execution dies before, the next run or a replay sends it again. Set "Remember an IoC" in Filter Blockable IoCs to "When Confirm Blocked IoCs Records It". Test runs in the editor record nothing, so trying the workflow does not use up its IoCs.',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'IoC Type',
		name: 'iocType',
		type: 'string',
		default: `={{ $('${FILTER_NODE}').item.json.type }}`,
		required: true,
		description:
			"The blocked IoC's type: ip, domain or uri (tag types such as network.dynamic.ip work too). The default reads it from the Filter Blockable IoCs item that led to this one; if you renamed that node, put the new name in the expression.",
	},
	{
		displayName: 'IoC Value',
		name: 'iocValue',
		type: 'string',
		default: `={{ $('${FILTER_NODE}').item.json.value }}`,
		required: true,
		description:
			'The IoC the firewall step blocked for this item, or a list of IoCs of one type (for a firewall call that takes many at once). The default reads it from the Filter Blockable IoCs item that led to this one; if you renamed that node, put the new name in the expression.',
	},
	HISTORY_SIZE,
];
