import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { alRequest } from '../request';
import type { HashList } from './common';
import { tagQhash } from '../../../shared/safelist';
import { NETWORK_KIND, readTag, TAG_TYPE, TAG_VALUE } from './common';

const properties: INodeProperties[] = [TAG_VALUE, TAG_TYPE, NETWORK_KIND];

export function description(list: HashList): INodeProperties[] {
	return updateDisplayOptions({ show: { resource: [list], operation: ['remove'] } }, properties);
}

/**
 * DELETE /api/v4/<list>/<hash>/ (assemblyline-ui api/v4/safelist.py and badlist.py delete). Without the
 * administration role Assemblyline removes only the caller's own source, and the entry when no source is
 * left. A value that is not listed answers success: false, reported as removed: false.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	list: HashList,
): Promise<IDataObject[]> {
	const { tagType, value } = readTag(this, itemIndex);
	const hash = tagQhash(tagType, value);
	const answer = await alRequest<IDataObject>(this, {
		method: 'DELETE',
		path: `/api/v4/${list}/${hash}/`,
		itemIndex,
	});
	return [{ list, removed: answer?.success === true, hash, tag_type: tagType, value }];
}
