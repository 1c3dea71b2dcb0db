import type { IocMerger } from './merge';
import type { IocOccurrence, IocSource } from './types';

export type InputShape = 'auto' | 'alert' | 'submissionIoc' | 'grouped' | 'summary' | 'field';

export interface ExtractOptions {
	/** `auto` (default) recognises the shapes below, then falls back to `field` when a value field is set. */
	shape?: InputShape;
	/** Dot path of the value (or array of values) for `field`. */
	valueField?: string;
	typeField?: string;
	verdictField?: string;
	/** n8n input item index, copied onto every occurrence for pairedItem. */
	itemIndex?: number;
}

/** Input the library cannot read; the node reports it per item (NodeOperationError). */
export class IocInputError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'IocInputError';
	}
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
	typeof value === 'object' && value !== null && !Array.isArray(value);
const asString = (value: unknown): string | undefined =>
	typeof value === 'string' && value !== '' ? value : undefined;

/** Reads a dot path (`a.b.0.c`) through own properties only. */
export function readPath(json: unknown, path: string): unknown {
	let current: unknown = json;
	for (const key of path.split('.')) {
		if (
			typeof current !== 'object' ||
			current === null ||
			!Object.prototype.hasOwnProperty.call(current, key)
		)
			return undefined;
		current = (current as Json)[key];
	}
	return current;
}

function sourceOf(json: Json): IocSource | undefined {
	const alertId = asString(json.alert_id);
	const sid = asString(json.sid);
	if (alertId === undefined && sid === undefined) return undefined;
	return alertId === undefined
		? { sid }
		: sid === undefined
			? { alert_id: alertId }
			: { alert_id: alertId, sid };
}

const NETWORK_GROUPS = ['ip', 'domain', 'uri'] as const;

/** One value read from an alert: `tagType` is undefined for an `al.detailed` entry that is not
 * an object, `detailed` true for one that is (it carries the verdict). */
type AlertValue = (
	value: unknown,
	group: string,
	tagType: string | null | undefined,
	verdict: unknown,
	detailed: boolean,
) => void;

// `al.detailed.<group>` carries verdicts; an alert fetched without it (an `fl` projection) still
// has the plain value lists, which then come without a verdict.
function fromAlert(al: Json, emit: AlertValue): void {
	const detailed = isObject(al.detailed) ? al.detailed : undefined;
	for (const group of NETWORK_GROUPS) {
		if (detailed) {
			const entries = detailed[group] ?? [];
			if (!Array.isArray(entries)) continue;
			for (let i = 0; i < entries.length; i++) {
				const entry: unknown = entries[i];
				if (isObject(entry))
					emit(entry.value, group, asString(entry.type) ?? null, entry.verdict, true);
				else emit(entry, group, undefined, undefined, false);
			}
			continue;
		}
		const split = [`${group}_dynamic`, `${group}_static`].filter((key) => Array.isArray(al[key]));
		const lists: Array<[string, string | null]> =
			split.length > 0
				? split.map((key) => [key, `network.${key.split('_')[1]}.${group}`])
				: [[group, null]];
		for (const [key, tagType] of lists) {
			const values = al[key] ?? [];
			if (Array.isArray(values))
				for (const value of values) emit(value, group, tagType, undefined, false);
		}
	}
}

/** The grouped output's `details[tag_type]`: value → what Assemblyline said about it. */
function detailsOf(details: unknown, tagType: string): Map<unknown, Json> | undefined {
	if (!isObject(details) || !Object.prototype.hasOwnProperty.call(details, tagType))
		return undefined;
	const list = details[tagType];
	if (!Array.isArray(list)) return undefined;
	const byValue = new Map<unknown, Json>();
	for (const detail of list)
		if (isObject(detail) && !byValue.has(detail.value)) byValue.set(detail.value, detail);
	return byValue;
}

// `{tag_type: [value…]}` (grouped output, its verdicts in `details`, matched by value so an edited
// `iocs` list still finds them) or `{tag_type: [[value, verdict, safelisted, classification]…]}` (summary).
function fromTagMap(
	map: Json,
	source: IocSource | undefined,
	itemIndex: number | undefined,
	out: IocOccurrence[],
	details?: unknown,
): void {
	for (const tagType of Object.keys(map)) {
		const entries = map[tagType];
		if (!Array.isArray(entries)) continue;
		const known = detailsOf(details, tagType);
		for (const entry of entries) {
			const detail = known?.get(entry);
			if (detail) {
				out.push({
					value: entry,
					tag_type: tagType,
					verdict: detail.verdict,
					safelisted: detail.safelisted === true,
					classification: asString(detail.classification),
					source,
					itemIndex,
				});
			} else if (Array.isArray(entry)) {
				out.push({
					value: entry[0],
					tag_type: tagType,
					verdict: entry[1],
					safelisted: entry[2] === true,
					classification: asString(entry[3]),
					source,
					itemIndex,
				});
			} else out.push({ value: entry, tag_type: tagType, source, itemIndex });
		}
	}
}

const strings = (value: unknown): string[] | undefined =>
	Array.isArray(value)
		? value.filter((one): one is string => typeof one === 'string' && one !== '')
		: undefined;

/** A merged IoC item (Filter Blockable IoCs' own output, AL Alert Search's IoC output): its
 * sources, sighting count, tag types and classifications, so that merging it again gives the
 * IoC its occurrences gave. Absent on a plain single-IoC item. */
