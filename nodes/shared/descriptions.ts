/** Parameters and description parts that several nodes offer, defined once. */
import type { INodeProperties, INodeTypeDescription, NodeHint } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { DEFAULT_ALERT_DELAY_SECONDS, DEFAULT_ALERT_QUERY } from './search';

export const ALERT_QUERY: INodeProperties = {
	displayName: 'Query',
	name: 'query',
	type: 'string',
	default: DEFAULT_ALERT_QUERY,
	required: true,
	placeholder: 'al.ip:* OR al.domain:* OR al.uri:*',
	description:
		'Lucene query, as in the Assemblyline UI. The default finds alerts with at least one network IoC; * finds every alert.',
};

export const FILTERS: INodeProperties = {
	displayName: 'Filters',
	name: 'filters',
	type: 'string',
	default: [],
	typeOptions: { multipleValues: true, multipleValueButtonText: 'Add Filter' },
	placeholder: 'al.score:>=1000',
	description:
		'Extra Lucene filters; a result must match the query and every filter (e.g. al.score:>=1000, NOT status:NON-MALICIOUS). Status, label, priority and owner are matched as they are when the alert is read; an analyst who changes them later does not bring the alert back (use the trigger\'s "Triage Changes" mode for that).',
};

/** When a reader of new alerts may act on one (see readinessFilters in search/projection.ts). */
export const WAIT_FOR: INodeProperties = {
	displayName: 'Wait For',
	name: 'waitFor',
	type: 'options',
	default: 'delay',
	options: [
		{
			name: 'Assemblyline to Finish (Alert Delay)',
			value: 'delay',
			description:
				"Emit an alert once no extended scan is pending and it is older than the alert delay (by the server's clock), like Assemblyline's own alert list: its workflows have run by then",
		},
		{
			name: 'Workflows Completed',
			value: 'workflows',
			description:
				"Emit an alert once Assemblyline's workflows have run on it and no extended scan is pending: usually within a minute. Emits nothing where the workflow manager is not deployed.",
		},
		{
			name: 'Nothing (Fastest)',
			value: 'searchable',
			description:
				'Emit an alert as soon as it can be found. Risk: a workflow may mark it NON-MALICIOUS or label it a false positive seconds later, after you acted on it.',
		},
	],
	description:
		'Assemblyline keeps changing a new alert for a while: its workflows (every 30 s) set status and labels, and an extended scan can add IoCs. Acting earlier may block IoCs Assemblyline would have cleared.',
};

export const ALERT_DELAY: INodeProperties = {
	displayName: 'Alert Delay (Seconds)',
	name: 'alertDelaySeconds',
	type: 'number',
	default: DEFAULT_ALERT_DELAY_SECONDS,
	typeOptions: { minValue: 0 },
	description:
		'With "Wait For: Assemblyline to Finish", how old an alert must be before it is emitted. Match your server\'s core.alerter.delay (default 300).',
};

export const TIMEOUT: INodeProperties = {
	displayName: 'Timeout (Seconds)',
	name: 'timeoutSeconds',
	type: 'number',
	default: 300,
	typeOptions: { minValue: 1 },
	description:
		"How long to wait for each answer from Assemblyline. A request that times out is not sent again: Assemblyline keeps working on it and counts it against the user's concurrent API calls.",
};

export function timeoutMsOf(value: unknown): number | undefined {
	const n = Number(value);
	return Number.isFinite(n) && n > 0 ? Math.round(n * 1000) : undefined;
}

/** A trigger's "Backfill (Hours)" option; `history` says what it emits, e.g. "the alerts of". */
export function backfillOption(history: string): INodeProperties {
	return {
		displayName: 'Backfill (Hours)',
		name: 'backfillHours',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0 },
		description: `On first activation, also emit ${history} the last this many hours. 0 starts from the moment of activation, without a flood of history.`,
	};
}

/** A reader's late-document window (lookbackMsOf in nodes/shared/search/cursor.ts reads it). */
export function lateWindowOption(
	displayName: string,
	defaultMinutes: number,
	description: string,
): INodeProperties {
	return {
		displayName,
		name: 'lookbackMinutes',
		type: 'number',
		default: defaultMinutes,
		typeOptions: { minValue: 1 },
		description,
	};
}

