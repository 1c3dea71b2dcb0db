import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import type { SubmissionSummary } from '../shared/assemblyline';
import { isAssemblylineId } from '../shared/assemblyline';
import { typeFromWord } from '../shared/ioc';
import { mapItems } from '../shared/items';
import { TIMEOUT, timeoutMsOf } from '../shared/descriptions';
import { isSubmissionCompleted, waitForSubmission } from '../shared/submissionWait';
import { assemblylineRequest } from '../shared/transport';
import type { CollectedIoc, TagSelection } from './collect';
import {
	combine,
	groupByTagType,
	iocsFromOntology,
	iocsFromSummary,
	ontologySha256s,
	ontologyServices,
	parseNdjson,
	unmatchedFilterWarnings,
} from './collect';

type Source = 'summary' | 'ontology' | 'both';

/** Submissions fetched at once: well below Assemblyline's 10 concurrent calls per user. */
const CONCURRENCY = 4;

export class AssemblylineSubmissionIocs implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'AL Submission IoCs',
		name: 'assemblylineSubmissionIocs',
		icon: { light: 'file:../../icons/assemblyline.svg', dark: 'file:../../icons/assemblyline.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: '={{"from " + $parameter["source"]}}',
		documentationUrl: 'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#al-submission-iocs',
		description: 'Collect the network IoCs (IPs, domains, URIs) Assemblyline extracted from a submission',
		defaults: { name: 'AL Submission IoCs' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'assemblylineApi', required: true }],
		properties: [
			{
				displayName: 'Submission ID',
				name: 'sid',
				type: 'string',
				default: '={{ $json.sid }}',
				required: true,
				placeholder: 'ushStdLVanDgTCEgfcfS3',
				description:
					'The sid of the submission, as shown in its Assemblyline URL. By default it is read from the "sid" field of each input item (alerts and submissions have one).',
			},
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
						description: 'Ontology values, with the verdicts the summary knows for them (values the summary does not score stay without a verdict)',
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
				description: 'Comma-separated prefixes of full tag types, e.g. "network.static." or "network.dynamic.ip"',
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
			{
				displayName: 'Wait for Completion',
				name: 'waitForCompletion',
				type: 'boolean',
				default: false,
				description:
					'Whether to wait until Assemblyline has finished the submission. Without waiting, an unfinished submission gives its IoCs so far, flagged "partial": true.',
			},
			{
				displayName: 'Wait Timeout (Seconds)',
				name: 'waitTimeout',
				type: 'number',
				default: 600,
				typeOptions: { minValue: 1 },
				description:
					'How long to wait at most. After that the node outputs what there is, flagged "partial": true.',
				displayOptions: { show: { waitForCompletion: [true] } },
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [TIMEOUT],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await mapItems(this, (itemIndex) => collectForItem(this, itemIndex), CONCURRENCY)];
	}
}

