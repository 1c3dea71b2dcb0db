import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { properties } from './description';
import { asNodeError } from '../shared/items';
import { filterItems } from './execute';
import { skippedErrorItem } from './input';

export class FilterBlockableIocs implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Filter Blockable IoCs',
		name: 'filterBlockableIocs',
		icon: { light: 'file:../../icons/filter.svg', dark: 'file:../../icons/filter.dark.svg' },
		group: ['transform'],
		version: 1,
		// What goes to Block by verdict (the allowlist and network rules still hold IoCs back).
		subtitle:
			'={{"block ≥ " + $parameter["minVerdict"] + ($parameter["noVerdict"] === "block" || ($parameter["noVerdict"] !== "skip" && $parameter["inputShape"] === "field") ? " or no verdict" : "")}}',
		documentationUrl:
			'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#filter-blockable-iocs',
		description:
			'Keep the IPs, domains and URLs that are safe to put on a firewall blocklist, with a reason for every one held back',
		defaults: { name: 'Filter Blockable IoCs' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Block', 'Skipped'],
		credentials: [
			{
				name: 'assemblylineApi',
				required: true,
				displayOptions: { show: { checkSafelist: [true] } },
			},
		],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		try {
			return await filterItems(this, items);
		} catch (error) {
			const failure = asNodeError(this, error);
			if (!this.continueOnFail()) throw failure;
			// n8n would pass the input through on the first output, which is Block: a raw input item
			// must never reach a firewall, so every item goes to Skipped with the error instead.
			return [[], items.map((_, itemIndex) => skippedErrorItem(failure, itemIndex))];
		}
	}
}
