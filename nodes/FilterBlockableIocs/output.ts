/**
 * Filter Blockable IoCs' output items: one per IoC (Block and Skipped), or one blocklist file per
 * IoC type on Block.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IPairedItemData,
} from 'n8n-workflow';

import type { ExportFormat, IocItem, SkippedIoc } from '../shared/ioc';
import { exportBlocklists } from '../shared/ioc';

const FILE_TYPES: Readonly<Record<ExportFormat, { extension: string; mimeType: string }>> = {
	plain: { extension: 'txt', mimeType: 'text/plain' },
	paloalto_edl: { extension: 'txt', mimeType: 'text/plain' },
	fortigate: { extension: 'txt', mimeType: 'text/plain' },
	csv: { extension: 'csv', mimeType: 'text/csv' },
	stix: { extension: 'json', mimeType: 'application/json' },
};

const UNSCORED_WARNING =
	'No verdict came with this IoC; it is on Block because "Items Without a Verdict" blocks such IoCs.';

function pairedItems(indexes: readonly number[] | undefined): IPairedItemData[] {
	return (indexes ?? []).map((item) => ({ item }));
}

/** The columns an analyst reads first (n8n's Table view follows key order). */
const LEADING_KEYS = ['type', 'value', 'verdict', 'reason', 'reason_text'] as const;

const LEADING: ReadonlySet<string> = new Set(LEADING_KEYS);

/** An IoC as output json: the leading columns first, internal fields left out. Built in one pass
 * (one item per IoC, hundreds of thousands on a backfill). */
function iocJson(ioc: IocItem | SkippedIoc): IDataObject {
	const fields = ioc as unknown as IDataObject;
	const json: IDataObject = {};
	for (const key of LEADING_KEYS) if (key in fields) json[key] = fields[key];
	if (ioc.verdict === null && !('reason' in ioc)) json.warning = UNSCORED_WARNING;
	// `original` only says something when it differs from the value; merged spellings are all in `originals`.
	const dropOriginal = ioc.original === ioc.value || ioc.originals !== undefined;
	for (const key of Object.keys(fields)) {
		if (LEADING.has(key) || key === 'itemIndexes' || (key === 'original' && dropOriginal)) continue;
		json[key] = fields[key];
	}
	return json;
}

export function iocItems(iocs: readonly IocItem[]): INodeExecutionData[] {
	return iocs.map((ioc) => ({ json: iocJson(ioc), pairedItem: pairedItems(ioc.itemIndexes) }));
}

/** One item per IoC type, with the list as text and as a binary file; paired with every input
 * item that contributed an IoC of that type. An IoC the exporters refuse comes back in `refused`
 * (reason `not_exportable`) and the others are still exported. */
const listKey = (item: IocItem) => `${item.type}:${item.value}`;

export async function blocklistItems(
	context: IExecuteFunctions,
	block: readonly IocItem[],
	format: ExportFormat,
): Promise<{ block: INodeExecutionData[]; refused: SkippedIoc[] }> {
	const { lists, skipped } = exportBlocklists(block, format, { timestamp: new Date() });
	const refused = new Set(skipped.map(listKey));
	const { extension, mimeType } = FILE_TYPES[format];
	const result: INodeExecutionData[] = [];
	for (const list of lists) {
		const ofType = block.filter(
			(item) => item.type === list.iocType && !refused.has(listKey(item)),
		);
		const indexes = [...new Set(ofType.flatMap((item) => item.itemIndexes ?? []))].sort(
			(a, b) => a - b,
		);
		const fileName = `blocklist-${list.iocType}.${extension}`;
		const data = await context.helpers.prepareBinaryData(
			Buffer.from(list.text, 'utf8'),
			fileName,
			mimeType,
		);
		result.push({
			json: { ioc_type: list.iocType, format, count: ofType.length, text: list.text },
			binary: { data },
			pairedItem: pairedItems(indexes),
		});
	}
	return { block: result, refused: skipped };
}
