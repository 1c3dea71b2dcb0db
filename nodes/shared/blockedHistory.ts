/**
 * The history of blocked IoCs, for both ways of remembering one (Filter Blockable IoCs'
 * "Remember an IoC"), behind one interface:
 *
 * - `passedOn` ("When It Goes to Block"): the Filter records an IoC as it sends it to Block, in
 *   the Filter node's own history (n8n's node scope);
 * - `confirmed` ("When Confirm Blocked IoCs Records It"): Confirm Blocked IoCs records the IoCs the
 *   firewall step blocked, and the Filter only reads. Two nodes must see one history, so it lives
 *   in n8n's workflow scope (a node scope is per node id).
 *
 * Both keep one key per IoC, `al-blocked:<type>:<normalised value>` (iocKey), in n8n's
 * deduplication store (`checkProcessedAndRecord`, "entries" mode), which stores md5 hashes of the
 * keys, never the IoCs. A history keeps its newest History Size entries (FIFO).
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	applyCap,
	checkBlockable,
	holdBack,
	inCapOrder,
	type IocItem,
	type NetworkType,
	type SkippedIoc,
} from './ioc';

export type RememberChoice = 'passedOn' | 'confirmed';

export const DEFAULT_HISTORY_SIZE = 10000;

/** History Size, as both nodes that record blocked IoCs offer it. */
export const HISTORY_SIZE: INodeProperties = {
	displayName: 'History Size',
	name: 'historySize',
	type: 'number',
	default: DEFAULT_HISTORY_SIZE,
	typeOptions: { minValue: 1 },
	description:
		'How many blocked IoCs to remember. When full, the oldest are forgotten (and could be sent to Block again); the node never fails because the history is full.',
};

/** The History Size parameter, checked. */
export function readHistorySize(context: IExecuteFunctions): number {
	const historySize = context.getNodeParameter(
		HISTORY_SIZE.name,
		0,
		DEFAULT_HISTORY_SIZE,
	) as number;
	if (!Number.isInteger(historySize) || historySize < 1) {
		throw new NodeOperationError(
			context.getNode(),
			`"History Size" must be a whole number ≥ 1, not ${historySize}`,
		);
	}
	return historySize;
}

/** Where each way of remembering keeps its history. */
const SCOPE: Readonly<Record<RememberChoice, 'node' | 'workflow'>> = {
	passedOn: 'node',
	confirmed: 'workflow',
};
const MODE = { mode: 'entries' } as const;

/** The one key of an IoC in either history: its type and the value the IoC library normalised. */
export const iocKey = (ioc: { type: string; value: string }) =>
	`al-blocked:${ioc.type}:${ioc.value}`;

/**
 * A test run ("Execute workflow" or "Execute step" in the editor) records nothing, the way n8n
 * keeps the static data (AL Alert Search's cursor) of manual executions: trying a workflow must
 * not use up its IoCs. It still reads the history, so it shows what a real run would hold back.
 */
export function isTestRun(context: IExecuteFunctions): boolean {
	return context.getMode() === 'manual';
}

export interface HistoryOptions {
	remember: RememberChoice;
	/** At most this many IoCs go to Block (Infinity: no cap). */
	cap: number;
	/** The Filter's own History Size (`passedOn` only; in `confirmed` mode Confirm sizes it). */
	historySize: number;
}

export interface HistoryDecision {
	block: IocItem[];
	/** `already_blocked`, then `over_cap`. */
	skipped: SkippedIoc[];
	/** Keys recorded in this run (`passedOn`), to forget again if the output cannot be built. */
	recorded: string[];
	/** A test run that would have recorded, and did not. */
	testRun: boolean;
}

const CONFIRMED_TEXT = 'Recorded as blocked by Confirm Blocked IoCs in an earlier run.';

/**
 * The Filter's step between deciding and output: the IoCs in the history go to Skipped as
 * `already_blocked`, the cap applies to the rest (highest verdicts first, inCapOrder), and in
 * `passedOn` mode what goes to Block is recorded. Only IoCs that go to Block are ever recorded,
 * so IoCs over the cap stay free for a later run and never push older history out.
 */
