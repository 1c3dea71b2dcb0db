/**
 * Block on Firewall / EDR: every input item's IoC is re-checked with `checkBlockable` (the rules of
 * Filter Blockable IoCs), then the ones the target can block are pushed in batches; each item
 * comes out once, on Done with its status or on Not Pushed with the reason (docs/architecture.md).
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { credentialSecrets } from '../shared/http';
import { checkBlockable } from '../shared/ioc/blockable';
import { createIo, redact, type RecordedRequest } from './send';
import { TARGETS } from './targets';
import type { Operation, PushIoc, PushResult, TargetSettings } from './targets/types';
import { TargetError } from './targets/types';

/** The target parameters each target reads (only shown ones exist on the node). */
const TARGET_PARAMS: Record<string, Array<[string, unknown]>> = {
	panos: [['tag', 'n8n-block']],
	opnsense: [['alias', 'n8n_block']],
	cloudflare: [['cloudflareListId', '']],
	fortigate: [
		['fortiApi', 'feed'],
		['fortiGroup', 'n8n-block'],
		['fortiGroup6', ''],
		['fortiIpFeed', 'n8n-ip-block'],
		['fortiDomainFeed', ''],
		['fortiUrlFeed', ''],
	],
	crowdstrike: [
		['falconAction', 'detect'],
		['falconSeverity', 'high'],
	],
	defender: [
		['indicatorAction', 'Block'],
		['severity', 'High'],
		['title', 'Blocked by n8n'],
	],
};

/** One distinct IoC: what is pushed once, whatever the number of items that carry it. */
interface Group {
	ioc: PushIoc;
	result?: PushResult;
}

function notPushed(itemIndex: number, json: IDataObject): INodeExecutionData {
	return { json, pairedItem: { item: itemIndex } };
}

/** The expiry of one item (ISO), null for none, or a reason it cannot be used. */
function expiryOf(
	raw: unknown,
	fallback: string | null,
	now: number,
): { ok: true; at: string | null } | { ok: false; text: string } {
	const text =
		typeof raw === 'string'
			? raw.trim()
			: raw instanceof Date
				? raw.toISOString()
				: raw === undefined || raw === null
					? ''
					: String(raw);
	if (text === '') return { ok: true, at: fallback };
	const at = Date.parse(text);
	if (Number.isNaN(at))
		return {
			ok: false,
			text: `Expires At "${text.slice(0, 60)}" is not a date; use ISO 8601, e.g. 2030-01-31T00:00:00Z.`,
		};
	if (at <= now)
		return {
			ok: false,
			text: `Expires At ${new Date(at).toISOString()} has passed; an expired block is not pushed.`,
		};
	return { ok: true, at: new Date(at).toISOString() };
}

/**
 * A reader for a per-item parameter. The defaults, `={{ $json.type }}` and the like, are read from
 * the item directly: the same value without n8n's expression engine, which costs seconds over
 * 10,000 items (bench/cases/push.ts). Any other value or expression goes through getNodeParameter.
 */
function itemReader(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	name: string,
): (i: number) => unknown {
	const raw = context.getNode().parameters[name];
	const field =
		typeof raw === 'string'
			? /^=\{\{\s*\$json\.([A-Za-z_][\w]*)\s*\}\}$/.exec(raw)?.[1]
			: undefined;
	if (field !== undefined) return (i) => items[i].json[field];
	// A fixed value (not an expression) is the same for every item.
	if (typeof raw === 'string' && !raw.startsWith('=')) return () => raw;
	return (i) => context.getNodeParameter(name, i, '');
}

