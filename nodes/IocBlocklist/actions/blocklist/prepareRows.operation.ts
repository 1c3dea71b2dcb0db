import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	DEFAULT_TTL_HOURS,
	prepareRows,
	ttlTable,
	type TtlOverride,
} from '../../../shared/blocklist';
import { choiceParameter } from '../../../shared/descriptions';
import { ALLOWLIST_PROPERTY } from '../common';
import { readAllowlist } from '../../../shared/allowlist';
import { splitInput } from '../../rows';

const show = { show: { operation: ['prepareRows'] } };
const d = DEFAULT_TTL_HOURS;

export const description: INodeProperties[] = [
	{
		displayName:
			'Input: the Block items of Filter Blockable IoCs together with the current rows of the blocklist Data Table (a Data Table node: Get, Return All, Always Output Data; a Merge node in Append mode joins the two). Output: one row per IoC for a Data Table Upsert that matches on the column <code>key</code>. An IoC seen again keeps one row: its expiry moves later and its sources merge.',
		name: 'prepareNotice',
		type: 'notice',
		default: '',
		displayOptions: show,
	},
	{
		displayName: 'Time to Live',
		name: 'ttl',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Time to Live',
		default: {},
		description: `How long an IoC stays blocked after it was last seen, by type and verdict. Defaults (hours): IP ${d.ip.malicious} malicious, ${d.ip['highly suspicious']} highly suspicious, ${d.ip.suspicious} suspicious; domain and URL ${d.domain.malicious}, ${d.domain['highly suspicious']} and ${d.domain.suspicious}.`,
		displayOptions: show,
		options: [
			{
				displayName: 'Time to Live',
				name: 'entries',
				values: [
					choiceParameter({ displayName: 'IoC Type', name: 'type', default: 'ip' }, [
						['IP Address', 'ip'],
						['Domain', 'domain'],
						['URL', 'uri'],
					]),
					choiceParameter({ displayName: 'Verdict', name: 'verdict', default: 'any' }, [
						['Any Verdict', 'any'],
						['Malicious', 'malicious'],
						['Highly Suspicious', 'highly suspicious'],
						['Suspicious', 'suspicious'],
					]),
					{
						displayName: 'Hours',
						name: 'hours',
						type: 'number',
						typeOptions: { minValue: 0, numberPrecision: 4 },
						default: 72,
						description: 'Hours the IoC stays on the feeds after it was last seen',
					},
				],
			},
		],
	},
	{
		displayName: 'Reason',
		name: 'reason',
		type: 'string',
		default: '',
		placeholder: 'Phishing campaign, case 4711',
		description:
			'Why the IoCs are blocked, written on new rows. Empty: the Assemblyline verdict and tag types.',
		displayOptions: show,
	},
	{
		displayName: 'Added By',
		name: 'addedBy',
		type: 'string',
		default: '',
		placeholder: 'SOC automation',
		description:
			'Who or what adds the IoCs, written on new rows. Empty: the name of this workflow.',
		displayOptions: show,
	},
	{ ...ALLOWLIST_PROPERTY, displayOptions: show },
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const { rows, others } = splitInput(items);
	const entries = (this.getNodeParameter('ttl.entries', 0, []) as TtlOverride[]) ?? [];
	let ttl;
	try {
		ttl = ttlTable(entries);
	} catch (error) {
		throw new NodeOperationError(this.getNode(), (error as Error).message, {
			description: 'Fix the Time to Live entries: each needs a positive number of hours.',
		});
	}
	const addedBy =
		(this.getNodeParameter('addedBy', 0, '') as string).trim() ||
		`workflow "${this.getWorkflow().name ?? this.getWorkflow().id}"`;
	const reason = (this.getNodeParameter('reason', 0, '') as string).trim();
	const allowlist = readAllowlist(this);
	const result = prepareRows(
		others.map((o) => o.json),
		rows,
		{ now: new Date(), ttl, addedBy, reason, allowlist },
	);
	const out: INodeExecutionData[] = result.rows.map((prepared) => ({
		json: { ...prepared.row } as IDataObject,
		pairedItem: prepared.inputs.map((i) => ({ item: others[i].index })),
	}));
	const refused: INodeExecutionData[] = result.refused.map((r) => ({
		json: { type: r.type, value: r.value, reason: r.reason, reason_text: r.reason_text },
		pairedItem: { item: others[r.input].index },
	}));
	return [out, refused];
}
