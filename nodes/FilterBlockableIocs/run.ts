/**
 * The node's steps over the IoC library: read every input item, decide once for the whole run,
 * then (optionally) cross-run dedup, the cap, and the output items.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, IPairedItemData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ExportFormat, InputShape, IocItem, IocOccurrence, SkippedIoc } from '../shared/ioc';
import {
	applyCap,
	compileAllowlist,
	decideIocs,
	detectShape,
	exportBlocklists,
	holdBack,
	IocInputError,
	extractOccurrences,
	type Allowlist,
	type DecideOptions,
} from '../shared/ioc';
import { asNodeError } from '../shared/items';
import type { OutputChoice, ShapeChoice } from './description';
import { confirmedAmong, confirmedKey, type RememberChoice } from '../shared/blockedHistory';

const SUBMISSION_SHAPES: ReadonlySet<string | null> = new Set(['submissionIoc', 'grouped', 'summary']);

const DEDUP = { scope: 'node', mode: 'entries' } as const;

const FILE_TYPES: Readonly<Record<ExportFormat, { extension: string; mimeType: string }>> = {
	plain: { extension: 'txt', mimeType: 'text/plain' },
	paloalto_edl: { extension: 'txt', mimeType: 'text/plain' },
	fortigate: { extension: 'txt', mimeType: 'text/plain' },
	csv: { extension: 'csv', mimeType: 'text/csv' },
	stix: { extension: 'json', mimeType: 'application/json' },
};

export interface Settings {
	decide: DecideOptions;
	onlyNew: boolean;
	remember: RememberChoice;
	historySize: number;
	cap: number;
	output: OutputChoice;
	format: ExportFormat;
}

export function readSettings(context: IExecuteFunctions): Settings {
	const onlyNew = context.getNodeParameter('onlyNew', 0, false) as boolean;
	const remember = onlyNew ? (context.getNodeParameter('remember', 0, 'passedOn') as RememberChoice) : 'passedOn';
	const maxToBlock = context.getNodeParameter('maxToBlock', 0, 1000) as number;
	// In the confirm mode the Confirm Blocked IoCs node sizes the history.
	const recordsHere = onlyNew && remember === 'passedOn';
	const historySize = recordsHere ? (context.getNodeParameter('historySize', 0, 10000) as number) : 0;
	if (!Number.isInteger(maxToBlock) || maxToBlock < 0) {
		throw new NodeOperationError(context.getNode(), `"Max IoCs to Block per Run" must be a whole number ≥ 0, not ${maxToBlock}`, {
			description: 'Use 0 for no cap.',
		});
	}
	if (recordsHere && (!Number.isInteger(historySize) || historySize < 1)) {
		throw new NodeOperationError(context.getNode(), `"History Size" must be a whole number ≥ 1, not ${historySize}`);
	}
	const output = context.getNodeParameter('output', 0, 'items') as OutputChoice;
	return {
		decide: {
			minVerdict: context.getNodeParameter('minVerdict', 0, 'suspicious') as DecideOptions['minVerdict'],
			noVerdict: context.getNodeParameter('noVerdict', 0, 'block') as DecideOptions['noVerdict'],
			allowlist: readAllowlist(context),
		},
		onlyNew,
		remember,
		historySize,
		cap: maxToBlock === 0 ? Infinity : maxToBlock,
		output,
		format: output === 'files' ? (context.getNodeParameter('blocklistFormat', 0, 'plain') as ExportFormat) : 'plain',
	};
}

function readAllowlist(context: IExecuteFunctions): Allowlist | undefined {
	const text = context.getNodeParameter('allowlist', 0, '') as string;
	if (typeof text !== 'string' || text.trim() === '') return undefined;
	const { allowlist, errors } = compileAllowlist(text);
	if (errors.length === 0) return allowlist;
	const first = errors[0];
	const more = errors.length > 1 ? ` (and ${errors.length - 1} more bad ${errors.length === 2 ? 'entry' : 'entries'})` : '';
	throw new NodeOperationError(context.getNode(), `${first.message.replace(/\.$/, '')} (allowlist line ${first.line})${more}`, {
		description: `${errors
			.slice(0, 10)
			.map((error) => `Line ${error.line}: ${error.message}`)
			.join(
				'\n',
			)}\nOne entry per line: an IP address, a CIDR range (10.0.0.0/8), a domain (covers its subdomains) or a URL prefix (https://intranet.example.com/app/). Text after # is a comment.`,
	});
}

/** The whole run; the node turns a failure into Skipped items when "On Error" says continue. */
export async function filterItems(context: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const settings = readSettings(context);
	const { occurrences, errors } = extractAll(context, items);
	// All items are decided together: duplicates across items merge into one IoC.
	const decided = decideIocs(occurrences, settings.decide);
	const routed = await dedupAndCap(context, decided.block, settings);
	let block: INodeExecutionData[];
	let refused: SkippedIoc[] = [];
	try {
		if (settings.output === 'files') ({ block, refused } = await blocklistItems(context, routed.block, settings.format));
		else block = iocItems(routed.block);
	} catch (error) {
		// Nothing was passed on, so nothing may stay remembered as blocked.
		await forget(context, routed.recorded);
		throw asNodeError(context, error);
	}
	// An item the exporters refused was not passed on: forget it too, so a later run may send it.
	const recorded = new Set(routed.recorded);
	await forget(context, refused.map(dedupKey).filter((key) => recorded.has(key)));
	return [block, [...iocItems(decided.skipped), ...iocItems(routed.skipped), ...iocItems(refused), ...errors]];
}

