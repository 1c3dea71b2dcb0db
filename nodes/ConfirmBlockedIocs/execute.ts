/**
 * Confirm Blocked IoCs' run: read each item's IoC (or list of IoCs of one type), pass the items
 * through, then record every IoC read in the confirmed history (nodes/shared/blockedHistory.ts).
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	confirmedIoc,
	iocKey,
	isTestRun,
	readHistorySize,
	recordConfirmed,
} from '../shared/blockedHistory';
import { asNodeError, errorItem } from '../shared/items';
import { shapeProblems } from '../shared/schema';
import * as z from '../shared/zod';
import { FILTER_RENAMED_HINT } from './description';

/** IoC Value, as a list: one or more texts that are not blank (a single value is a list of one). */
const IOC_VALUES = z.array(z.string().check(z.regex(/\S/))).check(z.minLength(1));

/** The whole run; items pass through unchanged (binary data too), paired one to one. */
export async function confirmItems(context: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const historySize = readHistorySize(context);
	const keys = new Set<string>();
	const output: INodeExecutionData[] = [];
	// Its own loop, not mapItems: the items pass through with their binary data.
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const item = items[itemIndex];
		const passed: INodeExecutionData = { json: item.json, pairedItem: { item: itemIndex } };
		if (item.binary) passed.binary = item.binary;
		try {
			// A failed firewall call that "On Error: Continue" let through must not count as blocked.
			if (!item.json.error) for (const key of itemKeys(context, itemIndex)) keys.add(key);
			output.push(passed);
		} catch (error) {
			const failure = asNodeError(context, error, itemIndex);
			if (!context.continueOnFail()) throw failure;
			output.push(errorItem(failure, itemIndex));
		}
	}
	if (isTestRun(context)) {
		// Checked after the loop, so a test run still shows which items could not be read.
		if (keys.size > 0 && typeof context.addExecutionHints === 'function') {
			context.addExecutionHints({
				message: `Test run: ${keys.size} IoC${keys.size === 1 ? '' : 's'} not recorded as blocked (only executions of the active workflow record them).`,
				type: 'info',
				location: 'outputPane',
			});
		}
	} else if (keys.size > 0) {
		try {
			await recordConfirmed(context, [...keys], historySize);
		} catch (error) {
			const failure = asNodeError(context, error);
			if (!context.continueOnFail()) throw failure;
			return [items.map((_, itemIndex) => errorItem(failure, itemIndex))];
		}
	}
	return [output];
}

/** The history keys of one item's IoC (or list of IoCs of one type). */
function itemKeys(context: IExecuteFunctions, itemIndex: number): string[] {
	const type = read(context, 'iocType', 'IoC Type', itemIndex);
	const value = read(context, 'iocValue', 'IoC Value', itemIndex);
	if (typeof type !== 'string' || type.trim() === '') {
		throw new NodeOperationError(context.getNode(), `Item ${itemIndex}: "IoC Type" is empty`, {
			itemIndex,
			description: `Give ip, domain or uri. ${FILTER_RENAMED_HINT}`,
		});
	}
	const values = Array.isArray(value) ? value : [value];
	if (shapeProblems(IOC_VALUES, values)) {
		throw new NodeOperationError(
			context.getNode(),
			`Item ${itemIndex}: "IoC Value" is empty or not text`,
			{
				itemIndex,
				description: `Give the IP, domain or URL that was blocked, or a list of them. ${FILTER_RENAMED_HINT}`,
			},
		);
	}
	return (values as z.Infer<typeof IOC_VALUES>).map((raw) => {
		const confirmed = confirmedIoc(type, raw);
		if (!confirmed.ok) {
			throw new NodeOperationError(context.getNode(), `Item ${itemIndex}: IoC ${confirmed.text}`, {
				itemIndex,
				description: `Confirm only what Filter Blockable IoCs sent to Block and the firewall step blocked. ${FILTER_RENAMED_HINT}`,
			});
		}
		return iocKey(confirmed.ioc);
	});
}

/** An expression that cannot reach the Filter's item gets the hint about renaming. */
function read(context: IExecuteFunctions, name: string, label: string, itemIndex: number): unknown {
	try {
		return context.getNodeParameter(name, itemIndex);
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		throw new NodeOperationError(
			context.getNode(),
			`Item ${itemIndex}: "${label}" could not be read: ${reason}`,
			{
				itemIndex,
				description: FILTER_RENAMED_HINT,
			},
		);
	}
}
