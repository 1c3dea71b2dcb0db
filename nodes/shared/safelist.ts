/**
 * Assemblyline's safelist, asked live (`GET /api/v4/safelist/<qhash>/`, assemblyline-ui api/v4/safelist.py,
 * role `safelist_view`): is a network value on it now? An alert or a summary says `safelisted` only
 * for the entries that existed when it was built; an entry added later never rewrites it.
 *
 * A tag entry is keyed by sha256("<tag type>: <value>") with the value normalized as
 * assemblyline-core's `normalize_hashlist_item` does (assemblyline_core/__init__.py; the key itself
 * in safelist_client.py `_preprocess_object`): `*.domain` values lower-cased whole, `*.uri` values
 * only in their authority (between `//` and the next `/`), anything else as given.
 */
import { createHash } from 'crypto';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { FilterResult, IocItem } from './ioc';
import { holdBack } from './ioc';
import { asNodeError } from './items';
import { Pacer } from './pacing';
import { assemblylineRequest } from './transport';

/** The value as Assemblyline hashes it for this tag type (normalize_hashlist_item). */
export function normalizeTagValue(tagType: string, value: string): string {
	if (tagType.endsWith('.domain')) return value.toLowerCase();
	if (tagType.endsWith('.uri')) {
		const at = value.indexOf('//');
		if (at < 0) return value;
		const start = at + 2;
		const slash = value.indexOf('/', start);
		const end = slash < 0 ? value.length : slash;
		return value.slice(0, start) + value.slice(start, end).toLowerCase() + value.slice(end);
	}
	return value;
}

/** The key of a tag entry in Assemblyline's safelist and badlist. */
export function tagQhash(tagType: string, value: string): string {
	return createHash('sha256')
		.update(`${tagType}: ${normalizeTagValue(tagType, value)}`, 'utf8')
		.digest('hex');
}

/** The network tag types an IoC of each blockable type can be safelisted under. */
const TAG_TYPES: Readonly<Record<string, readonly string[]>> = {
	ip: ['network.static.ip', 'network.dynamic.ip'],
	domain: ['network.static.domain', 'network.dynamic.domain'],
	uri: ['network.static.uri', 'network.dynamic.uri'],
};

/** One entry to look up: the (tag type, value) Assemblyline would hash. */
export interface SafelistKey {
	tagType: string;
	value: string;
}

/**
 * The keys under which Assemblyline could know this IoC: the tag types it was seen with (the
 * safelist matches a tag by its exact type), or both the static and dynamic type when it came
 * without one (a feed); its value and, when it differs, the raw value Assemblyline reported.
 */
export function keysOf(
	item: Pick<IocItem, 'type' | 'value' | 'original' | 'tag_types'>,
): SafelistKey[] {
	const allowed = TAG_TYPES[item.type];
	if (!allowed) return [];
	const seen = (item.tag_types ?? []).filter((tagType) => allowed.includes(tagType));
	const tagTypes = seen.length > 0 ? seen : allowed;
	const values = [
		...new Set(
			[item.value, item.original].filter((v): v is string => typeof v === 'string' && v !== ''),
		),
	];
	return tagTypes.flatMap((tagType) => values.map((value) => ({ tagType, value })));
}

/** Requests in flight at once: below Assemblyline's default concurrent API quota of 10 per user. */
export const LOOKUP_CONCURRENCY = 4;

/** The entry Assemblyline holds now, or null. Disabled entries do not count (the safelister skips them). */
export type SafelistEntry = IDataObject | null;

const NOT_FOUND = /not found in the safelist/i;

/**
 * Looks every distinct key up once (cached for the run), at most LOOKUP_CONCURRENCY at a time.
 * A lookup that fails fails the whole call: a value that might be safelisted is never passed on
 * because Assemblyline could not be asked.
 */
export async function lookUpSafelist(
	context: IExecuteFunctions,
	keys: Iterable<SafelistKey>,
): Promise<Map<string, SafelistEntry>> {
	const found = new Map<string, SafelistEntry>();
	const pending = new Map<string, Promise<void>>();
	const pacer = new Pacer({ concurrency: LOOKUP_CONCURRENCY, minIntervalMs: 0 });
	for (const key of keys) {
		const qhash = tagQhash(key.tagType, key.value);
		if (pending.has(qhash)) continue;
		pending.set(
			qhash,
			pacer
				.run(async () => {
					found.set(qhash, await lookUpOne(context, qhash));
				})
				.then(() => undefined),
		);
	}
	const settled = await Promise.allSettled(pending.values());
	const failed = settled.find(
		(result): result is PromiseRejectedResult => result.status === 'rejected',
	);
	if (failed) throw asNodeError(context, failed.reason);
	return found;
}

async function lookUpOne(context: IExecuteFunctions, qhash: string): Promise<SafelistEntry> {
	try {
		const entry = await assemblylineRequest<IDataObject | null>(context, {
			method: 'GET',
			path: `/api/v4/safelist/${qhash}/`,
		});
		if (!entry || typeof entry !== 'object' || entry.enabled === false) return null;
		return entry;
	} catch (error) {
		if (
			error instanceof NodeApiError &&
			error.httpCode === '404' &&
			NOT_FOUND.test(`${error.message} ${error.description ?? ''}`)
		)
			return null;
		throw asNodeError(context, error);
	}
}

/**
 * Filter Blockable IoCs' "Check Assemblyline Safelist": moves every Block candidate that
 * Assemblyline's safelist holds now to Skipped with reason `safelisted`. Does nothing unless the
 * node's `checkSafelist` parameter is on.
 */
export async function holdBackLiveSafelisted(
	context: IExecuteFunctions,
	decided: FilterResult,
): Promise<void> {
	if (context.getNodeParameter('checkSafelist', 0, false) !== true || decided.block.length === 0)
		return;
	const keysByItem = decided.block.map((item) => keysOf(item));
	const entries = await lookUpSafelist(context, keysByItem.flat());
	const block: IocItem[] = [];
	decided.block.forEach((item, index) => {
		const hit = keysByItem[index]
			.map((key) => ({ key, entry: entries.get(tagQhash(key.tagType, key.value)) }))
			.find(({ entry }) => entry);
		if (!hit) {
			block.push(item);
			return;
		}
		decided.skipped.push(
			holdBack(
				{ ...item, safelisted: true },
				'safelisted',
				safelistedText(hit.key, hit.entry as IDataObject),
			),
		);
	});
	decided.block = block;
}

function safelistedText(key: SafelistKey, entry: IDataObject): string {
	const sources = Array.isArray(entry.sources) ? (entry.sources as IDataObject[]) : [];
	const who = sources
		.slice(0, 3)
		.map((source) => {
			const reasons = Array.isArray(source.reason)
				? (source.reason as unknown[]).map(String).join('; ')
				: '';
			return reasons ? `${String(source.name)}: ${reasons}` : String(source.name);
		})
		.join(', ');
	return `Assemblyline's safelist holds this value now (${key.tagType}${who ? `, by ${who}` : ''}).`;
}
