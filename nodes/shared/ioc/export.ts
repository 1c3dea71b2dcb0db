import { createHash } from 'crypto';
import { isExportable } from './blockable';
import { holdBack } from './decide';
import { quote } from './text';
import type { IocItem, NetworkType, SkippedIoc } from './types';

export type ExportFormat = 'plain' | 'paloalto_edl' | 'fortigate' | 'csv' | 'stix';
export type LineFormat = Extract<ExportFormat, 'plain' | 'paloalto_edl' | 'fortigate'>;

export interface ExportOptions {
	/** STIX `created`/`modified`/`valid_from`; the caller passes it so exports stay reproducible. */
	timestamp?: Date | string;
}

export interface Blocklist {
	iocType: NetworkType;
	format: ExportFormat;
	text: string;
}

/** What exportBlocklists made: the lists, and every item it left out with the reason. */
export interface ExportResult {
	lists: Blocklist[];
	/** Items the re-check refused, with reason `not_exportable`; the others were exported. */
	skipped: SkippedIoc[];
}

const NETWORK_TYPES: readonly NetworkType[] = ['ip', 'domain', 'uri'];

function refusal(item: IocItem, format: ExportFormat): string {
	return `Cannot export ${quote(String(item.value))} (${String(item.type)}) as ${format}: it is not a normalised, blockable IP, domain or URI. Send IoCs through Filter Blockable IoCs first.`;
}

/** Exporters re-check what they are given: items may have been edited between nodes, and a
 * malformed entry can do harm on a firewall (PAN-OS once hung commits on bad URL entries).
 * The re-check is checkBlockable, the definition the Filter decides with, so what the Filter puts
 * on Block always passes. One refused item is left out with a reason; the rest are exported. */
export function partitionExportable(
	items: readonly IocItem[],
	format: ExportFormat,
): { exportable: IocItem[]; skipped: SkippedIoc[] } {
	const exportable: IocItem[] = [];
	const skipped: SkippedIoc[] = [];
	for (const item of items) {
		if (isExportable(item.type, item.value)) exportable.push(item);
		else skipped.push(holdBack(item, 'not_exportable', refusal(item, format)));
	}
	return { exportable, skipped };
}

/** For the single-format functions, whose callers promise checked items: a refused item throws. */
function assertBlockable(items: readonly IocItem[], format: ExportFormat, oneType: boolean): void {
	for (const item of items) {
		if (!isExportable(item.type, item.value)) throw new Error(refusal(item, format));
		if (oneType && item.type !== items[0].type) {
			throw new Error(
				`A ${format} list holds one IoC type; got both ${items[0].type} and ${item.type}.`,
			);
		}
	}
}

const SCHEME = /^[a-z]+:\/\//;

/** One entry per line. Palo Alto EDL and FortiGate threat feeds take URLs without a scheme;
 * we never emit wildcards, ranges or CIDRs, and domains are at most 253 characters (PAN: 255). */
export function exportLines(items: readonly IocItem[], format: LineFormat): string {
	assertBlockable(items, format, true);
	return linesOf(items, format);
}

function linesOf(items: readonly IocItem[], format: LineFormat): string {
	const lines = new Set<string>();
	for (const item of items)
		lines.add(
			format !== 'plain' && item.type === 'uri' ? item.value.replace(SCHEME, '') : item.value,
		);
	return lines.size === 0 ? '' : `${[...lines].join('\n')}\n`;
}

export const exportPlain = (items: readonly IocItem[]): string => exportLines(items, 'plain');
export const exportPaloAltoEdl = (items: readonly IocItem[]): string =>
	exportLines(items, 'paloalto_edl');
export const exportFortigate = (items: readonly IocItem[]): string =>
	exportLines(items, 'fortigate');

