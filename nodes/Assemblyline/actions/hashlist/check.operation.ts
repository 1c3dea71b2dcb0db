import type { IDataObject } from 'n8n-workflow';

import { asNodeError } from '../../../shared/items';
import { alRequest, refusal } from '../request';
import type { ListOperation } from './common';
import { readTagKey } from './common';

/**
 * GET /api/v4/<list>/<hash>/ (assemblyline-ui api/v4/safelist.py and badlist.py check). The hash is
 * computed here: the /<tag_type>/<value>/ route cannot carry a URI (its "/" ends the route).
 */
export const execute: ListOperation = async function (itemIndex, list) {
	const { tagType, value, hash } = readTagKey(this, itemIndex);
	let entry: IDataObject | null = null;
	try {
		entry = await alRequest<IDataObject>(this, {
			method: 'GET',
			path: `/api/v4/${list}/${hash}/`,
			itemIndex,
		});
	} catch (error) {
		const refused = refusal(error);
		// "The hash was not found in the safelist." (or badlist): not listed, which is an answer.
		if (!(refused?.status === 404 && /was not found in the/.test(refused.message)))
			throw asNodeError(this, error, itemIndex);
	}
	return [{ list, listed: entry !== null, hash, tag_type: tagType, value, entry }];
};
