import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { isExpired } from '../../../shared/blocklist';
import { splitInput } from '../../rows';

const show = { show: { operation: ['expiredRows'] } };

export const description: INodeProperties[] = [
	{
		displayName:
			'Input: every row of the blocklist Data Table. Output: the block rows whose expiry has passed (or whose expires_at is not a date), with their Data Table row ID, for a Data Table Delete matching on the row ID. The feeds stop serving a row the moment it expires; this only tidies the table. Never-block rows are kept.',
		name: 'expiredNotice',
		type: 'notice',
		default: '',
		displayOptions: show,
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const { rows, rowIndexes } = splitInput(items);
	const now = new Date();
	const out: INodeExecutionData[] = [];
	rows.forEach((row, i) => {
		if (!isExpired(row, now)) return;
		const index = rowIndexes[i];
		out.push({
			json: {
				id: items[index].json.id ?? null,
				key: row.key,
				type: row.type,
				value: row.value,
				expires_at: row.expires_at,
				reason: row.reason,
			},
			pairedItem: { item: index },
		});
	});
	return [out, []];
}
