import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { asRow, looksLikeRow, type BlocklistRow } from '../shared/blocklist';

/** The blocklist rows among the input items (Data Table → Get output). The one empty item a Data
 * Table node with "Always Output Data" emits for an empty table is no row and nothing else. */
export function splitInput(items: readonly INodeExecutionData[]): {
	rows: BlocklistRow[];
	rowIndexes: number[];
	others: { json: IDataObject; index: number }[];
} {
	const rows: BlocklistRow[] = [];
	const rowIndexes: number[] = [];
	const others: { json: IDataObject; index: number }[] = [];
	items.forEach((item, index) => {
		const json = item.json ?? {};
		if (looksLikeRow(json)) {
			rows.push(asRow(json));
			rowIndexes.push(index);
		} else if (Object.keys(json).length > 0) others.push({ json, index });
	});
	return { rows, rowIndexes, others };
}

export const asJson = (row: BlocklistRow): IDataObject => ({ ...row });
