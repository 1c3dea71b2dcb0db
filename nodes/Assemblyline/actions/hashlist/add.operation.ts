import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { optionsCollection } from '../../../shared/descriptions';
import { alRequest, serverUrl } from '../request';
import type { ListOperation } from './common';
import { readTag } from './common';

/** Add's parameters after the tag's. */
export const properties: INodeProperties[] = [
	{
		displayName: 'Reason',
		name: 'reason',
		type: 'string',
		default: 'Blocked by n8n',
		required: true,
		description:
			'Why the value is on the list, as analysts will read it in Assemblyline. Adding the same value again with the same reason changes nothing; a new reason is added to the entry.',
	},
	optionsCollection([
		{
			displayName: 'Source Name',
			name: 'sourceName',
			type: 'string',
			default: '',
			description:
				'Who vouches for the entry. Empty: the username of the credential, which is what Assemblyline requires for a "user" source.',
		},
		{
			displayName: 'Source Type',
			name: 'sourceType',
			type: 'options',
			default: 'user',
			options: [
				{
					name: 'User',
					value: 'user',
					description: "The credential's user (the name must be that username)",
				},
				{
					name: 'External',
					value: 'external',
					description: 'A feed or tool by name; needs the signature_import role',
				},
			],
		},
		{
			displayName: 'Expires After (Days)',
			name: 'expiryDays',
			type: 'number',
			default: 0,
			typeOptions: { minValue: 0 },
			description:
				'Assemblyline deletes the entry after this many days. 0: the server default (by default never). Adding the value again restarts the count.',
		},
		{
			displayName: 'Classification',
			name: 'classification',
			type: 'string',
			default: '',
			placeholder: 'TLP:C',
			description: 'Classification of the entry and its source. Empty: the server default.',
		},
	]),
];

/**
 * PUT /api/v4/<list>/ with a tag entry (assemblyline-ui api/v4/safelist.py and badlist.py add_or_update).
 * Assemblyline keys the entry by the tag's hash, so adding the same tag twice updates the one entry.
 */
export const execute: ListOperation = async function (itemIndex, list) {
	const { tagType, value } = readTag(this, itemIndex);
	const reason = String(this.getNodeParameter('reason', itemIndex, '')).trim();
	if (!reason) {
		throw new NodeOperationError(this.getNode(), 'No reason given', {
			itemIndex,
			description: `Assemblyline requires a reason for every ${list} entry. Fill in "Reason".`,
		});
	}
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const { username } = await serverUrl(this);
	const sourceName = String(options.sourceName ?? '').trim() || username;
	const classification = String(options.classification ?? '').trim();
	const days = Number(options.expiryDays ?? 0);
	const source: IDataObject = {
		name: sourceName,
		type: options.sourceType === 'external' ? 'external' : 'user',
		reason: [reason],
	};
	if (classification) source.classification = classification;
	const body: IDataObject = { type: 'tag', tag: { type: tagType, value }, sources: [source] };
	if (classification) body.classification = classification;
	if (Number.isFinite(days) && days > 0) body.dtl = Math.round(days);

	const answer = await alRequest<IDataObject>(this, {
		method: 'PUT',
		path: `/api/v4/${list}/`,
		body,
		itemIndex,
	});
	return [
		{
			list,
			op: answer?.op ?? null,
			hash: answer?.hash ?? null,
			tag_type: tagType,
			value,
			reason,
			source_name: sourceName,
			...(body.dtl ? { expires_in_days: body.dtl } : {}),
			success: answer?.success === true,
		},
	];
};
