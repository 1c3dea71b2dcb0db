/**
 * Runs this package's nodes on n8n's own engine, outside n8n.
 *
 * `WorkflowExecute`, `ExecuteContext` and `PollContext` come from n8n-core (the same version the
 * pinned n8n uses), so parameter resolution, `continueOnFail`, `pairedItem` checks, error
 * wrapping and `httpRequestWithAuthentication` (with n8n's own axios stack) are n8n's code doing
 * real HTTP. What n8n's CLI package normally provides is replaced by small stand-ins below: the
 * credentials helper (applies the credential's `authenticate` the way n8n's does), and an
 * in-memory dedup store with n8n's "entries" semantics (hashes, FIFO trimmed to maxEntries).
 */
import { createHash } from 'node:crypto';
import {
	DataDeduplicationService,
	ExecutionLifecycleHooks,
	PollContext,
	WorkflowExecute,
} from 'n8n-core';
import type {
	DeduplicationItemTypes,
	DeduplicationScope,
	ICheckProcessedContextData,
	ICheckProcessedOptions,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataDeduplicator,
	IDataObject,
	IDeduplicationOutput,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	IPollFunctions,
	IRun,
	IWorkflowExecuteAdditionalData,
	Workflow as WorkflowType,
} from 'n8n-workflow';
import { ICredentialsHelper, isExpression, LoggerProxy, NodeConnectionTypes, Workflow } from 'n8n-workflow';

import { AssemblylineApi } from '../../credentials/AssemblylineApi.credentials.ts';

// n8n-core logs every node error; the tests assert on errors themselves.
const quiet = () => {};
LoggerProxy.init({ error: quiet, warn: quiet, info: quiet, debug: quiet } as never);

export const CREDENTIAL_TYPES: Record<string, ICredentialType> = {
	assemblylineApi: new AssemblylineApi(),
};

/** Registers extra credential types (e.g. the threat-intel providers) for the harness. */
export function registerCredentialType(type: ICredentialType): void {
	CREDENTIAL_TYPES[type.name] = type;
}

class CredentialsHelper extends ICredentialsHelper {
	private readonly store: Record<string, ICredentialDataDecryptedObject>;

	constructor(store: Record<string, ICredentialDataDecryptedObject>) {
		super();
		this.store = store;
	}

	getParentTypes(): string[] {
		return [];
	}

	// n8n only refuses when a credential type sets restrictToSupportedNodes; ours do not.
	isCredentialUsableByNode(): boolean {
		return true;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow: WorkflowType,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const authenticate = CREDENTIAL_TYPES[typeName]?.authenticate;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (!authenticate) return requestOptions;
		const resolve = (value: unknown) =>
			isExpression(value)
				? workflow.expression.getSimpleParameterValue(
						node,
						value as string,
						'internal',
						{ $credentials: credentials },
						undefined,
						'',
					)
				: value;
		const target = requestOptions as unknown as Record<string, IDataObject>;
		for (const [where, entries] of Object.entries(authenticate.properties)) {
			target[where] = { ...(target[where] ?? {}) };
			for (const [key, value] of Object.entries(entries as IDataObject)) {
				target[where][resolve(key) as string] = resolve(value) as string;
			}
		}
		return requestOptions;
	}

	/**
	 * n8n's CredentialsHelper.preAuthentication (packages/cli/src/credentials-helper.ts): a type with a
	 * hidden `expirable` property runs its `preAuthentication` when that property is empty or the
	 * request was refused (401), and n8n keeps the output in the credential (here: in the store).
	 */
	async preAuthentication(
		helpers: { helpers: { httpRequest: (options: IHttpRequestOptions) => Promise<unknown> } },
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	) {
		const type = CREDENTIAL_TYPES[typeName];
		const expirable = type?.properties.find((p) => p.type === 'hidden' && p.typeOptions?.expirable === true);
		if (!type || !expirable || typeof type.preAuthentication !== 'function') return undefined;
		if (credentials[expirable.name] && !credentialsExpired) return undefined;
		const output = await type.preAuthentication.call(helpers as never, credentials);
		if (output[expirable.name] === undefined) return undefined;
		if (this.store[typeName]) Object.assign(this.store[typeName], output);
		return Object.assign(credentials, output);
	}

	async getCredentials(): Promise<never> {
		throw new Error('not used by the harness');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: unknown,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const data = this.store[type];
		if (!data) throw new Error(`The test gave no credentials of type "${type}"`);
		return { ...data };
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties(type: string) {
		return CREDENTIAL_TYPES[type]?.properties ?? [];
	}
}

/** n8n's processed_data table in memory: md5 hashes per (workflow, context), FIFO-trimmed. */
export class MemoryDeduplicator implements IDataDeduplicator {
	readonly tables = new Map<string, string[]>();

