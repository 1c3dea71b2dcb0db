/**
 * The node's steps over the IoC library: read every input item, decide once for the whole run,
 * then (optionally) cross-run dedup, the cap, and the output items.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ExportFormat, FilterResult, InputShape, IocItem, SkippedIoc } from '../shared/ioc';
import {
	applyCap,
	decideMerged,
	DEFAULT_CAP,
	holdBack,
	IocMerger,
	partitionExportable,
	type DecideOptions,
} from '../shared/ioc';
import { readAllowlist } from '../shared/allowlist';
import { asNodeError } from '../shared/items';
import { holdBackLiveSafelisted } from '../shared/safelist';
import {
	forgetPassedOn,
	readHistorySize,
	routeThroughHistory,
	type RememberChoice,
	type HistoryDecision,
} from '../shared/blockedHistory';
import { MAX_TO_BLOCK, type OutputChoice } from './description';
import { extractAll } from './input';
import { blocklistItems, iocItems } from './output';

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
	const remember = onlyNew
		? (context.getNodeParameter('remember', 0, 'passedOn') as RememberChoice)
		: 'passedOn';
	const maxToBlock = context.getNodeParameter(MAX_TO_BLOCK.name, 0, DEFAULT_CAP) as number;
	if (!Number.isInteger(maxToBlock) || maxToBlock < 0) {
		throw new NodeOperationError(
			context.getNode(),
			`"${MAX_TO_BLOCK.displayName}" must be a whole number ≥ 0, not ${maxToBlock}`,
			{
				description: 'Use 0 for no cap.',
			},
		);
	}
	// In the confirm mode the Confirm Blocked IoCs node sizes the history.
	const historySize = onlyNew && remember === 'passedOn' ? readHistorySize(context) : 0;
	const output = context.getNodeParameter('output', 0, 'items') as OutputChoice;
	const noVerdict = context.getNodeParameter('noVerdict', 0, 'auto') as NoVerdictChoice;
	return {
		decide: {
			minVerdict: context.getNodeParameter(
				'minVerdict',
				0,
				'suspicious',
			) as DecideOptions['minVerdict'],
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
		format:
			output === 'files'
				? (context.getNodeParameter('blocklistFormat', 0, 'plain') as ExportFormat)
				: 'plain',
	};
}

/** The whole run; the node turns a failure into Skipped items when "On Error" says continue. */
export async function filterItems(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const settings = readSettings(context);
	// All items are decided together: duplicates across items merge into one IoC.
	const merger = new IocMerger(settings.decide.allowlist);
	const { errors, shapes } = extractAll(context, items, merger);
	const decided = decideMerged(merger, settings.decide);
	if (settings.noVerdict === 'auto') skipUnscored(decided, shapes);
	await holdBackLiveSafelisted(context, decided);
	// Blocklist files: what no exporter can write goes to Skipped before the history sees it.
	const exportable =
		settings.output === 'files'
			? partitionExportable(decided.block, settings.format)
			: { exportable: decided.block, skipped: [] };
	const decision = await throughHistory(context, exportable.exportable, settings);
	let block: INodeExecutionData[];
	let refused: SkippedIoc[] = exportable.skipped;
	try {
		if (settings.output === 'files') {
			const files = await blocklistItems(context, decision.block, settings.format);
			block = files.block;
			refused = [...refused, ...files.refused];
		} else block = iocItems(decision.block);
	} catch (error) {
		// Nothing was passed on, so nothing may stay remembered as blocked.
		await forgetPassedOn(context, decision.recorded);
		throw asNodeError(context, error);
	}
	warnUnscoredBlocked(context, decision.block);
	if (decision.testRun) {
		hint(
			context,
			'info',
			'Test run: IoCs sent to Block are not remembered as blocked (only executions of the active workflow record them).',
		);
	}
	return [
		block,
		[...iocItems(decided.skipped), ...iocItems(decision.skipped), ...iocItems(refused), ...errors],
	];
}

/** "Only IoCs Not Passed On Before": the history (nodes/shared/blockedHistory.ts); else only the cap. */
async function throughHistory(
	context: IExecuteFunctions,
	candidates: IocItem[],
	settings: Settings,
): Promise<HistoryDecision> {
	if (settings.onlyNew) return await routeThroughHistory(context, candidates, settings);
	const capped = applyCap(candidates, settings.cap);
	return { block: capped.block, skipped: capped.skipped, recorded: [], testRun: false };
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
		if (
			item.verdict !== null ||
			from.length === 0 ||
			from.some((shape) => shape === 'field' || shape === undefined)
		) {
			block.push(item);
			continue;
		}
		decided.skipped.push(
			holdBack(item, 'no_verdict', UNSCORED_TEXT[from[0] === 'alert' ? 'alert' : 'submission']),
		);
	}
	decided.block = block;
}

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
	if (typeof context.addExecutionHints === 'function')
		context.addExecutionHints({ message, type, location: 'outputPane' });
}
