/**
 * What the Safelist and Badlist operations share: the tag an input item names. Its key (qhash) is
 * `tagQhash` in nodes/shared/safelist.ts, the same as Filter's live safelist check.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { typeFromWord } from '../../../shared/ioc';
import { tagQhash } from '../../../shared/safelist';

export type HashList = 'safelist' | 'badlist';

/** An operation on either list: the router passes the resource as `list`. */
export type ListOperation = (
	this: IExecuteFunctions,
	itemIndex: number,
	list: HashList,
) => Promise<IDataObject[]>;

export const LIST_NAME: Record<HashList, string> = { safelist: 'safelist', badlist: 'badlist' };

export const TAG_VALUE: INodeProperties = {
	displayName: 'Value',
	name: 'value',
	type: 'string',
	default: '={{ $json.value }}',
	required: true,
	placeholder: 'cdn-update.example.net',
	description:
		'The IP, domain, URI or other tag value. By default the "value" field of each input item (Filter Blockable IoCs\' Block items, AL Submission IoCs\' items).',
};

export const TAG_TYPE: INodeProperties = {
	displayName: 'Tag Type',
	name: 'tagType',
	type: 'string',
	default: '={{ $json.tag_type || $json.type }}',
	required: true,
	placeholder: 'network.dynamic.domain',
	description:
		'Assemblyline\'s full tag type (network.dynamic.domain, network.static.ip, …), or ip, domain, uri or email, which become the network tag type of the kind chosen below. By default the item\'s "tag_type", else its "type".',
};

export const NETWORK_KIND: INodeProperties = {
	displayName: 'Network Tag Kind',
	name: 'networkKind',
	type: 'options',
	default: 'dynamic',
	options: [
		{
			name: 'Dynamic (Contacted When Run)',
			value: 'dynamic',
			description:
				'What sandboxes saw a sample contact (network.dynamic.*). Usual for C2 addresses.',
		},
		{
			name: 'Static (Found in the File)',
			value: 'static',
			description: 'What services found written in a file (network.static.*)',
		},
	],
	description:
		'Used when the tag type is only ip, domain or uri: Assemblyline matches list entries by exact tag type, so pick the kind the entry should match',
};

/** The full tag type for an item: a dotted type as given, a word (ip/domain/uri/email) mapped to the network tag type. */
export function resolveTagType(
	context: IExecuteFunctions,
	itemIndex: number,
	given: unknown,
	kind: 'dynamic' | 'static',
): string {
	const text = typeof given === 'string' ? given.trim() : '';
	if (/^[a-z0-9_]+(\.[a-z0-9_]+)+$/.test(text)) return text;
	const word = typeFromWord(text);
	if (word === 'ip' || word === 'domain' || word === 'uri') return `network.${kind}.${word}`;
	if (word === 'email') return 'network.email.address';
	throw new NodeOperationError(
		context.getNode(),
		`Input item ${itemIndex} has no usable tag type ("${text.slice(0, 80)}")`,
		{
			itemIndex,
			description:
				'Set "Tag Type" to a full Assemblyline tag type such as network.dynamic.domain, or to ip, domain, uri or email.',
		},
	);
}

export function readValue(context: IExecuteFunctions, itemIndex: number): string {
	const raw = context.getNodeParameter('value', itemIndex, '') as unknown;
	const value =
		typeof raw === 'string' ? raw.trim() : raw === undefined || raw === null ? '' : String(raw);
	if (value === '') {
		throw new NodeOperationError(context.getNode(), `Input item ${itemIndex} has no value`, {
			itemIndex,
			description:
				'Set "Value", or feed items that have a "value" field (e.g. the Block output of Filter Blockable IoCs).',
		});
	}
	return value;
}

export function readTag(
	context: IExecuteFunctions,
	itemIndex: number,
): { tagType: string; value: string } {
	const kind = context.getNodeParameter('networkKind', itemIndex, 'dynamic') as
		'dynamic' | 'static';
	const tagType = resolveTagType(
		context,
		itemIndex,
		context.getNodeParameter('tagType', itemIndex, ''),
		kind,
	);
	return { tagType, value: readValue(context, itemIndex) };
}

/** The tag of an item and its key in the list (`tagQhash`, as Assemblyline keys list entries). */
export function readTagKey(
	context: IExecuteFunctions,
	itemIndex: number,
): { tagType: string; value: string; hash: string } {
	const { tagType, value } = readTag(context, itemIndex);
	return { tagType, value, hash: tagQhash(tagType, value) };
}

/** An operation's parameters on both lists: the tag (value, type, kind), then `more`. */
export function tagOperationDescription(
	list: HashList,
	operation: 'add' | 'check' | 'remove',
	more: INodeProperties[] = [],
): INodeProperties[] {
	return updateDisplayOptions({ show: { resource: [list], operation: [operation] } }, [
		TAG_VALUE,
		TAG_TYPE,
		NETWORK_KIND,
		...more,
	]);
}
