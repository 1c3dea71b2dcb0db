/**
 * What AL Alert Search outputs for an alert search: the alerts (n8n keeps a node's output items for
 * the whole execution, about 5 KB of memory per alert: docs/benchmarks.md), or the alerts' network
 * IoCs merged while the pages stream in (AlertIocFold), whose memory grows with distinct IoCs.
 * Return All of the alerts asks Assemblyline for the total first and stops with the bounded ways
 * before the first page when it is more than MAX_ALERTS_HELD; paging still stops there should alerts
 * arrive meanwhile.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { AlertIocFold } from './ioc/fold';
import { DEFAULT_ALERT_FIELDS, searchTotal, type SearchRequest } from './search';

export type AlertOutput = 'alerts' | 'iocs';

/** Return All stops past this many alerts held in memory (~0.5 GB of n8n's heap at ~5 KB each). */
export const MAX_ALERTS_HELD = 100_000;

export const ALERT_OUTPUT: INodeProperties = {
	displayName: 'Output',
	name: 'alertOutput',
	type: 'options',
	noDataExpression: true,
	default: 'alerts',
	options: [
		{ name: 'Alerts', value: 'alerts', description: 'One item per alert' },
		{
			name: 'Merged IoCs (Bounded Memory)',
			value: 'iocs',
			description:
				"One item per distinct network IoC (type and value) of all matching alerts, with its verdict, occurrences, sources (the first 100 alerts it was seen in) and source_count (how many alerts): what Filter Blockable IoCs takes. The alerts are read page by page and not kept, so a backfill of many alerts fits in n8n's memory. With the default Fields, only the alerts' IDs and network IoCs are fetched.",
		},
	],
	description: 'Whether to output the alerts, or their network IoCs merged (for large backfills)',
};

/** What the IoC output reads of an alert (extractOccurrences): with the default Fields, only this
 * is fetched, so each page is smaller to send, parse and drop. */
export const IOC_OUTPUT_FIELDS = 'alert_id,sid,al.detailed.ip,al.detailed.domain,al.detailed.uri';

/** The Fields to ask for: the user's, except that the IoC output narrows the default list. */
export function fieldsFor(output: AlertOutput, fields: string): string {
	return output === 'iocs' && fields.trim() === DEFAULT_ALERT_FIELDS ? IOC_OUTPUT_FIELDS : fields;
}

/**
 * Return All of the alerts: refuses before fetching anything when Assemblyline counts more matches
 * than MAX_ALERTS_HELD. One extra request (no rows), because a deep-paging page carries no total.
 * Returns the count (undefined when the server gave none).
 */
export async function refuseUnboundedReturnAll(
	context: IExecuteFunctions,
	request: Omit<SearchRequest, 'fl' | 'sort' | 'onServerDate'>,
): Promise<number | undefined> {
	const total = await searchTotal(context, request, MAX_ALERTS_HELD + 1);
	if (total !== undefined && total > MAX_ALERTS_HELD)
		throw tooManyAlerts(context, MAX_ALERTS_HELD, request.itemIndex ?? 0, true);
	return total;
}

/** Where the pages of an alert search go, as the chosen output: `add` each page, then `items`. */
export interface AlertOutputSink {
	add(page: IDataObject[]): void;
	items(): IDataObject[];
}

/**
 * The chosen output of an alert search, fed page by page. `maxHeld`: for Return All of the alerts,
 * the most alerts to hold before stopping with an error that names the bounded ways.
 */
export function alertOutputSink(
	context: IExecuteFunctions,
	output: AlertOutput,
	options: { itemIndex: number; maxHeld?: number },
): AlertOutputSink {
	if (output === 'iocs') {
		const fold = new AlertIocFold();
		return {
			add: (page) => fold.addPage(page),
			items: () => {
				foldHint(context, fold);
				return fold.items() as unknown as IDataObject[];
			},
		};
	}
	const maxHeld = options.maxHeld ?? Infinity;
	const out: IDataObject[] = [];
	return {
		add: (page) => {
			if (out.length + page.length > maxHeld)
				throw tooManyAlerts(context, maxHeld, options.itemIndex, false);
			for (const alert of page) out.push(alert);
		},
		items: () => out,
	};
}

function tooManyAlerts(
	context: IExecuteFunctions,
	maxHeld: number,
	itemIndex: number,
	counted: boolean,
): NodeOperationError {
	const count = maxHeld.toLocaleString('en-US');
	const when = counted ? 'Assemblyline counted them; none was fetched. ' : '';
	return new NodeOperationError(
		context.getNode(),
		`This search matches more than ${count} alerts: too many to hold in n8n's memory`,
		{
			itemIndex,
			description: `${when}n8n keeps every output item until the execution ends (about 5 KB per alert), so Return All of more than ${count} alerts can exhaust its memory. Bounded ways: set Output to "Merged IoCs (Bounded Memory)" to get the alerts' IoCs for Filter Blockable IoCs; narrow the time with the Reported Since / Reported Until options; use "Only Alerts Not Returned Before" on a schedule, or the AL Alert Trigger, to take new alerts a run at a time. To take this many alerts anyway, turn Return All off and set Limit.`,
		},
	);
}

function foldHint(context: IExecuteFunctions, fold: AlertIocFold): void {
	if (typeof context.addExecutionHints !== 'function') return;
	const without =
		fold.withoutIocs > 0
			? ` ${fold.withoutIocs.toLocaleString('en-US')} of them came without "al" (add al.detailed to Fields to read their IoCs).`
			: '';
	context.addExecutionHints({
		message: `${fold.alerts.toLocaleString('en-US')} alerts merged into ${fold.size.toLocaleString('en-US')} distinct IoCs.${without}`,
		type: fold.withoutIocs > 0 ? 'warning' : 'info',
		location: 'outputPane',
	});
}
