/**
 * The node's steps over the IoC library: read every input item, decide once for the whole run,
 * then (optionally) cross-run dedup, the cap, and the output items.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, IPairedItemData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ExportFormat, FilterResult, InputShape, IocItem, IocOccurrence, SkippedIoc } from '../shared/ioc';
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
import { holdBackLiveSafelisted } from '../shared/safelist';
import type { OutputChoice, ShapeChoice } from './description';
import { confirmedAmong, confirmedKey, isTestRun, recordedAmong, type RememberChoice } from '../shared/blockedHistory';

const SUBMISSION_SHAPES: ReadonlySet<string | null> = new Set(['submissionIoc', 'grouped', 'summary']);

const DEDUP = { scope: 'node', mode: 'entries' } as const;

const FILE_TYPES: Readonly<Record<ExportFormat, { extension: string; mimeType: string }>> = {
	plain: { extension: 'txt', mimeType: 'text/plain' },
	paloalto_edl: { extension: 'txt', mimeType: 'text/plain' },
	fortigate: { extension: 'txt', mimeType: 'text/plain' },
	csv: { extension: 'csv', mimeType: 'text/csv' },
	stix: { extension: 'json', mimeType: 'application/json' },
};

/** `auto`: values Assemblyline did not score are skipped, custom items without a verdict blocked. */
export type NoVerdictChoice = 'auto' | 'block' | 'skip';

export interface Settings {
	decide: DecideOptions;
	noVerdict: NoVerdictChoice;
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
	const noVerdict = context.getNodeParameter('noVerdict', 0, 'auto') as NoVerdictChoice;
	return {
		decide: {
			minVerdict: context.getNodeParameter('minVerdict', 0, 'suspicious') as DecideOptions['minVerdict'],
			// `auto` is decided after the merge (skipUnscored), when each IoC's input items are known.
			noVerdict: noVerdict === 'skip' ? 'skip' : 'block',
			allowlist: readAllowlist(context),
		},
		noVerdict,
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
	const { occurrences, errors, shapes } = extractAll(context, items);
	// All items are decided together: duplicates across items merge into one IoC.
	const decided = decideIocs(occurrences, settings.decide);
	if (settings.noVerdict === 'auto') skipUnscored(decided, shapes);
	await holdBackLiveSafelisted(context, decided);
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
	warnUnscoredBlocked(context, routed.block);
	if (routed.testRun) {
		hint(context, 'info', 'Test run: IoCs sent to Block are not remembered as blocked (only executions of the active workflow record them).');
	}
	return [block, [...iocItems(decided.skipped), ...iocItems(routed.skipped), ...iocItems(refused), ...errors]];
}

const UNSCORED_TEXT: Readonly<Record<string, string>> = {
	alert:
		'Assemblyline gave no verdict with this value: the alert was fetched without "al.detailed" (add it to the search\'s Fields). Values Assemblyline did not score go to Skipped, since most tags are not malicious; set "Items Without a Verdict" to Block to send them anyway.',
	submission:
		'Assemblyline gave no verdict with this value (an Ontology API value the submission summary does not score, or an item without "details"). Values Assemblyline did not score go to Skipped, since most tags are not malicious; set "Items Without a Verdict" to Block to send them anyway.',
};

/**
 * `Items Without a Verdict: Skip if From Assemblyline`. Assemblyline tags every network value a
 * service saw (fonts, update servers, XML schemas), so a value it did not score is no sign of
 * malice: such IoCs go to Skipped. An IoC with any occurrence from a custom item (a feed the user
 * chose to block from) stays on Block, where the output warns about it.
 */
function skipUnscored(decided: FilterResult, shapes: readonly (InputShape | undefined)[]): void {
	const block: IocItem[] = [];
	for (const item of decided.block) {
		const from = (item.itemIndexes ?? []).map((index) => shapes[index]);
		if (item.verdict !== null || from.length === 0 || from.some((shape) => shape === 'field' || shape === undefined)) {
			block.push(item);
			continue;
		}
		decided.skipped.push(holdBack(item, 'no_verdict', UNSCORED_TEXT[from[0] === 'alert' ? 'alert' : 'submission']));
	}
	decided.block = block;
}

const UNSCORED_WARNING = 'No verdict came with this IoC; it is on Block because "Items Without a Verdict" blocks such IoCs.';

/** The user sees blocked IoCs that had no verdict: a field on each, and a notice over the output. */
function warnUnscoredBlocked(context: IExecuteFunctions, block: readonly IocItem[]): void {
	const count = block.filter((item) => item.verdict === null).length;
	if (count === 0) return;
	hint(
		context,
		'warning',
		`${count} IoC${count === 1 ? '' : 's'} on Block came without a verdict (see their "warning" field). If that is not meant, set "Items Without a Verdict" to Skip, or give a Verdict Field.`,
	);
}

/** A notice over the node's output in the editor (n8n's execution hints). */
function hint(context: IExecuteFunctions, type: 'info' | 'warning', message: string): void {
	if (typeof context.addExecutionHints === 'function') context.addExecutionHints({ message, type, location: 'outputPane' });
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
	/** The shape each input item was read as (by item index). */
	shapes: Array<InputShape | undefined>;
}

/** Reads every input item; an unreadable one fails the node, or with continueOnFail becomes a
 * Skipped item with reason "error" (the If node's pattern), so it is still accounted for. */
export function extractAll(context: IExecuteFunctions, items: INodeExecutionData[]): Extracted {
	const occurrences: IocOccurrence[] = [];
	const errors: INodeExecutionData[] = [];
	const shapes: Array<InputShape | undefined> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const read = extractItem(context, items[itemIndex].json, itemIndex);
			shapes[itemIndex] = read.shape;
			for (const occurrence of read.occurrences) occurrences.push(occurrence);
		} catch (error) {
			const failure =
				error instanceof IocInputError
					? new NodeOperationError(context.getNode(), `Input item ${itemIndex}: ${error.message}`, { itemIndex })
					: asNodeError(context, error, itemIndex);
			if (!context.continueOnFail()) throw failure;
			errors.push(errorItem(failure, itemIndex));
		}
	}
	return { occurrences, errors, shapes };
}

