import type { INodeProperties } from 'n8n-workflow';

import {
	optionsCollection,
	submissionIdParameter,
	TIMEOUT,
	waitForCompletionParameters,
} from '../shared/descriptions';

export type Source = 'summary' | 'ontology' | 'both';
export type OutputChoice = 'grouped' | 'perIoc';

export const properties: INodeProperties[] = [
	submissionIdParameter(
		'The sid of the submission, as shown in its Assemblyline URL. By default it is read from the "sid" field of each input item (alerts and submissions have one).',
	),
	{
		displayName: 'Source',
		name: 'source',
		type: 'options',
		noDataExpression: true,
		default: 'summary',
		options: [
			{
				name: 'Summary API',
				value: 'summary',
				description:
					'Tags with their verdict, safelist flag and classification, as Assemblyline scored them',
			},
			{
				name: 'Ontology API',
				value: 'ontology',
				description:
					'Every tag each service wrote, without verdicts (Filter Blockable IoCs skips values without a verdict by default); can be narrowed to services or files',
			},
			{
				name: 'Both',
				value: 'both',
				description:
					'Ontology values, with the verdicts the summary knows for them (values the summary does not score stay without a verdict)',
			},
		],
	},
	{
		displayName: 'Services',
		name: 'services',
		type: 'string',
		default: '',
		placeholder: 'CAPE, Oletools',
		description:
			'Only results of these services (comma-separated, exactly as Assemblyline names them: case-sensitive, e.g. CAPE, Extract). Empty means all.',
		displayOptions: { show: { source: ['ontology', 'both'] } },
	},
	{
		displayName: 'File SHA256s',
		name: 'sha256s',
		type: 'string',
		default: '',
		description:
			'Only results about these files of the submission (comma-separated SHA256). Empty means all files.',
		displayOptions: { show: { source: ['ontology', 'both'] } },
	},
	{
		displayName: 'Tags',
		name: 'tags',
		type: 'options',
		noDataExpression: true,
		default: 'network',
		options: [
			{
				name: 'Network IoCs',
				value: 'network',
				description: 'IPs, domains, URIs and email addresses (the network tags of the IoC group)',
			},
			{
				name: 'All IoC Tags',
				value: 'iocGroup',
				description: "Every tag type in Assemblyline's IoC group",
			},
			{
				name: 'Custom Tag Types',
				value: 'custom',
				description: 'Tag types that start with the prefixes you list',
			},
		],
	},
	{
		displayName: 'Tag Type Prefixes',
		name: 'tagPrefixes',
		type: 'string',
		default: 'network.',
		placeholder: 'network.dynamic., attribution.family',
		description:
			'Comma-separated prefixes of full tag types, e.g. "network.static." or "network.dynamic.ip"',
		displayOptions: { show: { tags: ['custom'] } },
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		noDataExpression: true,
		default: 'grouped',
		options: [
			{
				name: 'Grouped by Tag Type',
				value: 'grouped',
				description:
					'One item per submission: {sid, partial, iocs: {"network.static.ip": [...], ...}, details}. "iocs" is the exercise\'s mapping; "details" lists the same values, index for index, with their verdict, safelisted flag and classification.',
			},
			{
				name: 'One Item per IoC',
				value: 'perIoc',
				description:
					'One item per value, with its verdict and tag type: what Filter Blockable IoCs and firewall nodes take',
			},
		],
	},
	...waitForCompletionParameters(
		'Whether to wait until Assemblyline has finished the submission. Without waiting, an unfinished submission gives its IoCs so far, flagged "partial": true.',
		'How long to wait at most. After that the node outputs what there is, flagged "partial": true.',
	),
	optionsCollection([TIMEOUT]),
];
