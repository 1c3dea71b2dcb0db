import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { decideIocs } from '../shared/ioc';
import { asNodeError } from '../shared/items';
import { properties } from './description';
import { blocklistItems, dedupAndCap, extractAll, forget, iocItems, readSettings } from './run';

export class FilterBlockableIocs implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Filter Blockable IoCs',
		name: 'filterBlockableIocs',
		icon: { light: 'file:../../icons/filter.svg', dark: 'file:../../icons/filter.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{"at least " + $parameter["minVerdict"]}}',
		description:
			'Keep the IPs, domains and URLs that are safe to put on a firewall blocklist, with a reason for every one held back',
		defaults: { name: 'Filter Blockable IoCs' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Block', 'Skipped'],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const settings = readSettings(this);
		const { occurrences, errors } = extractAll(this, items);
		// All items are decided together: duplicates across items merge into one IoC.
		const decided = decideIocs(occurrences, settings.decide);
		const routed = await dedupAndCap(this, decided.block, settings);
		let block: INodeExecutionData[];
		try {
			block = settings.output === 'files' ? await blocklistItems(this, routed.block, settings.format) : iocItems(routed.block);
		} catch (error) {
			// Nothing was passed on, so nothing may stay remembered as blocked.
			await forget(this, routed.recorded);
			throw asNodeError(this, error, 0);
		}
		const skipped = [...iocItems(decided.skipped), ...iocItems(routed.skipped), ...errors];
		return [block, skipped];
	}
}
