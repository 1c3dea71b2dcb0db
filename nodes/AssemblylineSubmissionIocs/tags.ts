/**
 * Turns a submission summary and/or its ontology records into IoCs: the "Collecting Network
 * IoCs" exercise, with its values de-duplicated in Assemblyline's order. Pure: the node fetches.
 */
import type { OntologyRecord, SubmissionSummary } from '../shared/assemblyline';
import { DEFAULT_IOC_TAG_TYPES } from '../shared/assemblyline';

export type TagSelection =
	{ mode: 'network' } | { mode: 'iocGroup' } | { mode: 'custom'; prefixes: string[] };

export type TagValue = string | number | boolean | null;

export interface CollectedIoc {
	tag_type: string;
	/** As Assemblyline stores it; ontology values of non-string tags (ports) stay numbers. */
	value: TagValue;
	/** From the summary; the ontology carries no verdict, safelist flag or classification. */
	verdict: string | null;
	safelisted: boolean | null;
	classification: string | null;
	source: 'summary' | 'ontology' | 'both';
}

/**
 * The `ioc` group is Assemblyline's own choice of IoC tag types (its config); the summary says
 * which it uses, the ontology does not, so the default group stands in there.
 */
function selects(selection: TagSelection, iocGroup: readonly string[], tagType: string): boolean {
	switch (selection.mode) {
		case 'network':
			return tagType.startsWith('network.') && iocGroup.includes(tagType);
		case 'iocGroup':
			return iocGroup.includes(tagType);
		case 'custom':
			return selection.prefixes.some((prefix) => tagType.startsWith(prefix));
	}
}

export function iocsFromSummary(
	summary: SubmissionSummary,
	selection: TagSelection,
): CollectedIoc[] {
	const groups = summary.tags ?? { attribution: {}, behavior: {}, ioc: {} };
	const iocGroup = Object.keys(groups.ioc ?? {});
	// Custom prefixes may name tags outside the ioc group (e.g. attribution.family).
	const searched =
		selection.mode === 'custom' ? [groups.ioc, groups.attribution, groups.behavior] : [groups.ioc];
	const found: CollectedIoc[] = [];
	for (const group of searched) {
		for (const [tagType, tuples] of Object.entries(group ?? {})) {
			if (!selects(selection, iocGroup, tagType)) continue;
			for (const [value, verdict, safelisted, classification] of tuples ?? []) {
				found.push({
					tag_type: tagType,
					value,
					verdict,
					safelisted,
					classification,
					source: 'summary',
				});
			}
		}
	}
	return unique(found);
}

export function iocsFromOntology(
	records: OntologyRecord[],
	selection: TagSelection,
): CollectedIoc[] {
	const found: CollectedIoc[] = [];
	for (const record of records) {
		for (const [tagType, values] of Object.entries(record.results?.tags ?? {})) {
			if (!selects(selection, DEFAULT_IOC_TAG_TYPES, tagType) || !Array.isArray(values)) continue;
			for (const value of values as TagValue[]) {
				found.push({
					tag_type: tagType,
					value,
					verdict: null,
					safelisted: null,
					classification: null,
					source: 'ontology',
				});
			}
		}
	}
	return unique(found);
}

/** Ontology values annotated with the summary's verdicts; summary-only values are kept too. */
export function combine(fromSummary: CollectedIoc[], fromOntology: CollectedIoc[]): CollectedIoc[] {
	const inOntology = new Set(fromOntology.map(key));
	const known = new Map(fromSummary.map((ioc) => [key(ioc), ioc]));
	return [
		...fromSummary.map((ioc) =>
			inOntology.has(key(ioc)) ? { ...ioc, source: 'both' as const } : ioc,
		),
		...fromOntology.filter((ioc) => !known.has(key(ioc))),
	];
}

/** What Assemblyline said about one value, next to the exercise's mapping. `verdict: null` with
 * `source: "ontology"` means Assemblyline's ontology lists the value but nothing scored it. */
export interface TagDetail {
	value: TagValue;
	verdict: string | null;
	safelisted: boolean | null;
	classification: string | null;
	source: CollectedIoc['source'];
}