/** The "Options" collection every node ends its parameters with. */
export function optionsCollection(
	options: INodeProperties[],
	extra: Partial<INodeProperties> = {},
): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		...extra,
		options,
	};
}

/** An options parameter from `[label, value]` pairs (a label alone is also the value). */
export function choiceParameter(
	parameter: Omit<INodeProperties, 'type' | 'options' | 'default'> & { default: string },
	choices: ReadonlyArray<readonly [string, string] | string>,
): INodeProperties {
	return {
		...parameter,
		type: 'options',
		options: choices.map((choice) =>
			typeof choice === 'string'
				? { name: choice, value: choice }
				: { name: choice[0], value: choice[1] },
		),
	};
}

/** An alert's triage status (assemblyline-base odm/models/workflow.py STATUSES), as Assemblyline writes it. */
export const ALERT_STATUSES = ['MALICIOUS', 'NON-MALICIOUS', 'ASSESS', 'TRIAGE'] as const;

/** An alert's priority (assemblyline-base odm/models/workflow.py PRIORITIES). */
export const ALERT_PRIORITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;

/** A submission's sid, by default the "sid" field of each input item; `description` says where from. */
export function submissionIdParameter(description: string): INodeProperties {
	return {
		displayName: 'Submission ID',
		name: 'sid',
		type: 'string',
		default: '={{ $json.sid }}',
		required: true,
		placeholder: 'ushStdLVanDgTCEgfcfS3',
		description,
	};
}

/**
 * Wait for Completion and its timeout (nodes/shared/submissionWait.ts reads them); the descriptions
 * say what the node outputs while waiting and after the timeout.
 */
export function waitForCompletionParameters(
	waitDescription: string,
	timeoutDescription: string,
): INodeProperties[] {
	return [
		{
			displayName: 'Wait for Completion',
			name: 'waitForCompletion',
			type: 'boolean',
			default: false,
			description: waitDescription,
		},
		{
			displayName: 'Wait Timeout (Seconds)',
			name: 'waitTimeout',
			type: 'number',
			default: 600,
			typeOptions: { minValue: 1 },
			description: timeoutDescription,
			displayOptions: { show: { waitForCompletion: [true] } },
		},
	];
}

/**
 * What every Assemblyline node's description shares. The icon, subtitle and tool or trigger flags stay
 * in each class, where n8n's linter (@n8n/eslint-plugin-community-nodes) looks for them.
 */
function assemblylineNode(node: {
	displayName: string;
	name: string;
	anchor: string;
	description: string;
	properties: INodeProperties[];
}) {
	return {
		displayName: node.displayName,
		name: node.name,
		version: 1,
		documentationUrl: `https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#${node.anchor}`,
		description: node.description,
		defaults: { name: node.displayName },
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'assemblylineApi', required: true }],
		properties: node.properties,
	} satisfies Partial<INodeTypeDescription>;
}

/** An Assemblyline node that works on its input items, usable as an AI agent's tool. */
export function assemblylineActionNode(
	node: Parameters<typeof assemblylineNode>[0] & { group: 'input' | 'transform' },
): Omit<INodeTypeDescription, 'icon' | 'subtitle' | 'usableAsTool'> {
	return {
		...assemblylineNode(node),
		group: [node.group],
		inputs: [NodeConnectionTypes.Main],
	};
}

/**
 * An Assemblyline polling trigger. `hints` say what its output carries, as info shown over the
 * output (not a warning notice), each while its `displayCondition` holds.
 */
export function assemblylineTriggerNode(
	node: Parameters<typeof assemblylineNode>[0] & {
		hints: Array<Pick<NodeHint, 'message' | 'displayCondition'>>;
	},
): Omit<INodeTypeDescription, 'icon' | 'subtitle'> {
	return {
		...assemblylineNode(node),
		group: ['trigger'],
		polling: true,
		inputs: [],
		hints: node.hints.map((hint) => ({
			...hint,
			type: 'info',
			location: 'outputPane',
			whenToDisplay: 'always',
		})),
	};
}
