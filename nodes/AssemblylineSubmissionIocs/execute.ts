/**
 * What AL Submission IoCs does for one input item: read its sid, optionally wait for the
 * submission to finish, fetch the summary and/or the ontology, and shape the IoCs.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { isAssemblylineId, ONTOLOGY_RECORD, SUBMISSION_SUMMARY } from '../shared/assemblyline';
import { timeoutMsOf } from '../shared/descriptions';
import { typeFromWord } from '../shared/ioc';
import { parseResponse, readCommaList } from '../shared/schema';
import { isSubmissionCompleted, waitForSubmission } from '../shared/submissionWait';
import { assemblylineRequest } from '../shared/transport';
import * as z from '../shared/zod';
import type { OutputChoice, Source } from './description';
import type { CollectedIoc, TagSelection } from './tags';
import {
	combine,
	groupByTagType,
	iocsFromOntology,
	iocsFromSummary,
	ontologySha256s,
	ontologyServices,
	parseNdjson,
	unmatchedFilterWarnings,
} from './tags';

const ONTOLOGY_RECORDS = z.array(ONTOLOGY_RECORD);

/** One input item: its submission's IoCs, as one grouped item or one item per IoC. */
export async function collectForItem(
	context: IExecuteFunctions,
	itemIndex: number,
): Promise<IDataObject[]> {
	const sid = readSid(context, itemIndex);
	const source = context.getNodeParameter('source', itemIndex) as Source;
	const selection = readSelection(context, itemIndex);
	const output = context.getNodeParameter('output', itemIndex) as OutputChoice;
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
		const path = `/api/v4/submission/summary/${sid}/`;
		const answer = await assemblylineRequest(context, {
			method: 'GET',
			path,
			itemIndex,
			timeoutMs,
			notFoundHint,
		});
		const summary = parseResponse(context, SUBMISSION_SUMMARY, answer, {
			endpoint: `GET ${path}`,
			itemIndex,
		});
		partial = summary.partial === true;
		filtered = summary.filtered === true;
		summaryIocs = iocsFromSummary(summary, selection);
	}
	if (source !== 'summary') {
		const { sha256, invalid } = ontologySha256s(
			readCommaList(context, context.getNodeParameter('sha256s', itemIndex, ''), {
				displayName: 'File SHA256s',
				itemIndex,
			}),
		);
		if (invalid.length > 0) {
			throw new NodeOperationError(context.getNode(), `"${invalid[0]}" is not a SHA256`, {
				itemIndex,
				description:
					'File SHA256s takes the full 64-character hex SHA256 of files of the submission, comma-separated.',
			});
		}
		const service = ontologyServices(
			readCommaList(context, context.getNodeParameter('services', itemIndex, ''), {
				displayName: 'Services',
				itemIndex,
			}),
		);
		const path = `/api/v4/ontology/submission/${sid}/`;
		const text = await assemblylineRequest<string>(context, {
			method: 'GET',
			path,
			qs: { sha256, service },
			raw: true,
			itemIndex,
			timeoutMs,
			notFoundHint,
		});
		const { records: lines, unreadableLines } = parseNdjson(text);
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
		// [n] in a field name is the n-th record (0 = the first line).
		const records = parseResponse(context, ONTOLOGY_RECORDS, lines, {
			endpoint: `GET ${path}`,
			itemIndex,
		});
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
		source === 'summary'
			? summaryIocs
			: source === 'ontology'
				? ontologyIocs
				: combine(summaryIocs, ontologyIocs);
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
		throw new NodeOperationError(
			context.getNode(),
			`Input item ${itemIndex} has no submission ID`,
			{
				itemIndex,
				description:
					'Set "Submission ID", or feed items that have a "sid" field (for example from AL Alert Search).',
			},
		);
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
	const prefixes = readCommaList(context, context.getNodeParameter('tagPrefixes', itemIndex, ''), {
		displayName: 'Tag Type Prefixes',
		itemIndex,
	});
	if (prefixes.length === 0) {
		throw new NodeOperationError(context.getNode(), 'No tag type prefixes given', {
			itemIndex,
			description: 'List at least one prefix in "Tag Type Prefixes", e.g. "network.".',
		});
	}
	return { mode, prefixes };
}