export interface Grouped {
	/** `{"network.static.ip": [...], ...}`: the exercise's mapping, exactly. */
	iocs: Record<string, TagValue[]>;
	/** The same tag types, each list index for index with `iocs`: the value and its verdict. */
	details: Record<string, TagDetail[]>;
}

// Tag types are Assemblyline's names, but a key such as "__proto__" must stay a plain key.
function put<T>(map: Record<string, T[]>, key: string, value: T): void {
	if (!Object.prototype.hasOwnProperty.call(map, key)) {
		Object.defineProperty(map, key, {
			value: [],
			enumerable: true,
			writable: true,
			configurable: true,
		});
	}
	map[key].push(value);
}

export function groupByTagType(iocs: CollectedIoc[]): Grouped {
	const grouped: Grouped = { iocs: {}, details: {} };
	for (const ioc of iocs) {
		put(grouped.iocs, ioc.tag_type, ioc.value);
		const { value, verdict, safelisted, classification, source } = ioc;
		put(grouped.details, ioc.tag_type, { value, verdict, safelisted, classification, source });
	}
	return grouped;
}

/**
 * Ontology NDJSON, one record per line. Lines that are not JSON are counted, not dropped
 * silently: the caller fails the item, since a cut download would otherwise lose IoCs. The records
 * are unchecked JSON: the caller checks them against ONTOLOGY_RECORD.
 */
export function parseNdjson(text: string): { records: unknown[]; unreadableLines: number[] } {
	const records: unknown[] = [];
	const unreadableLines: number[] = [];
	text.split('\n').forEach((line, index) => {
		if (!line.trim()) return;
		try {
			records.push(JSON.parse(line));
		} catch {
			unreadableLines.push(index + 1);
		}
	});
	return { records, unreadableLines };
}

function key(ioc: CollectedIoc): string {
	return `${ioc.tag_type}\u0000${typeof ioc.value}\u0000${String(ioc.value)}`;
}

function unique(iocs: CollectedIoc[]): CollectedIoc[] {
	const seen = new Set<string>();
	return iocs.filter((ioc) => {
		const k = key(ioc);
		if (seen.has(k)) return false;
		seen.add(k);
		return true;
	});
}

/**
 * The ontology's `sha256` filter keeps result keys that start with the value, case-sensitively,
 * and Assemblyline stores lower-case hex (assemblyline-ui api/v4/ontology.py): an upper-case hash
 * would match nothing. Values are lower-cased and de-duplicated (a value given twice makes the
 * server write the records twice); `invalid` lists what is not a SHA256.
 */
export function ontologySha256s(values: string[]): { sha256: string[]; invalid: string[] } {
	const sha256: string[] = [];
	const invalid: string[] = [];
	for (const value of values) {
		const hash = value.trim().toLowerCase();
		if (!/^[0-9a-f]{64}$/.test(hash)) invalid.push(value);
		else if (!sha256.includes(hash)) sha256.push(hash);
	}
	return { sha256, invalid };
}

/** De-duplicated service names, as given: the server matches them case-sensitively. */
export function ontologyServices(values: string[]): string[] {
	return [...new Set(values.map((v) => v.trim()).filter(Boolean))];
}

/**
 * One warning per filter value that no ontology record answers: a wrong-case service name or a
 * hash of a file outside the submission gives an empty answer, not an error.
 */
export function unmatchedFilterWarnings(
	records: OntologyRecord[],
	sha256: string[],
	services: string[],
): string[] {
	const warnings: string[] = [];
	for (const hash of sha256) {
		if (!records.some((r) => String(r.file?.sha256 ?? '').startsWith(hash))) {
			warnings.push(
				`File SHA256 "${hash}" matched no result of this submission that has an ontology.`,
			);
		}
	}
	for (const service of services) {
		// Result keys write a dot in a service name as "_".
		if (
			!records.some(
				(r) => String(r.service?.name ?? '').replace(/\./g, '_') === service.replace(/\./g, '_'),
			)
		) {
			warnings.push(
				`Service "${service}" matched no result of this submission that has an ontology. Service names are case-sensitive (e.g. CAPE, Extract).`,
			);
		}
	}
	return warnings;
}