/** A Skipped item for an input item that could not be filtered (the If node's pattern), in
 * both "On Error: Continue" modes. No n8n `error` field: n8n would replace the json with it and
 * the analyst would lose the reason. */
export function errorItem(failure: NodeApiError | NodeOperationError, itemIndex: number): INodeExecutionData {
	return {
		json: { reason: 'error', reason_text: failure.message, error: failure.message },
		pairedItem: { item: itemIndex },
	};
}

export interface Extracted {
	occurrences: IocOccurrence[];
	/** Items that could not be read, already turned into Skipped items (continueOnFail only). */
	errors: INodeExecutionData[];
}

/** Reads every input item; an unreadable one fails the node, or with continueOnFail becomes a
 * Skipped item with reason "error" (the If node's pattern), so it is still accounted for. */
export function extractAll(context: IExecuteFunctions, items: INodeExecutionData[]): Extracted {
	const occurrences: IocOccurrence[] = [];
	const errors: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			for (const occurrence of extractItem(context, items[itemIndex].json, itemIndex)) occurrences.push(occurrence);
		} catch (error) {
			const failure =
				error instanceof IocInputError
					? new NodeOperationError(context.getNode(), `Input item ${itemIndex}: ${error.message}`, { itemIndex })
					: asNodeError(context, error, itemIndex);
			if (!context.continueOnFail()) throw failure;
			errors.push(errorItem(failure, itemIndex));
		}
	}
	return { occurrences, errors };
}

function extractItem(context: IExecuteFunctions, json: IDataObject, itemIndex: number): IocOccurrence[] {
	const choice = context.getNodeParameter('inputShape', itemIndex, 'auto') as ShapeChoice;
	const fields = choice === 'auto' || choice === 'field';
	const field = (name: string) => (fields ? String(context.getNodeParameter(name, itemIndex, '') ?? '').trim() : '');
	let shape: InputShape;
	if (choice !== 'submission') shape = choice;
	else {
		const detected = detectShape(json);
		if (!SUBMISSION_SHAPES.has(detected)) {
			throw new IocInputError(
				'This item is not from AL Submission IoCs (an item with "value" and "type", or with an "iocs" object). Choose another input shape, or Auto-Detect.',
			);
		}
		shape = detected as InputShape;
	}
	return extractOccurrences(json, {
		shape,
		valueField: field('valueField') || undefined,
		typeField: field('typeField') || undefined,
		verdictField: field('verdictField') || undefined,
		itemIndex,
	});
}

const dedupKey = (item: IocItem) => `${item.type}:${item.value}`;

export interface Routed {
	block: IocItem[];
	skipped: SkippedIoc[];
	/** Keys recorded as blocked in this run, to forget again if the output cannot be built. */
	recorded: string[];
}

/**
 * Cross-run dedup and the cap, in an order that loses nothing:
 * 1. record the Block candidates (in cap order) and learn which were already blocked → Skipped;
 * 2. cap what is left;
 * 3. forget the ones pushed over the cap, so a later run can still send them;
 * 4. trim the history to History Size (FIFO).
 * Step 1 records with room for every candidate, so IoCs that end over the cap never push older
 * history out; step 4 then trims to the real size. When nothing can go over the cap, one call
 * with the real size does it all. n8n stores md5 hashes only, never the IoCs.
 */