export async function routeThroughHistory(
	context: IExecuteFunctions,
	candidates: readonly IocItem[],
	options: HistoryOptions,
): Promise<HistoryDecision> {
	const ordered = inCapOrder(candidates);
	if (options.remember === 'passedOn' && !isTestRun(context)) {
		return await recordPassedOn(context, ordered, options);
	}
	// Read only: confirm mode (Confirm records) and test runs (nothing is recorded).
	const held = await heldInHistory(context, ordered.map(iocKey), SCOPE[options.remember]);
	const text = options.remember === 'confirmed' ? CONFIRMED_TEXT : undefined;
	const already = ordered
		.filter((item) => held.has(iocKey(item)))
		.map((item) => holdBack(item, 'already_blocked', text));
	const capped = applyCap(
		ordered.filter((item) => !held.has(iocKey(item))),
		options.cap,
	);
	return {
		block: capped.block,
		skipped: [...already, ...capped.skipped],
		recorded: [],
		testRun: options.remember === 'passedOn',
	};
}

/**
 * Records, in cap order, as many IoCs as there are free places on Block; those the history already
 * held go to Skipped and free their place for the next round. One call per round: the first
 * fills Block unless the history holds some of them.
 */
async function recordPassedOn(
	context: IExecuteFunctions,
	ordered: IocItem[],
	options: HistoryOptions,
): Promise<HistoryDecision> {
	const block: IocItem[] = [];
	const already: SkippedIoc[] = [];
	let next = 0;
	while (next < ordered.length && block.length < options.cap) {
		const round = ordered.slice(next, next + (options.cap - block.length));
		next += round.length;
		const { processed } = await context.helpers.checkProcessedAndRecord(
			round.map(iocKey),
			SCOPE.passedOn,
			{
				...MODE,
				maxEntries: options.historySize,
			},
		);
		const held = new Set(processed.map(String));
		for (const item of round) {
			if (held.has(iocKey(item))) already.push(holdBack(item, 'already_blocked'));
			else block.push(item);
		}
	}
	// Block is full (or empty with nothing left): the rest are over the cap, and ranked no higher.
	const overCap = applyCap([...block, ...ordered.slice(next)], options.cap).skipped;
	return { block, skipped: [...already, ...overCap], recorded: block.map(iocKey), testRun: false };
}

/** Forgets what the Filter recorded in this run, when its output could not be built after all. */
export async function forgetPassedOn(context: IExecuteFunctions, keys: string[]): Promise<void> {
	if (keys.length > 0) await context.helpers.removeProcessed(keys, SCOPE.passedOn, MODE);
}

/**
 * Which keys a history holds, without adding any. n8n has no check-only call, so this records and
 * then removes the keys that were new, without maxEntries so it never trims the history. n8n's
 * helper takes no lock: for the few milliseconds between the two calls a concurrent execution
 * sees these keys as blocked, and a worker dying exactly then leaves them recorded.
 */
async function heldInHistory(
	context: IExecuteFunctions,
	keys: string[],
	scope: 'node' | 'workflow',
): Promise<Set<string>> {
	if (keys.length === 0) return new Set();
	const result = await context.helpers.checkProcessedAndRecord(keys, scope, MODE);
	if (result.new.length > 0) await context.helpers.removeProcessed(result.new, scope, MODE);
	return new Set(result.processed.map(String));
}

/** Confirm Blocked IoCs: records confirmed keys; the history keeps the newest `historySize`. */
export async function recordConfirmed(
	context: IExecuteFunctions,
	keys: string[],
	historySize: number,
): Promise<void> {
	await context.helpers.checkProcessedAndRecord(keys, SCOPE.confirmed, {
		...MODE,
		maxEntries: historySize,
	});
}

export type ConfirmedIoc =
	| { ok: true; ioc: { type: NetworkType; value: string } }
	/** `Type "email" is not a type that can be blocked (ip, domain or uri)`, `Value "x" is not …` */
	| { ok: false; field: 'type' | 'value'; text: string };

/**
 * A type word and raw value as Confirm Blocked IoCs gets them → the type and normalised value the
 * Filter keys the IoC by, through the one definition (checkBlockable), so a value confirmed in any
 * spelling matches. A value the network rules hold back (a private IP) still has a key: Confirm
 * records what the firewall step says it blocked.
 */
export function confirmedIoc(typeWord: string, raw: string): ConfirmedIoc {
	const outcome = checkBlockable(typeWord, raw);
	if (outcome.ok) return { ok: true, ioc: { type: outcome.type, value: outcome.value } };
	if (outcome.ioc !== null)
		return { ok: true, ioc: { type: outcome.ioc.type, value: outcome.ioc.value } };
	if (outcome.reason === 'unsupported_type') {
		return {
			ok: false,
			field: 'type',
			text: `Type ${JSON.stringify(typeWord)} is not a type that can be blocked (ip, domain or uri)`,
		};
	}
	return { ok: false, field: 'value', text: `Value ${outcome.text.replace(/\.$/, '')}` };
}
