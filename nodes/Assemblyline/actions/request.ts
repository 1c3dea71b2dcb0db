/**
 * The node's calls to Assemblyline: the shared transport (nodes/shared/transport.ts), plus what a
 * write call's refusals mean for the person who has to fix them.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { AssemblylineRequest } from '../../shared/transport';
import { assemblylineRequest, normaliseServerUrl } from '../../shared/transport';

/**
 * The roles the write operations need and the API-key ACL that carries them
 * (assemblyline-base odm/models/user.py ACL_MAP: W holds the *_manage roles and submission_create).
 */
const ROLE_ADVICE: Record<string, string> = {
	alert_manage: 'to change alerts (labels, status, priority, ownership)',
	safelist_manage: 'to add to or remove from the safelist',
	badlist_manage: 'to add to or remove from the badlist',
	submission_create: 'to submit files, URLs and hashes',
	safelist_view: 'to read the safelist',
	badlist_view: 'to read the badlist',
	submission_view: 'to read submissions',
};

export async function alRequest<T = unknown>(
	context: IExecuteFunctions,
	request: AssemblylineRequest,
): Promise<T> {
	try {
		return await assemblylineRequest<T>(context, request);
	} catch (error) {
		throw withRoleAdvice(context, error, request.itemIndex);
	}
}

/** A refusal for a missing role names the role and what to ask the Assemblyline administrator for. */
function withRoleAdvice(context: IExecuteFunctions, error: unknown, itemIndex?: number): unknown {
	if (!(error instanceof NodeApiError)) return error;
	const role = /lacks the role "([a-z_]+)"/.exec(error.message)?.[1];
	if (!role || !(role in ROLE_ADVICE)) return error;
	const write = !role.endsWith('_view');
	return new NodeApiError(
		context.getNode(),
		{ message: error.message },
		{
			message: `The Assemblyline API key lacks the role "${role}", needed ${ROLE_ADVICE[role]}`,
			description:
				`Ask your Assemblyline administrator to give the user of the "Assemblyline API" credential the "${role}" role, and use an API key whose ACL includes it (${write ? 'W, write' : 'R, read'}), or a key created with that role. ${error.description ?? ''}`.trim(),
			httpCode: '403',
			itemIndex,
		},
	);
}

/** The HTTP status and Assemblyline's own message of a refusal the operation may accept. */
export function refusal(error: unknown): { status: number; message: string } | undefined {
	if (!(error instanceof NodeApiError)) return undefined;
	const status = Number(error.httpCode);
	if (!Number.isFinite(status)) return undefined;
	return { status, message: String(error.message ?? '') };
}

/** The server's address as the user entered it in the credential, for links to the Assemblyline UI. */
export async function serverUrl(
	context: IExecuteFunctions,
): Promise<{ url: string; username: string }> {
	const credentials = await context.getCredentials('assemblylineApi');
	return {
		url: normaliseServerUrl(String(credentials.url ?? '')),
		username: String(credentials.username ?? ''),
	};
}