export async function dedupAndCap(context: IExecuteFunctions, candidates: IocItem[], settings: Settings): Promise<Routed> {
	if (!settings.onlyNew || candidates.length === 0) {
		const capped = applyCap(candidates, settings.cap);
		return { block: capped.block, skipped: capped.skipped, recorded: [] };
	}
	if (settings.remember === 'confirmed') return await capUnconfirmed(context, candidates, settings.cap);
	const ordered = applyCap(candidates, Infinity).block; // cap order: highest verdict first
	const keys = ordered.map(dedupKey);
	const mayOverflow = ordered.length > settings.cap;
	const { processed } = await context.helpers.checkProcessedAndRecord(keys, DEDUP.scope, {
		mode: DEDUP.mode,
		maxEntries: mayOverflow ? settings.historySize + keys.length : settings.historySize,
	});
	const seen = new Set(processed.map(String));
	const fresh = ordered.filter((item) => !seen.has(dedupKey(item)));
	const already = ordered.filter((item) => seen.has(dedupKey(item))).map((item) => holdBack(item, 'already_blocked'));
	const capped = applyCap(fresh, settings.cap);
	if (mayOverflow) {
		if (capped.skipped.length > 0) {
			await context.helpers.removeProcessed(capped.skipped.map(dedupKey), DEDUP.scope, { mode: DEDUP.mode });
		}
		await context.helpers.checkProcessedAndRecord([], DEDUP.scope, { mode: DEDUP.mode, maxEntries: settings.historySize });
	}
	return { block: capped.block, skipped: [...already, ...capped.skipped], recorded: capped.block.map(dedupKey) };
}

const CONFIRMED_TEXT = 'Recorded as blocked by Confirm Blocked IoCs in an earlier run.';

/** Confirm mode: holds back what Confirm Blocked IoCs recorded, records nothing, so over-cap
 * IoCs and IoCs lost with a dead execution are simply sent again. */
async function capUnconfirmed(context: IExecuteFunctions, candidates: IocItem[], cap: number): Promise<Routed> {
	const ordered = applyCap(candidates, Infinity).block;
	const confirmed = await confirmedAmong(context, ordered.map(confirmedKey));
	const already = ordered.filter((item) => confirmed.has(confirmedKey(item))).map((item) => holdBack(item, 'already_blocked', CONFIRMED_TEXT));
	const capped = applyCap(
		ordered.filter((item) => !confirmed.has(confirmedKey(item))),
		cap,
	);
	return { block: capped.block, skipped: [...already, ...capped.skipped], recorded: [] };
}

/** Forgets what step 1 recorded when the run fails before anything was passed on. */
export async function forget(context: IExecuteFunctions, keys: string[]): Promise<void> {
	if (keys.length > 0) await context.helpers.removeProcessed(keys, DEDUP.scope, { mode: DEDUP.mode });
}

function pairedItems(indexes: readonly number[] | undefined): IPairedItemData[] {
	return (indexes ?? []).map((item) => ({ item }));
}

function iocJson(ioc: IocItem): IDataObject {
	const json: IDataObject & { itemIndexes?: number[] } = { ...ioc } as IDataObject;
	delete json.itemIndexes;
	return json;
}

export function iocItems(iocs: readonly IocItem[]): INodeExecutionData[] {
	return iocs.map((ioc) => ({ json: iocJson(ioc), pairedItem: pairedItems(ioc.itemIndexes) }));
}

/** One item per IoC type, with the list as text and as a binary file; paired with every input
 * item that contributed an IoC of that type. An IoC the exporters refuse comes back in `refused`
 * (reason `not_exportable`) and the others are still exported. */
export async function blocklistItems(
	context: IExecuteFunctions,
	block: readonly IocItem[],
	format: ExportFormat,
): Promise<{ block: INodeExecutionData[]; refused: SkippedIoc[] }> {
	const { lists, skipped } = exportBlocklists(block, format, { timestamp: new Date() });
	const refused = new Set(skipped.map(dedupKey));
	const { extension, mimeType } = FILE_TYPES[format];
	const result: INodeExecutionData[] = [];
	for (const list of lists) {
		const ofType = block.filter((item) => item.type === list.iocType && !refused.has(dedupKey(item)));
		const indexes = [...new Set(ofType.flatMap((item) => item.itemIndexes ?? []))].sort((a, b) => a - b);
		const fileName = `blocklist-${list.iocType}.${extension}`;
		const data = await context.helpers.prepareBinaryData(Buffer.from(list.text, 'utf8'), fileName, mimeType);
		result.push({
			json: { iocType: list.iocType, format, count: ofType.length, text: list.text },
			binary: { data },
			pairedItem: pairedItems(indexes),
		});
	}
	return { block: result, refused: skipped };
}
