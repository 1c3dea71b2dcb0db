import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { unblockRow } from '../../../shared/blocklist';

const show = { show: { operation: ['unblock'] } };

export const description: INodeProperties[] = [
	{
		displayName:
			'Output: per input item, the blocklist <code>key</code> of the IoC to take off. With Never Block Again off, delete the rows with that key (Data Table: Delete Rows, key equals); on, upsert the row (Data Table: Upsert on key): it is then a never-block row, which no feed serves and Prepare Rows never turns back into a block.',
		name: 'unblockNotice',
		type: 'notice',
		default: '',
		displayOptions: show,
	},
	{
		displayName: 'IoC Type',
		name: 'unblockType',
		type: 'string',
		default: '={{ $json.type }}',
		description: 'The type: ip, domain or URL; empty to detect it from the value',
		displayOptions: show,
	},
	{
		displayName: 'IoC Value',
		name: 'unblockValue',
		type: 'string',
		default: '={{ $json.value }}',
		description:
			'The IP, domain or URL to unblock, as it is on the blocklist or as Assemblyline showed it (defanged values are read too)',
		displayOptions: show,
	},
	{
		displayName: 'Never Block Again',
		name: 'neverBlock',
		type: 'boolean',
		default: false,
		description:
			'Whether to keep the IoC from being blocked again (a false positive), instead of only taking it off until it is seen again',
		displayOptions: show,
	},
	{
		displayName: 'Unblocked By',
		name: 'by',
		type: 'string',
		default: '',
		placeholder: 'jane.doe@example.com',
		description: 'Who takes the IoC off, recorded on the row',
		displayOptions: show,
	},
	{
		displayName: 'Why',
		name: 'why',
		type: 'string',
		default: '',
		placeholder: 'False positive: our CDN',
		description: 'Why it is taken off, recorded on the row',
		displayOptions: show,
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	const failed: INodeExecutionData[] = [];
	const now = new Date();
	for (let i = 0; i < items.length; i++) {
		const result = unblockRow(
			this.getNodeParameter('unblockType', i, ''),
			this.getNodeParameter('unblockValue', i, ''),
			{
				neverBlock: this.getNodeParameter('neverBlock', i, false) as boolean,
				by: String(this.getNodeParameter('by', i, '') ?? '').trim(),
				why: String(this.getNodeParameter('why', i, '') ?? '').trim(),
				now,
			},
		);
		if ('row' in result) {
			out.push({ json: { ...result.row } as IDataObject, pairedItem: { item: i } });
			continue;
		}
		const error = new NodeOperationError(this.getNode(), `Cannot unblock: ${result.error}`, {
			itemIndex: i,
			description:
				'Give the IP, domain or URL as it stands on the blocklist (the value column of the Data Table).',
		});
		if (!this.continueOnFail()) throw error;
		failed.push({ json: { error: error.message }, pairedItem: { item: i } });
	}
	return [out, failed];
}
