import * as fs from 'fs';
import * as path from 'path';
import { exportBlocklists, type Blocklist, type ExportFormat, type ExportOptions, type FilterResult, type IocItem } from '../../nodes/shared/ioc';

export function readFixture(name: string): any {
	return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', name), 'utf8'));
}

/** Strict RFC 4180 reader: CRLF records, quoted fields with doubled quotes; throws on anything
 * else (a bare quote, a lone CR or LF outside quotes, text after a closing quote). */
export function parseCsvStrict(text: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let i = 0;
	if (!text.endsWith('\r\n')) throw new Error('CSV must end with CRLF');
	while (i < text.length) {
		let field = '';
		if (text[i] === '"') {
			i++;
			for (;;) {
				if (i >= text.length) throw new Error('unterminated quoted field');
				if (text[i] === '"') {
					if (text[i + 1] === '"') {
						field += '"';
						i += 2;
						continue;
					}
					i++;
					break;
				}
				field += text[i++];
			}
		} else {
			while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
				if (text[i] === '"' || text[i] === '\n') throw new Error(`bad character in unquoted field at ${i}`);
				field += text[i++];
			}
		}
		row.push(field);
		if (text[i] === ',') i++;
		else if (text[i] === '\r' && text[i + 1] === '\n') {
			rows.push(row);
			row = [];
			i += 2;
		} else throw new Error(`unexpected character after field at ${i}`);
	}
	return rows;
}

/** Undoes the `'` prefix that guards spreadsheet formulas. */
export function unguardCell(cell: string): string {
	return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

/** Reads the single string literal of a STIX comparison `[path = '…']`, undoing its escapes. */
export function stixPatternLiteral(pattern: string): { path: string; value: string } {
	const match = /^\[([a-z0-9-]+:value) = '((?:[^'\\]|\\.)*)'\]$/s.exec(pattern);
	if (!match) throw new Error(`not a simple STIX comparison: ${pattern}`);
	return { path: match[1], value: match[2].replace(/\\(.)/gs, '$1') };
}

export function occurrenceCount(result: FilterResult): number {
	let total = 0;
	for (const item of [...result.block, ...result.skipped]) total += item.occurrences;
	return total;
}

/** exportBlocklists for values that came off Block: every one must be exported, none refused. */
export function listsOfBlock(block: readonly IocItem[], format: ExportFormat, options?: ExportOptions): Blocklist[] {
	const { lists, skipped } = exportBlocklists(block, format, options);
	expect(skipped.map((item) => [item.type, item.value, item.reason_text])).toEqual([]);
	return lists;
}