export async function execute(context: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const targetId = context.getNodeParameter('target', 0) as string;
	const target = TARGETS[targetId];
	if (!target) throw new NodeOperationError(context.getNode(), `Unknown target "${targetId}"`);
	const operation = context.getNodeParameter('operation', 0) as Operation;
	const options = context.getNodeParameter('options', 0, {}) as IDataObject;
	const now = Date.now();
	const hours = Number(options.expireAfterHours ?? 168);
	const defaultExpiry = hours > 0 ? new Date(now + hours * 3_600_000).toISOString() : null;
	const base = { target: target.id, operation };

	const params: IDataObject = Object.fromEntries(
		(TARGET_PARAMS[target.id] ?? []).map(([name, fallback]) => [
			name,
			context.getNodeParameter(name, 0, fallback),
		]),
	);
	if (options.generateAlert !== undefined) params.generateAlert = options.generateAlert;

	const skipped: INodeExecutionData[] = [];
	const groups = new Map<string, Group>();
	/** Each item's group; undefined for an item on Not Pushed. */
	const itemGroups: Array<Group | undefined> = new Array(items.length);
	const readType = itemReader(context, items, 'iocType');
	const readValue = itemReader(context, items, 'iocValue');
	const readExpiry = operation === 'add' ? itemReader(context, items, 'expiresAt') : () => '';
	for (let i = 0; i < items.length; i++) {
		const type = readType(i);
		const value = readValue(i);
		const checked = checkBlockable(type, value);
		if (!checked.ok) {
			const status = checked.reason === 'unsupported_type' ? 'unsupported_type' : 'refused';
			skipped.push(
				notPushed(i, {
					type: checked.type,
					value: checked.value,
					...base,
					status,
					reason: checked.reason,
					reason_text: checked.text,
				}),
			);
			continue;
		}
		let expiresAt: string | null = null;
		if (operation === 'add') {
			const expiry = expiryOf(readExpiry(i), defaultExpiry, now);
			if (!expiry.ok) {
				skipped.push(
					notPushed(i, {
						type: checked.type,
						value: checked.value,
						...base,
						status: 'refused',
						reason: 'invalid_expiry',
						reason_text: expiry.text,
					}),
				);
				continue;
			}
			expiresAt = expiry.at;
		}
		const key = `${checked.type}|${checked.value}`;
		const ioc: PushIoc = { key, type: checked.type, value: checked.value, expiresAt };
		if (checked.type === 'ip') ioc.ipVersion = checked.value.includes(':') ? 6 : 4;
		const why = target.unsupported(ioc, params);
		if (why !== null) {
			skipped.push(
				notPushed(i, {
					type: ioc.type,
					value: ioc.value,
					...base,
					status: 'unsupported_type',
					reason: 'unsupported_type',
					reason_text: why,
				}),
			);
			continue;
		}
		let group = groups.get(key);
		if (group) {
			// The same IoC twice: the later expiry wins (never shorten a block).
			if (group.ioc.expiresAt !== null && (expiresAt === null || expiresAt > group.ioc.expiresAt))
				group.ioc.expiresAt = expiresAt;
		} else {
			group = { ioc };
			groups.set(key, group);
		}
		itemGroups[i] = group;
	}

	const credentials =
		groups.size > 0 ? ((await context.getCredentials(target.credentialType)) as IDataObject) : {};
	const secrets = credentialSecrets(
		credentials as ICredentialDataDecryptedObject,
		target.secretFields,
	);
	const settings: TargetSettings = { params, credentials, now };
	const recorded: RecordedRequest[] = [];
	const dryRun = options.dryRun === true;
	const io = createIo(
		context,
		target,
		{
			dryRun,
			retries: Number(options.retries ?? 5),
			maxRetryWaitMs: Number(options.maxRetryWait ?? 120) * 1000,
			requestsPerMinute: Number(options.requestsPerMinute ?? 0),
			timeoutMs: Number(options.timeout ?? 60) * 1000,
			skipSsl: credentials.ignoreSslIssues === true,
			secrets,
		},
		recorded,
	);

	const distinct = [...groups.values()];
	const iocs = distinct.map((group) => group.ioc);
	const fail = (batch: Group[], error: string) => {
		for (const group of batch) group.result = { status: 'failed', error };
	};
	const asMessage = (error: unknown) =>
		redact(error instanceof Error ? error.message : String(error), secrets);
	let fatal: string | undefined;
	if (iocs.length > 0) {
		let prepared: unknown;
		try {
			prepared = target.prepare ? await target.prepare(io, iocs, operation, settings) : undefined;
		} catch (error) {
			if (!(error instanceof TargetError))
				throw new NodeOperationError(context.getNode(), error as Error);
			fatal = asMessage(error);
		}
		const size = Math.max(1, target.batch[operation]);
		const batches: Group[][] = [];
		for (let start = 0; start < distinct.length; start += size)
			batches.push(distinct.slice(start, start + size));
		let next = 0;
		// Each lane takes the next batch: one lane sends them one after the other; more (a target's
		// documented concurrency) let the node build and send one while the target applies another.
		const lane = async () => {
			while (next < batches.length) {
				const batch = batches[next++];
				if (fatal !== undefined) {
					fail(batch, fatal);
					continue;
				}
				try {
					const done = await target[operation](
						io,
						batch.map((group) => group.ioc),
						settings,
						prepared,
					);
					for (const group of batch) group.result = done.get(group.ioc.key);
				} catch (error) {
					if (!(error instanceof TargetError)) {
						fatal ??= asMessage(error); // the other lanes stop sending
						throw new NodeOperationError(context.getNode(), error as Error);
					}
					fail(batch, asMessage(error));
					if (error.fatal) fatal = asMessage(error);
				}
			}
		};
		const lanes = Math.max(1, Math.min(target.concurrency ?? 1, batches.length));
		await Promise.all(Array.from({ length: lanes }, lane));
	}

	if (dryRun) {
		const all = items.map((_, item) => ({ item }));
		const requests = recorded.map((request, n) => ({
			json: { dry_run: true, ...base, request_number: n + 1, ...request } as IDataObject,
			pairedItem: all,
		}));
		return [requests, skipped];
	}

	const done: INodeExecutionData[] = [];
	let firstFailed: { itemIndex: number; error: string } | undefined;
	let failedCount = 0;
	for (let i = 0; i < items.length; i++) {
		const group = itemGroups[i];
		if (group === undefined) continue;
		const { ioc } = group;
		const result = group.result ?? {
			status: 'failed' as const,
			error: `${target.name} gave no result for ${ioc.value}.`,
		};
		if (result.status === 'failed') {
			failedCount++;
			firstFailed ??= { itemIndex: i, error: result.error ?? 'failed' };
		}
		const json: IDataObject = {
			type: ioc.type,
			value: ioc.value,
			target: base.target,
			operation: base.operation,
			status: result.status,
			target_id: result.target_id ?? null,
		};
		if (operation === 'add')
			json.expires_at = result.status === 'failed' ? null : (result.expires_at ?? null);
		if (result.expiry_refreshed !== undefined) json.expiry_refreshed = result.expiry_refreshed;
		if (result.error) json.error = result.error;
		done.push({ json, pairedItem: { item: i } });
	}
	if (firstFailed && !context.continueOnFail()) {
		const pushed = done.length - failedCount;
		throw new NodeOperationError(context.getNode(), firstFailed.error, {
			itemIndex: firstFailed.itemIndex,
			description: `${failedCount} of ${done.length} IoC(s) failed on ${target.name}; ${pushed} went through. Turn on "On Error: Continue" to get one result per IoC.`,
		});
	}
	return [done, skipped];
}