function mergedFields(item: Json): Partial<IocOccurrence> {
	const fields: Partial<IocOccurrence> = {};
	if (Array.isArray(item.sources))
		fields.sources = item.sources.filter(isObject).map((one) => sourceOf(one) ?? {});
	const count = item.occurrences;
	if (typeof count === 'number' && Number.isSafeInteger(count) && count > 0) fields.count = count;
	const tagTypes = strings(item.tag_types);
	if (tagTypes?.length) fields.tag_types = tagTypes;
	const classifications = strings(item.classifications);
	if (classifications?.length) fields.classifications = classifications;
	return fields;
}

/** Which known shape an item has, or null. */
export function detectShape(json: unknown): Exclude<InputShape, 'auto' | 'field'> | null {
	if (!isObject(json)) return null;
	if (isObject(json.al)) return 'alert';
	if (isObject(json.iocs)) return 'grouped';
	if (isObject(json.tags) && isObject(json.tags.ioc)) return 'summary';
	if ('value' in json && ('type' in json || 'tag_type' in json)) return 'submissionIoc';
	return null;
}

const SHAPE_HINT: Readonly<Record<Exclude<InputShape, 'auto' | 'field'>, string>> = {
	alert: 'an Assemblyline alert (with an "al" object)',
	grouped: 'a grouped IoC item (with an "iocs" object)',
	summary: 'a submission summary (with "tags.ioc")',
	submissionIoc: 'a single IoC item (with "value" and "type" or "tag_type")',
};

/** The shape an item is read as; throws IocInputError when it cannot be read as asked. */
function shapeOf(json: unknown, options: ExtractOptions): Exclude<InputShape, 'auto'> {
	const detected = detectShape(json);
	const shape = options.shape ?? 'auto';
	if (shape === 'auto') {
		const found = detected ?? (options.valueField ? 'field' : null);
		if (found === null) {
			throw new IocInputError(
				'This item is not an Assemblyline alert, submission summary or IoC item. Set "Value Field" to the field that holds the IoC value.',
			);
		}
		return found;
	}
	if (shape !== 'field' && shape !== detected) {
		throw new IocInputError(
			`This item is not ${SHAPE_HINT[shape]}. Choose another input shape, or "auto".`,
		);
	}
	return shape;
}

/** The IoC occurrences in one n8n item's json. Throws IocInputError when the item cannot be read. */
export function extractOccurrences(json: unknown, options: ExtractOptions = {}): IocOccurrence[] {
	return read(json, shapeOf(json, options), options);
}

/** What IocMerger takes in (a type-only view, so this file does not import the merge). */
export type OccurrenceSink = Pick<IocMerger, 'add' | 'addSighting' | 'sourceOf'>;

/**
 * extractOccurrences straight into a merger: what `for (const o of extractOccurrences(json,
 * options)) merger.add(o)` does, but an alert's values go in without an occurrence object each
 * (the hot path of Filter Blockable IoCs and the alert search's IoC output). Throws IocInputError
 * before anything is added when the item cannot be read.
 */
export function extractInto(json: unknown, options: ExtractOptions, sink: OccurrenceSink): void {
	const shape = shapeOf(json, options);
	if (shape !== 'alert') {
		for (const occurrence of read(json, shape, options)) sink.add(occurrence);
		return;
	}
	const item = json as Json;
	const source = sink.sourceOf(asString(item.alert_id), asString(item.sid));
	const { itemIndex } = options;
	fromAlert(item.al as Json, (value, group, tagType, verdict) =>
		sink.addSighting(value, group, tagType, verdict, source, itemIndex),
	);
}

function read(
	json: unknown,
	shape: Exclude<InputShape, 'auto'>,
	options: ExtractOptions,
): IocOccurrence[] {
	const { itemIndex } = options;
	const item = json as Json;
	const source = isObject(json) ? sourceOf(item) : undefined;
	const out: IocOccurrence[] = [];
	switch (shape) {
		case 'alert':
			fromAlert(item.al as Json, (value, group, tagType, verdict, detailed) =>
				out.push(
					detailed
						? { value, type: group, tag_type: tagType, verdict, source, itemIndex }
						: tagType === undefined
							? { value, type: group, source, itemIndex }
							: { value, type: group, tag_type: tagType, source, itemIndex },
				),
			);
			break;
		case 'grouped':
			fromTagMap(item.iocs as Json, source, itemIndex, out, item.details);
			break;
		case 'summary':
			fromTagMap((item.tags as Json).ioc as Json, source, itemIndex, out);
			break;
		case 'submissionIoc':
			out.push({
				value: item.value,
				type: asString(item.type),
				tag_type: asString(item.tag_type) ?? null,
				verdict: item.verdict,
				safelisted: item.safelisted === true,
				classification: asString(item.classification),
				source,
				itemIndex,
				...mergedFields(item),
			});
			break;
		case 'field': {
			if (!options.valueField)
				throw new IocInputError('Set "Value Field" to the field that holds the IoC value.');
			const value = readPath(json, options.valueField);
			const type = options.typeField ? asString(readPath(json, options.typeField)) : undefined;
			const verdict = options.verdictField ? readPath(json, options.verdictField) : undefined;
			for (const one of Array.isArray(value) ? value : [value])
				out.push({ value: one, type, verdict, source, itemIndex });
			break;
		}
	}
	return out;
}