async function collectForItem(context: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const sid = readSid(context, itemIndex);
	const source = context.getNodeParameter('source', itemIndex) as Source;
	const selection = readSelection(context, itemIndex);
	const output = context.getNodeParameter('output', itemIndex) as 'grouped' | 'perIoc';
	const notFoundHint = `No submission "${sid}" on this Assemblyline, or the API key may not see it. Check the Submission ID of input item ${itemIndex}.`;

	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const timeoutMs = timeoutMsOf(options.timeoutSeconds);

	let complete: boolean | undefined;
	if (context.getNodeParameter('waitForCompletion', itemIndex) as boolean) {
		const waitMs = (context.getNodeParameter('waitTimeout', itemIndex) as number) * 1000;
		complete = await waitForSubmission(context, sid, waitMs, { itemIndex, notFoundHint });
	}

	let partial = false;
	// A summary the user's classification may not see whole (assemblyline-base datastore/helper.py).
	let filtered = false;
	let warnings: string[] = [];
	let summaryIocs: CollectedIoc[] = [];
	let ontologyIocs: CollectedIoc[] = [];
	if (source !== 'ontology') {
		const summary = await assemblylineRequest<SubmissionSummary>(context, {
			method: 'GET',
			path: `/api/v4/submission/summary/${sid}/`,
			itemIndex,
			timeoutMs,
			notFoundHint,
		});
		partial = summary.partial === true;
		filtered = summary.filtered === true;
		summaryIocs = iocsFromSummary(summary, selection);
	}
	if (source !== 'summary') {
		const { sha256, invalid } = ontologySha256s(splitList(context.getNodeParameter('sha256s', itemIndex, '') as string));
		if (invalid.length > 0) {
			throw new NodeOperationError(context.getNode(), `"${invalid[0]}" is not a SHA256`, {
				itemIndex,
				description: 'File SHA256s takes the full 64-character hex SHA256 of files of the submission, comma-separated.',
			});
		}
		const service = ontologyServices(splitList(context.getNodeParameter('services', itemIndex, '') as string));
		const text = await assemblylineRequest<string>(context, {
			method: 'GET',
			path: `/api/v4/ontology/submission/${sid}/`,
			qs: { sha256, service },
			raw: true,
			itemIndex,
			timeoutMs,
			notFoundHint,
		});
		const { records, unreadableLines } = parseNdjson(text);
		if (unreadableLines.length > 0) {
			throw new NodeApiError(
				context.getNode(),
				{ message: 'Unreadable ontology' },
				{
					itemIndex,
					message: `The ontology of submission "${sid}" could not be read (line ${unreadableLines.join(', ')} is not JSON)`,
					description:
						'The download was probably cut short. Run the node again; if it keeps happening, check proxies between n8n and Assemblyline.',
				},
			);
		}
		ontologyIocs = iocsFromOntology(records, selection);
		warnings = unmatchedFilterWarnings(records, sha256, service);
		// The ontology does not say whether the submission is finished; ask, so partial is honest.
		if (source === 'ontology') {
			complete ??= await isSubmissionCompleted(context, sid, { itemIndex, notFoundHint });
			partial = !complete;
		}
	}
	if (complete === false) partial = true;
	// Results hidden by classification: the IoCs are a lower bound, like those of an unfinished submission.
	if (filtered) partial = true;
	// Only when set, so that complete answers keep their shape.
	const flags = { ...(filtered ? { filtered } : {}), ...(warnings.length ? { warnings } : {}) };

	const iocs =
		source === 'summary' ? summaryIocs : source === 'ontology' ? ontologyIocs : combine(summaryIocs, ontologyIocs);
	if (output === 'grouped') {
		const { iocs: mapping, details } = groupByTagType(iocs);
		return [{ sid, partial, ...flags, iocs: mapping, details }];
	}
	return iocs.map((ioc) => ({
		sid,
		type: typeFromWord(ioc.tag_type) ?? 'unknown',
		value: ioc.value,
		verdict: ioc.verdict,
		tag_type: ioc.tag_type,
		safelisted: ioc.safelisted,
		classification: ioc.classification,
		source: ioc.source,
		partial,
		...flags,
	}));
}

function readSid(context: IExecuteFunctions, itemIndex: number): string {
	const raw = context.getNodeParameter('sid', itemIndex, '') as unknown;
	const sid = typeof raw === 'string' ? raw.trim() : raw;
	if (sid === '' || sid === undefined || sid === null) {
		throw new NodeOperationError(context.getNode(), `Input item ${itemIndex} has no submission ID`, {
			itemIndex,
			description:
				'Set "Submission ID", or feed items that have a "sid" field (for example from AL Alert Search).',
		});
	}
	if (!isAssemblylineId(sid)) {
		throw new NodeOperationError(
			context.getNode(),
			`"${String(sid).slice(0, 80)}" is not an Assemblyline submission ID`,
			{ itemIndex, description: 'A sid is 1-64 letters and digits, e.g. ushStdLVanDgTCEgfcfS3.' },
		);
	}
	return sid;
}

function readSelection(context: IExecuteFunctions, itemIndex: number): TagSelection {
	const mode = context.getNodeParameter('tags', itemIndex) as TagSelection['mode'];
	if (mode !== 'custom') return { mode };
	const prefixes = splitList(context.getNodeParameter('tagPrefixes', itemIndex, '') as string);
	if (prefixes.length === 0) {
		throw new NodeOperationError(context.getNode(), 'No tag type prefixes given', {
			itemIndex,
			description: 'List at least one prefix in "Tag Type Prefixes", e.g. "network.".',
		});
	}
	return { mode, prefixes };
}

function splitList(text: string): string[] {
	return String(text ?? '')
		.split(',')
		.map((part) => part.trim())
		.filter(Boolean);
}