	private key(scope: DeduplicationScope, context: ICheckProcessedContextData) {
		const where = scope === 'node' ? `n:${context.node?.id}` : '';
		return `${context.workflow.id}|${where}`;
	}

	private static hash(item: DeduplicationItemTypes): string {
		return createHash('md5').update(String(item)).digest('base64');
	}

	async checkProcessedAndRecord(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		context: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<IDeduplicationOutput> {
		if (options.mode !== 'entries') throw new Error('The harness implements the "entries" mode only');
		const key = this.key(scope, context);
		const seen = this.tables.get(key) ?? [];
		const known = new Set(seen);
		const result: IDeduplicationOutput = { new: [], processed: [] };
		for (const item of items) {
			const hash = MemoryDeduplicator.hash(item);
			if (known.has(hash)) {
				result.processed.push(item);
			} else {
				result.new.push(item);
				known.add(hash);
				seen.push(hash);
			}
		}
		const max = options.maxEntries;
		this.tables.set(key, max && seen.length > max ? seen.slice(seen.length - max) : seen);
		return result;
	}

	async removeProcessed(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		context: ICheckProcessedContextData,
	): Promise<void> {
		const key = this.key(scope, context);
		const drop = new Set(items.map((item) => MemoryDeduplicator.hash(item)));
		this.tables.set(
			key,
			(this.tables.get(key) ?? []).filter((hash) => !drop.has(hash)),
		);
	}

	async clearAllProcessedItems(
		scope: DeduplicationScope,
		context: ICheckProcessedContextData,
	): Promise<void> {
		this.tables.delete(this.key(scope, context));
	}

	async getProcessedDataCount(
		scope: DeduplicationScope,
		context: ICheckProcessedContextData,
	): Promise<number> {
		return this.tables.get(this.key(scope, context))?.length ?? 0;
	}
}

// DataDeduplicationService is a process-wide singleton in n8n-core; tests swap the store behind it.
let activeDeduplicator = new MemoryDeduplicator();
const deduplicatorProxy: IDataDeduplicator = {
	checkProcessedAndRecord: (items, scope, context, options) =>
		activeDeduplicator.checkProcessedAndRecord(items, scope, context, options),
	removeProcessed: (items, scope, context) => activeDeduplicator.removeProcessed(items, scope, context),
	clearAllProcessedItems: (scope, context) => activeDeduplicator.clearAllProcessedItems(scope, context),
	getProcessedDataCount: (scope, context) => activeDeduplicator.getProcessedDataCount(scope, context),
};
let dedupReady: Promise<void> | undefined;

/** The feeder node: emits the test's input items, like a Manual Trigger followed by a Code node. */
const INPUT_TYPE = 'test.input';
class InputNode implements INodeType {
	description = {
		displayName: 'Input',
		name: INPUT_TYPE,
		group: ['input'],
		version: 1,
		description: 'Emits the test items',
		defaults: { name: 'Input' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	} as unknown as INodeType['description'];

	private readonly items: INodeExecutionData[];

	constructor(items: INodeExecutionData[]) {
		this.items = items;
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}

	get data() {
		return this.items;
	}
}

export function nodeTypesFor(types: Record<string, INodeType>): INodeTypes {
	return {
		getByName: (name) => types[name],
		getByNameAndVersion: (name) => types[name],
		getKnownTypes: () => ({}),
	};
}

export function additionalDataFor(
	credentials: Record<string, ICredentialDataDecryptedObject>,
): IWorkflowExecuteAdditionalData {
	return {
		credentialsHelper: new CredentialsHelper(credentials),
		executeWorkflow: async () => {
			throw new Error('not used');
		},
		restApiUrl: 'http://127.0.0.1/rest',
		webhookBaseUrl: 'http://127.0.0.1/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1/webhook-test',
		formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
		instanceBaseUrl: 'http://127.0.0.1/',
		variables: {},
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: undefined,
		userId: 'test-user',
		setExecutionStatus: () => {},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('not used');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}

export interface RunNodeOptions {
	node: INodeType;
	parameters: INodeParameters;
	/** Input items (json). Defaults to one empty item, like a Manual Trigger. */
	input?: IDataObject[];
	/** Input items with binary data (instead of `input`). */
	inputItems?: INodeExecutionData[];
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** The node's "On Error" setting: continue with the error as an item. */
	continueOnFail?: boolean;
	/** Shared across runs to emulate one workflow (static data, dedup table). */
	workflow?: { id?: string; staticData?: IDataObject; deduplicator?: MemoryDeduplicator };
	nodeId?: string;
	/** Name of the feeder node, so `$('<name>').item` expressions can reach its items (default "Input"). */
	inputName?: string;
	/** The execution mode: "manual" (default) is a test run in the editor; "trigger" an active workflow's. */
	mode?: 'manual' | 'trigger';
}

export interface RunNodeResult {
	/** Items per output of the node under test. */
	outputs: INodeExecutionData[][];
	/** The node's error when it failed (continueOnFail off). */
	error?: Error & { description?: string; context?: IDataObject; httpCode?: string };
	/** The node's execution hints (the notices n8n shows over its output). */
	hints: Array<{ message: string; type?: string }>;
	run: IRun;
}

const NODE_NAME = 'Under Test';

/** Executes `Input → node` on n8n-core's WorkflowExecute, as a manual execution unless `mode` says otherwise. */
export async function runNode(options: RunNodeOptions): Promise<RunNodeResult> {
	const mode = options.mode ?? 'manual';
	await ensureDeduplication(options.workflow?.deduplicator);
	const typeName = `test.${options.node.description.name}`;
	const input = new InputNode(options.inputItems ?? (options.input ?? [{}]).map((json) => ({ json })));
	const inputName = options.inputName ?? 'Input';
	const nodes: INode[] = [
		{
			id: 'input',
			name: inputName,
			type: INPUT_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: options.nodeId ?? 'node-under-test',
			name: NODE_NAME,
			type: typeName,
			typeVersion: options.node.description.version as number,
			position: [200, 0],
			parameters: options.parameters,
			credentials: credentialRefs(options.credentials),
			...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
		},
	];
	const workflow = new Workflow({
		id: options.workflow?.id ?? 'wf-test',
		nodes,
		connections: {
			[inputName]: { main: [[{ node: NODE_NAME, type: NodeConnectionTypes.Main, index: 0 }]] },
		},
		active: false,
		nodeTypes: nodeTypesFor({ [INPUT_TYPE]: input, [typeName]: options.node }),
		staticData: options.workflow?.staticData,
	});
	const additionalData = additionalDataFor(options.credentials ?? {});
	additionalData.hooks = new ExecutionLifecycleHooks(mode, 'test-execution', {
		id: workflow.id,
		name: 'test',
		active: false,
		isArchived: false,
		nodes,
		connections: workflow.connectionsBySourceNode,
		createdAt: new Date(),
		updatedAt: new Date(),
		activeVersionId: null,
	} as never);
	const execute = new WorkflowExecute(additionalData, mode);
	const run = await execute.run({
		workflow,
		startNode: workflow.getNode(inputName) ?? undefined,
		pinData: { [inputName]: input.data },
	});
	const task = run.data.resultData.runData[NODE_NAME]?.[0];
	return {
		outputs: (task?.data?.main ?? []).map((items) => items ?? []),
		error: (task?.error ?? run.data.resultData.error) as RunNodeResult['error'],
		hints: (task?.hints ?? []).map((hint) => ({ message: hint.message, type: hint.type })),
		run,
	};
}

export interface PollOptions {
	node: INodeType;
	parameters: INodeParameters;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** The workflow's static data; pass the same object to successive polls. */
	staticData: IDataObject;
	mode?: 'trigger' | 'manual';
	pollBudgetMs?: number;
}

/** One poll of a polling trigger through n8n-core's PollContext. */
export async function poll(options: PollOptions): Promise<INodeExecutionData[][] | null> {
	const typeName = `test.${options.node.description.name}`;
	const node: INode = {
		id: 'trigger-under-test',
		name: NODE_NAME,
		type: typeName,
		typeVersion: options.node.description.version as number,
		position: [0, 0],
		parameters: options.parameters,
		credentials: credentialRefs(options.credentials),
	};
	const workflow = new Workflow({
		id: 'wf-poll',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes: nodeTypesFor({ [typeName]: options.node }),
		staticData: options.staticData,
	});
	const context = new PollContext(
		workflow,
		node,
		additionalDataFor(options.credentials ?? {}),
		options.mode ?? 'trigger',
		'activate',
		undefined,
		undefined,
		undefined,
		undefined,
		undefined,
		options.pollBudgetMs === undefined ? undefined : () => options.pollBudgetMs as number,
	) as unknown as IPollFunctions;
	const result = await options.node.poll!.call(context);
	// n8n persists static data after a poll; the harness keeps the same object alive instead.
	return result;
}

function credentialRefs(credentials?: Record<string, ICredentialDataDecryptedObject>) {
	if (!credentials) return undefined;
	return Object.fromEntries(
		Object.keys(credentials).map((type) => [type, { id: `${type}-id`, name: type }]),
	);
}

async function ensureDeduplication(deduplicator?: MemoryDeduplicator) {
	dedupReady ??= DataDeduplicationService.init(deduplicatorProxy);
	await dedupReady;
	activeDeduplicator = deduplicator ?? new MemoryDeduplicator();
}
