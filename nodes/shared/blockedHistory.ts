/**
 * The history shared by Filter Blockable IoCs ("Remember an IoC: When Confirm Blocked IoCs
 * Records It") and Confirm Blocked IoCs. Two different nodes must see one history, so it lives
 * in n8n's workflow scope (a node scope is per node id); the key prefix keeps it apart from
 * anything else the workflow stores there.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { parseNetworkValue, typeFromWord, type NetworkType } from './ioc';

export type RememberChoice = 'passedOn' | 'confirmed';

/** History Size, as both nodes that record blocked IoCs offer it. */
export const HISTORY_SIZE: INodeProperties = {
	displayName: 'History Size',
	name: 'historySize',
	type: 'number',
	default: 10000,
	typeOptions: { minValue: 1 },
	description:
		'How many blocked IoCs to remember. When full, the oldest are forgotten (and could be sent to Block again); the node never fails because the history is full.',
};

export const CONFIRMED = { scope: 'workflow', mode: 'entries' } as const;

/** The one key both nodes use, over the type and normalised value the IoC library computes. */
export const confirmedKey = (ioc: { type: string; value: string }) => `al-blocked:${ioc.type}:${ioc.value}`;

export type Normalised =
	| { ok: true; ioc: { type: NetworkType; value: string } }
	| { ok: false; field: 'type' | 'value'; problem: string };

/** Type word and raw value → what the Filter's decideIocs makes of them (typeFromWord, then
 * parseNetworkValue), so a value confirmed in any spelling matches the Filter's key. */
export function normaliseIoc(typeWord: string, raw: string): Normalised {
	const type = typeFromWord(typeWord);
	if (type !== 'ip' && type !== 'domain' && type !== 'uri') {
		return { ok: false, field: 'type', problem: 'is not a type that can be blocked (ip, domain or uri)' };
	}
	const outcome = parseNetworkValue(raw, type);
	return outcome.ok
		? { ok: true, ioc: { type: outcome.ioc.type, value: outcome.ioc.value } }
		: { ok: false, field: 'value', problem: outcome.problem };
}

/**
 * Which keys are in the confirmed history, without adding any. n8n has no check-only call, so
 * this records and then removes the keys that were new. No maxEntries: the check must never trim
 * the history (Confirm Blocked IoCs owns its size). n8n's helper takes no lock, so for the few
 * milliseconds between the two calls a concurrent execution sees these keys as blocked, and a
 * worker dying exactly then leaves them recorded.
 */
export async function confirmedAmong(context: IExecuteFunctions, keys: string[]): Promise<Set<string>> {
	return await recordedAmong(context, keys, CONFIRMED.scope);
}

/** Which keys a history (`scope`, "entries" mode) holds, without adding any: see confirmedAmong. */
export async function recordedAmong(context: IExecuteFunctions, keys: string[], scope: 'node' | 'workflow'): Promise<Set<string>> {
	if (keys.length === 0) return new Set();
	const result = await context.helpers.checkProcessedAndRecord(keys, scope, { mode: 'entries' });
	if (result.new.length > 0) await context.helpers.removeProcessed(result.new, scope, { mode: 'entries' });
	return new Set(result.processed.map(String));
}

/**
 * A test run ("Execute workflow" or "Execute step" in the editor) records nothing, the way n8n
 * keeps the static data (AL Alert Search's cursor) of manual executions: trying a workflow must
 * not use up its IoCs. It still reads the history, so it shows what a real run would hold back.
 */
export function isTestRun(context: IExecuteFunctions): boolean {
	return context.getMode() === 'manual';
}

/** Records confirmed keys; the history keeps the newest `historySize` (FIFO). */
export async function recordConfirmed(context: IExecuteFunctions, keys: string[], historySize: number): Promise<void> {
	await context.helpers.checkProcessedAndRecord(keys, CONFIRMED.scope, { mode: CONFIRMED.mode, maxEntries: historySize });
}
