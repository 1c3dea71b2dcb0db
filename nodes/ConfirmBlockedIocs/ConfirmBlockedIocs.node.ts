import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { confirmedKey, HISTORY_SIZE, isTestRun, normaliseIoc, recordConfirmed } from '../shared/blockedHistory';
import { asNodeError } from '../shared/items';

const FILTER_NODE = 'Filter Blockable IoCs';

const RENAMED = `The defaults read the IoC from the "${FILTER_NODE}" node's item that led to this one. If you renamed that node, put its new name in both expressions, e.g. {{ $('My Filter').item.json.value }}.`;

export class ConfirmBlockedIocs implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Confirm Blocked IoCs',
		name: 'confirmBlockedIocs',
		icon: { light: 'file:../../icons/confirm.svg', dark: 'file:../../icons/confirm.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: 'Record as blocked',
		documentationUrl: 'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#confirm-blocked-iocs',
		description:
			'Record IoCs as blocked once the firewall step went through, for Filter Blockable IoCs in "When Confirm Blocked IoCs Records It" mode',
		defaults: { name: 'Confirm Blocked IoCs' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
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
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const historySize = this.getNodeParameter('historySize', 0, 10000) as number;
		if (!Number.isInteger(historySize) || historySize < 1) {
			throw new NodeOperationError(this.getNode(), `"History Size" must be a whole number ≥ 1, not ${historySize}`);
		}
		const keys = new Set<string>();
		const output: INodeExecutionData[] = [];
		// Its own loop, not mapItems: the items pass through with their binary data.
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const item = items[itemIndex];
			const passed: INodeExecutionData = { json: item.json, pairedItem: { item: itemIndex } };
			if (item.binary) passed.binary = item.binary;
			try {
				// A failed firewall call that "On Error: Continue" let through must not count as blocked.
				if (!item.json.error) for (const key of itemKeys(this, itemIndex)) keys.add(key);
				output.push(passed);
			} catch (error) {
				const failure = asNodeError(this, error, itemIndex);
				if (!this.continueOnFail()) throw failure;
				output.push({ json: errorJson(failure), pairedItem: { item: itemIndex } });
			}
		}
		if (isTestRun(this)) {
			// Checked after the loop, so a test run still shows which items could not be read.
			if (keys.size > 0 && typeof this.addExecutionHints === 'function') {
				this.addExecutionHints({
					message: `Test run: ${keys.size} IoC${keys.size === 1 ? '' : 's'} not recorded as blocked (only executions of the active workflow record them).`,
					type: 'info',
					location: 'outputPane',
				});
			}
		} else if (keys.size > 0) {
			try {
				await recordConfirmed(this, [...keys], historySize);
			} catch (error) {
				const failure = asNodeError(this, error);
				if (!this.continueOnFail()) throw failure;
				return [items.map((_, itemIndex) => ({ json: errorJson(failure), pairedItem: { item: itemIndex } }))];
			}
		}
		return [output];
	}
}

function errorJson(failure: Error & { description?: string | null }): IDataObject {
	return { error: failure.message, ...(failure.description ? { error_description: failure.description } : {}) };
}

/** The history keys of one item's IoC (or list of IoCs of one type). */
function itemKeys(context: IExecuteFunctions, itemIndex: number): string[] {
	const type = read(context, 'iocType', 'IoC Type', itemIndex);
	const value = read(context, 'iocValue', 'IoC Value', itemIndex);
	if (typeof type !== 'string' || type.trim() === '') {
		throw new NodeOperationError(context.getNode(), `Item ${itemIndex}: "IoC Type" is empty`, {
			itemIndex,
			description: `Give ip, domain or uri. ${RENAMED}`,
		});
	}
	const values = Array.isArray(value) ? value : [value];
	if (values.length === 0 || values.some((one) => typeof one !== 'string' || one.trim() === '')) {
		throw new NodeOperationError(context.getNode(), `Item ${itemIndex}: "IoC Value" is empty or not text`, {
			itemIndex,
			description: `Give the IP, domain or URL that was blocked, or a list of them. ${RENAMED}`,
		});
	}
	return (values as string[]).map((raw) => {
		const normalised = normaliseIoc(type, raw);
		if (!normalised.ok) {
			const [label, text] = normalised.field === 'type' ? ['Type', type] : ['Value', raw];
			throw new NodeOperationError(context.getNode(), `Item ${itemIndex}: IoC ${label} "${text}" ${normalised.problem}`, {
				itemIndex,
				description: `Confirm only what Filter Blockable IoCs sent to Block and the firewall step blocked. ${RENAMED}`,
			});
		}
		return confirmedKey(normalised.ioc);
	});
}

/** An expression that cannot reach the Filter's item gets the hint about renaming. */
function read(context: IExecuteFunctions, name: string, label: string, itemIndex: number): unknown {
	try {
		return context.getNodeParameter(name, itemIndex);
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		throw new NodeOperationError(context.getNode(), `Item ${itemIndex}: "${label}" could not be read: ${reason}`, {
			itemIndex,
			description: RENAMED,
		});
	}
}
