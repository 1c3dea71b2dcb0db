import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, updateDisplayOptions } from 'n8n-workflow';

import { asNodeError } from '../../../shared/items';
import { alRequest, refusal, serverUrl } from '../request';
import { ALERT_ID, notFoundHint, readAlertId } from './common';

const properties: INodeProperties[] = [ALERT_ID];

export const description = updateDisplayOptions(
	{ show: { resource: ['alert'], operation: ['takeOwnership'] } },
	properties,
);

const OWNED_BY = /Alert is already owned by (\S+)/;

/**
 * GET /api/v4/alert/ownership/<id>/ (a GET that writes; assemblyline-ui api/v4/alert.py take_ownership).
 * Assemblyline refuses with 403 "Alert is already owned by <owner>" even when the owner is the caller:
 * that is a success here, so running the node twice changes nothing and fails nothing.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const alertId = readAlertId(this, itemIndex);
	const { username } = await serverUrl(this);
	try {
		await alRequest(this, {
			method: 'GET',
			path: `/api/v4/alert/ownership/${alertId}/`,
			itemIndex,
			notFoundHint: notFoundHint(alertId, itemIndex),
		});
	} catch (error) {
		const owner = OWNED_BY.exec(refusal(error)?.message ?? '')?.[1];
		if (owner === undefined) throw asNodeError(this, error, itemIndex);
		if (owner !== username) {
			throw new NodeApiError(
				this.getNode(),
				{ message: `owned by ${owner}` },
				{
					message: `Alert "${alertId}" is already owned by ${owner}`,
					description: `Assemblyline lets only one user own an alert. Ask ${owner} to release it, or skip this alert.`,
					httpCode: '403',
					itemIndex,
				},
			);
		}
	}
	return [{ alert_id: alertId, action: 'take_ownership', owner: username, success: true }];
}
