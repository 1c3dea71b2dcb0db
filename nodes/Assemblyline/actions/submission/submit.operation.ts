import type { IBinaryData, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { BINARY_ENCODING, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection, waitForCompletionParameters } from '../../../shared/descriptions';
import { parseParameter, readCommaList } from '../../../shared/schema';
import { waitForSubmission } from '../../../shared/submissionWait';
import * as z from '../../../shared/zod';
import { alRequest, serverUrl } from '../request';
import { multipartBody } from './multipart';
import { sidNotFoundHint, submissionOutput } from './common';

const properties: INodeProperties[] = [
	{
		displayName: 'Submit',
		name: 'input',
		type: 'options',
		noDataExpression: true,
		default: 'file',
		options: [
			{
				name: 'File',
				value: 'file',
				description:
					'A file from a binary property of the input item (an email attachment, a download)',
			},
			{ name: 'URL', value: 'url', description: 'A URL for Assemblyline to fetch and analyse' },
			{
				name: 'Known SHA256',
				value: 'sha256',
				description: 'A file Assemblyline already has, by its SHA256',
			},
		],
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		placeholder: 'attachment_0',
		description: 'The name of the binary property of the input item that holds the file',
		displayOptions: { show: { input: ['file'] } },
	},
	{
		displayName: 'URL',
		name: 'url',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://cdn-update.example.net/inv.zip',
		description:
			'The URL to analyse. Defanged forms (hxxp, [.]) are accepted. The URLDownloader service is selected so that Assemblyline fetches it.',
		displayOptions: { show: { input: ['url'] } },
	},
	{
		displayName: 'SHA256',
		name: 'sha256',
		type: 'string',
		default: '',
		required: true,
		description: 'The SHA256 of a file Assemblyline already holds',
		displayOptions: { show: { input: ['sha256'] } },
	},
	{
		displayName: 'Submission Profile',
		name: 'submissionProfile',
		type: 'string',
		default: '',
		placeholder: 'static_with_dynamic',
		description:
			"The analysis profile (e.g. static, static_with_dynamic, static_and_dynamic_with_internet). Required by Assemblyline when the user may not customise submissions; empty: the user's defaults.",
	},
	...waitForCompletionParameters(
		'Whether to wait until Assemblyline has finished the analysis. The output then chains into AL Submission IoCs, which reads the finished results.',
		'How long to wait at most. After that the node outputs the submission with "completed": false.',
	),
	optionsCollection([
		{
			displayName: 'Classification',
			name: 'classification',
			type: 'string',
			default: '',
			placeholder: 'TLP:A',
			description: 'Classification of the submission. Empty: the server default.',
		},
		{
			displayName: 'Deep Scan',
			name: 'deepScan',
			type: 'boolean',
			default: false,
			description: 'Whether to ask the services for a deeper, slower analysis',
		},
		{
			displayName: 'Description',
			name: 'description',
			type: 'string',
			default: '',
			description: 'Shown in the Assemblyline submission list',
		},
		{
			displayName: 'Excluded Services',
			name: 'excludedServices',
			type: 'string',
			default: '',
			placeholder: 'Dynamic Analysis',
			description:
				'Services or service categories not to run, comma-separated, as Assemblyline names them',
		},
		{
			displayName: 'File Name',
			name: 'fileName',
			type: 'string',
			default: '',
			description: "Name of the submitted file. Empty: the binary's file name.",
		},
		{
			displayName: 'Ignore Cache',
			name: 'ignoreCache',
			type: 'boolean',
			default: false,
			description:
				'Whether to run the services again instead of reusing earlier results for the same file',
		},
		{
			displayName: 'Metadata',
			name: 'metadata',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			default: {},
			placeholder: 'Add Metadata',
			description:
				'Key/value pairs stored with the submission (e.g. the case or mailbox it came from)',
			options: [
				{
					displayName: 'Entry',
					name: 'entry',
					values: [
						{ displayName: 'Key', name: 'key', type: 'string', default: '' },
						{ displayName: 'Value', name: 'value', type: 'string', default: '' },
					],
				},
			],
		},
		{
			displayName: 'Priority',
			name: 'priority',
			type: 'number',
			default: 0,
			typeOptions: { minValue: 0, maxValue: 1500 },
			description: 'Queue priority, 1 to 1500. 0: the server default.',
		},
		{
			displayName: 'Selected Services',
			name: 'selectedServices',
			type: 'string',
			default: '',
			placeholder: 'Static Analysis, Extraction',
			description:
				"Services or service categories to run, comma-separated. Empty: the profile's or user's defaults.",
		},
		{
			displayName: 'TTL (Days)',
			name: 'ttl',
			type: 'number',
			default: 0,
			typeOptions: { minValue: 0 },
			description: 'Days Assemblyline keeps the submission. 0: the server default.',
		},
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['submission'], operation: ['submit'] } },
	properties,
);

const SHA256 = /^[0-9a-f]{64}$/i;

/** Options › Metadata: key/value entries (a fixedCollection; an expression may give any value). */
const METADATA = z.optional(
	z.nullable(
		z.looseObject({
			entry: z.optional(
				z.array(
					z.looseObject({
						key: z.optional(z.nullable(z.string())),
						value: z.optional(z.nullable(z.union([z.string(), z.number(), z.boolean()]))),
					}),
				),
			),
		}),
	),
);

function readMetadata(context: IExecuteFunctions, itemIndex: number, value: unknown): IDataObject {
	const metadata = parseParameter(context, METADATA, value, {
		displayName: 'Metadata',
		itemIndex,
		hint: 'Each metadata entry takes a key and a text value.',
	});
	const out: IDataObject = {};
	for (const entry of metadata?.entry ?? []) {
		const key = String(entry.key ?? '').trim();
		if (key) out[key] = String(entry.value ?? '');
	}
	return out;
}

/** The root keys and params of a submission (assemblyline-ui api/v4/submit.py; params as in odm/models/submission.py). */
function submissionBody(
	context: IExecuteFunctions,
	itemIndex: number,
	extraSelected: string[] = [],
): IDataObject {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const params: IDataObject = {};
	if (String(options.description ?? '').trim())
		params.description = String(options.description).trim();
	if (String(options.classification ?? '').trim())
		params.classification = String(options.classification).trim();
	if (Number(options.priority) > 0)
		params.priority = Math.min(1500, Math.round(Number(options.priority)));
	if (Number(options.ttl) > 0) params.ttl = Math.round(Number(options.ttl));
	if (options.deepScan === true) params.deep_scan = true;
	if (options.ignoreCache === true) params.ignore_cache = true;
	const services = (name: string, displayName: string) =>
		readCommaList(context, options[name], { displayName, itemIndex });
	const selected = [
		...new Set([...services('selectedServices', 'Selected Services'), ...extraSelected]),
	];
	const excluded = services('excludedServices', 'Excluded Services');
	if (selected.length || excluded.length) {
		params.services = {
			...(selected.length ? { selected } : {}),
			...(excluded.length ? { excluded } : {}),
		};
	}
	const body: IDataObject = {};
	if (Object.keys(params).length) body.params = params;
	const metadata = readMetadata(context, itemIndex, options.metadata);
	if (Object.keys(metadata).length) body.metadata = metadata;
	const profile = String(context.getNodeParameter('submissionProfile', itemIndex, '') ?? '').trim();
	if (profile) body.submission_profile = profile;
	return body;
}

function urlSubmission(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const url = String(context.getNodeParameter('url', itemIndex, '')).trim();
	if (!url) {
		throw new NodeOperationError(context.getNode(), `Input item ${itemIndex} has no URL`, {
			itemIndex,
			description: 'Fill in "URL".',
		});
	}
	// The API does not select a downloader on its own (the web UI does): ask for URLDownloader.
	return { ...submissionBody(context, itemIndex, ['URLDownloader']), url };
}

function hashSubmission(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const sha256 = String(context.getNodeParameter('sha256', itemIndex, ''))
		.trim()
		.toLowerCase();
	if (!SHA256.test(sha256)) {
		throw new NodeOperationError(context.getNode(), `"${sha256.slice(0, 80)}" is not a SHA256`, {
			itemIndex,
			description: 'Give the 64-character hex SHA256 of a file Assemblyline already holds.',
		});
	}
	return { ...submissionBody(context, itemIndex), sha256 };
}

/**
 * POST /api/v4/submit/ (assemblyline-ui api/v4/submit.py): multipart for a file, JSON for a URL or a
 * known hash. Retried only when Assemblyline refused it for the concurrency quota, so a retry never
 * submits twice.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const input = this.getNodeParameter('input', itemIndex) as 'file' | 'url' | 'sha256';
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const givenName = String(options.fileName ?? '').trim();
	let doc: IDataObject;
	if (input === 'file') {
		const property = String(this.getNodeParameter('binaryPropertyName', itemIndex)).trim();
		const binary: IBinaryData = this.helpers.assertBinaryData(itemIndex, property);
		const name = givenName || binary.fileName || 'file';
		const json = { ...submissionBody(this, itemIndex), name };
		// Filesystem (or S3) mode: streamed from storage, never held in memory whole. In-memory mode: the
		// item already holds the bytes; they are decoded once.
		let inMemory: Buffer | undefined;
		doc = await alRequest<IDataObject>(this, {
			method: 'POST',
			path: '/api/v4/submit/',
			itemIndex,
			createsObject: true,
			upload: async () => {
				if (binary.id) {
					const meta = await this.helpers.getBinaryMetadata(binary.id);
					const stream = await this.helpers.getBinaryStream(binary.id);
					return multipartBody(json, name, stream, meta.fileSize);
				}
				inMemory ??= Buffer.from(binary.data, BINARY_ENCODING);
				return multipartBody(json, name, inMemory);
			},
		});
	} else {
		// A URL or a file Assemblyline already holds: the same JSON submit.
		const body: IDataObject =
			input === 'url' ? urlSubmission(this, itemIndex) : hashSubmission(this, itemIndex);
		if (input === 'sha256' && givenName) body.name = givenName;
		doc = await alRequest<IDataObject>(this, {
			method: 'POST',
			path: '/api/v4/submit/',
			body,
			itemIndex,
			createsObject: true,
			notFoundHint:
				input === 'sha256'
					? 'Assemblyline does not hold a file with this SHA256. Submit the file itself instead.'
					: undefined,
		});
	}
	const { url: server } = await serverUrl(this);
	const sid = String(doc.sid);
	if (this.getNodeParameter('waitForCompletion', itemIndex, false) as boolean) {
		const waitMs = (this.getNodeParameter('waitTimeout', itemIndex, 600) as number) * 1000;
		const hint = sidNotFoundHint(sid, itemIndex);
		if (await waitForSubmission(this, sid, waitMs, { itemIndex, notFoundHint: hint })) {
			doc = await alRequest<IDataObject>(this, {
				method: 'GET',
				path: `/api/v4/submission/${sid}/`,
				itemIndex,
				notFoundHint: hint,
			});
		}
	}
	return [submissionOutput(doc, server)];
}