const CSV_COLUMNS = [
	'type',
	'value',
	'verdict',
	'tag_types',
	'sources',
	'occurrences',
	'classification',
] as const;
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** A CSV cell that a spreadsheet will not run as a formula (OWASP CSV injection). */
export function csvCell(text: string): string {
	const safe = FORMULA_START.test(text) ? `'${text}` : text;
	return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** RFC 4180 CSV with a header row, CRLF line ends. */
export function exportCsv(items: readonly IocItem[]): string {
	assertBlockable(items, 'csv', false);
	return csvOf(items);
}

function csvOf(items: readonly IocItem[]): string {
	const rows = [CSV_COLUMNS.join(',')];
	for (const item of items) {
		const sources = item.sources.map((source) =>
			[source.alert_id && `alert=${source.alert_id}`, source.sid && `sid=${source.sid}`]
				.filter(Boolean)
				.join(' '),
		);
		const cells = [
			item.type,
			item.value,
			item.verdict ?? '',
			item.tag_types.join(';'),
			sources.join('; '),
			String(item.occurrences),
			item.classification ?? '',
		];
		rows.push(cells.map(csvCell).join(','));
	}
	return `${rows.join('\r\n')}\r\n`;
}

// Our own UUIDv5 namespace for indicator ids: the same IoC always gets the same id.
const STIX_NAMESPACE = Uint8Array.from(
	'5e0a1c4e7d3b4f5a9c2e8b1d6f4a3c20'.match(/../g) as string[],
	(pair) => parseInt(pair, 16),
);

/** RFC 9562 UUIDv5: SHA-1 of namespace and name, with the version and variant bits set. */
function uuidV5(name: string): string {
	const hex = createHash('sha1').update(STIX_NAMESPACE).update(name, 'utf8').digest('hex');
	const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A STIX pattern string literal: `\` and `'` escaped. */
export function stixLiteral(value: string): string {
	return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function stixObjectPath(item: IocItem): string {
	if (item.type === 'ip') return item.value.includes(':') ? 'ipv6-addr:value' : 'ipv4-addr:value';
	return item.type === 'domain' ? 'domain-name:value' : 'url:value';
}

function stixTimestamp(timestamp: Date | string | undefined): string {
	const date =
		timestamp instanceof Date
			? timestamp
			: typeof timestamp === 'string'
				? new Date(timestamp)
				: undefined;
	if (!date || Number.isNaN(date.getTime()))
		throw new RangeError('A STIX export needs a valid timestamp (a Date or an ISO 8601 string).');
	return date.toISOString();
}

/** A STIX 2.1 bundle of indicators, one per IoC, as a JSON string. Ids are UUIDv5 of the
 * pattern, the bundle id of the indicator ids and the timestamp, so equal input gives equal output. */
export function exportStix(items: readonly IocItem[], options: ExportOptions = {}): string {
	assertBlockable(items, 'stix', false);
	return stixOf(items, options);
}

function stixOf(items: readonly IocItem[], options: ExportOptions): string {
	const time = stixTimestamp(options.timestamp);
	const objects = items.map((item) => {
		const pattern = `[${stixObjectPath(item)} = ${stixLiteral(item.value)}]`;
		return {
			type: 'indicator',
			spec_version: '2.1',
			id: `indicator--${uuidV5(pattern)}`,
			created: time,
			modified: time,
			name: item.value,
			description: `Assemblyline ${item.type} IoC, verdict ${item.verdict ?? 'none'}.`,
			indicator_types: ['malicious-activity'],
			pattern,
			pattern_type: 'stix',
			valid_from: time,
		};
	});
	const bundleId = `bundle--${uuidV5(`${time}\n${objects.map((object) => object.id).join('\n')}`)}`;
	return JSON.stringify({ type: 'bundle', id: bundleId, objects });
}

/** One blocklist per IoC type present (ip, domain, uri), so the node emits one item per type.
 * Never fails because of one item: what the re-check refuses goes to `skipped`. */
export function exportBlocklists(
	items: readonly IocItem[],
	format: ExportFormat,
	options: ExportOptions = {},
): ExportResult {
	const { exportable, skipped } = partitionExportable(items, format);
	const lists: Blocklist[] = [];
	for (const iocType of NETWORK_TYPES) {
		const ofType = exportable.filter((item) => item.type === iocType);
		if (ofType.length === 0) continue;
		const text =
			format === 'csv'
				? csvOf(ofType)
				: format === 'stix'
					? stixOf(ofType, options)
					: linesOf(ofType, format);
		lists.push({ iocType, format, text });
	}
	return { lists, skipped };
}