function extractItem(context: IExecuteFunctions, json: IDataObject, itemIndex: number): { shape: InputShape; occurrences: IocOccurrence[] } {
	const choice = context.getNodeParameter('inputShape', itemIndex, 'auto') as ShapeChoice;
	const fields = choice === 'field';
	const field = (name: string) => (fields ? String(context.getNodeParameter(name, itemIndex, '') ?? '').trim() : '');
	let shape: InputShape;
	if (choice === 'auto') {
		const detected = detectShape(json);
		if (detected === null) {
			throw new IocInputError(
				'This item is not an Assemblyline alert, an AL Submission IoCs item or a submission summary. For other items (a feed, a CSV row), set "Input Shape" to Custom Fields and name the Value Field.',
			);
		}
		shape = detected;
	} else if (choice !== 'submission') shape = choice;
	else {
		const detected = detectShape(json);
		if (!SUBMISSION_SHAPES.has(detected)) {
			throw new IocInputError(
				'This item is not from AL Submission IoCs (an item with "value" and "type", or with an "iocs" object). Choose another input shape, or Auto-Detect.',
			);
		}
		shape = detected as InputShape;
	}
	const occurrences = extractOccurrences(json, {
		shape,
		valueField: field('valueField') || undefined,
		typeField: field('typeField') || undefined,
		verdictField: field('verdictField') || undefined,
		itemIndex,
	});
	return { shape, occurrences };
}

const dedupKey = (item: IocItem) => `${item.type}:${item.value}`;

export interface Routed {
	block: IocItem[];
	skipped: SkippedIoc[];
	/** Keys recorded as blocked in this run, to forget again if the output cannot be built. */
	recorded: string[];
	/** A test run that would have recorded, and did not. */
	testRun?: boolean;
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
	if (isTestRun(context)) {
		const remembered = await recordedAmong(context, keys, DEDUP.scope);
		const held = ordered.filter((item) => remembered.has(dedupKey(item))).map((item) => holdBack(item, 'already_blocked'));
		const capped = applyCap(
			ordered.filter((item) => !remembered.has(dedupKey(item))),
			settings.cap,
		);
		return { block: capped.block, skipped: [...held, ...capped.skipped], recorded: [], testRun: true };
	}
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

/** The columns an analyst reads first (n8n's Table view follows key order). */
const LEADING_KEYS = ['type', 'value', 'verdict', 'reason', 'reason_text'] as const;

function iocJson(ioc: IocItem | SkippedIoc): IDataObject {
	const json: IDataObject = {};
	const rest: IDataObject & Partial<IocItem> = { ...ioc } as IDataObject;
	for (const key of LEADING_KEYS) {
		if (key in rest) json[key] = rest[key as keyof typeof rest] as IDataObject[string];
		delete rest[key];
	}
	if (ioc.verdict === null && !('reason' in ioc)) json.warning = UNSCORED_WARNING;
	delete rest.itemIndexes;
	// `original` only says something when it differs from the value; merged spellings are all in `originals`.
	if (rest.original === ioc.value || rest.originals !== undefined) delete rest.original;
	return Object.assign(json, rest);
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
