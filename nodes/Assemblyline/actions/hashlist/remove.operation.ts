import type { IDataObject } from 'n8n-workflow';

import { alRequest } from '../request';
import type { ListOperation } from './common';
import { readTagKey } from './common';

/**
 * DELETE /api/v4/<list>/<hash>/ (assemblyline-ui api/v4/safelist.py and badlist.py delete). Without the
 * administration role Assemblyline removes only the caller's own source, and the entry when no source is
 * left. A value that is not listed answers success: false, reported as removed: false.
 */
export const execute: ListOperation = async function (itemIndex, list) {
	const { tagType, value, hash } = readTagKey(this, itemIndex);
	const answer = await alRequest<IDataObject>(this, {
		method: 'DELETE',
		path: `/api/v4/${list}/${hash}/`,
		itemIndex,
	});
	return [{ list, removed: answer?.success === true, hash, tag_type: tagType, value }];
};
