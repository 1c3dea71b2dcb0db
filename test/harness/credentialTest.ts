/**
 * n8n's credential test, as its CLI runs it (packages/cli/src/services/credentials-tester.service.ts,
 * `testCredentials` → `runRequestTest` with the "default" verdict, read in n8n 2.41.1's dist): `test.request` becomes the routing of a one-property declarative node, run by
 * n8n-core's RoutingNode on an ExecuteContext in "internal" mode (expressions resolved by n8n's
 * engine, `authenticate` applied by the harness's credentials helper, HTTP by n8n-core). The CLI turns
 * the outcome into what the dialog shows, with `test.rules` (repeated here in a few lines):
 * - a failed request with a response: the first `responseCode` rule for its status, else the status
 *   text, else "Received HTTP status code: N";
 * - a failed request without a response: `error.cause.code` (ECONNREFUSED…), else the error message;
 * - a 2xx answer: the first `responseSuccessBody` rule whose `key` (a lodash path) equals `value`
 *   fails the test with its message; otherwise "Connection successful!".
 */
import { ExecuteContext, RoutingNode } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialType,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeType,
	IRunExecutionData,
} from 'n8n-workflow';
import { NodeConnectionTypes, Workflow } from 'n8n-workflow';

import { additionalDataFor, nodeTypesFor } from './n8n.ts';

/** n8n's credential test node: a declarative node whose only property routes `test.request`. */
export function credentialTestNode(type: ICredentialType): INodeType {
	return {
		description: {
			displayName: `Test ${type.displayName}`,
			name: `credentialTest${type.name}`,
			group: ['transform'],
			version: 1,
			description: 'n8n credential test',
			defaults: { name: 'Credential Test' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [{ name: type.name, required: true }],
			properties: [{ displayName: 'Temp', name: 'temp', type: 'string', default: '', routing: { request: type.test!.request } }],
		},
	} as unknown as INodeType;
}

/** lodash `get` for the dotted paths the rules use. */
function at(value: unknown, path: string): unknown {
	let current = value;
	for (const part of path.split('.')) {
		if (current === null || current === undefined) return undefined;
		current = (current as Record<string, unknown>)[part];
	}
	return current;
}

/** Runs the credential test of `type` with `data` the way n8n's CLI does; what the dialog would show. */
export async function runCredentialTest(type: ICredentialType, data: IDataObject) {
	const nodeType = credentialTestNode(type);
	const node: INode = {
		id: 'temp',
		parameters: {},
		name: 'Temp-Node',
		type: nodeType.description.name,
		typeVersion: 1,
		position: [0, 0],
		credentials: { [type.name]: { id: `${type.name}-id`, name: type.name } },
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: nodeTypesFor({ [node.type]: nodeType }) });
	const runExecutionData = { resultData: { runData: {} } } as IRunExecutionData;
	const context = new ExecuteContext(
		workflow,
		node,
		additionalDataFor({ [type.name]: data as ICredentialDataDecryptedObject }),
		'internal',
		runExecutionData,
		0,
		[],
		{ main: [[{ json: {} }]] },
		{ node, data: {}, source: null },
		[],
	);
	const credentialsDecrypted: ICredentialsDecrypted = { id: `${type.name}-id`, name: type.name, type: type.name, data: data as ICredentialDataDecryptedObject };
	const rules = (type.test?.rules ?? []) as Array<{ type: string; properties: { value?: unknown; key?: string; message: string } }>;
	let response: INodeExecutionData[][] | null | undefined;
	try {
		await workflow.expression.acquireIsolate();
		response = await new RoutingNode(context, nodeType, credentialsDecrypted).runNode();
	} catch (caught) {
		const error = caught as { cause?: { response?: { status?: number; statusText?: string }; code?: string }; message?: string };
		const shown = (message: string) => ({ status: 'Error' as const, message, error: caught as Error & { description?: string; context?: IDataObject } });
		const failed = error.cause?.response;
		if (failed) {
			for (const rule of rules) {
				if (rule.type === 'responseCode' && rule.properties.value === failed.status) return shown(rule.properties.message);
			}
			const code = Number(failed.status);
			if (code < 199 || code > 299) return shown(failed.statusText || `Received HTTP status code: ${code}`);
		} else if (error.cause?.code) {
			return shown(error.cause.code);
		}
		return shown(String(error.message));
	} finally {
		await workflow.expression.releaseIsolate();
	}
	for (const rule of rules) {
		if (rule.type === 'responseSuccessBody' && at(response![0][0].json, rule.properties.key!) === rule.properties.value) {
			return { status: 'Error' as const, message: rule.properties.message, response };
		}
	}
	return { status: 'OK' as const, message: 'Connection successful!', response };
}
