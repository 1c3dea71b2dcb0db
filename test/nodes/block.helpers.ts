// Shared by the Block on Firewall / EDR tests: the node on n8n-core's engine against the fake targets.
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { BlockCloudflareApi } from '../../credentials/BlockCloudflareApi.credentials';
import { BlockCrowdStrikeApi } from '../../credentials/BlockCrowdStrikeApi.credentials';
import { BlockDefenderApi } from '../../credentials/BlockDefenderApi.credentials';
import { BlockFortiGateApi } from '../../credentials/BlockFortiGateApi.credentials';
import { BlockOpnsenseApi } from '../../credentials/BlockOpnsenseApi.credentials';
import { BlockPanOsApi } from '../../credentials/BlockPanOsApi.credentials';
import { BlockOnFirewall } from '../../nodes/BlockOnFirewall/BlockOnFirewall.node';
import { CLOUDFLARE_ACCOUNT, CLOUDFLARE_LIST, CLOUDFLARE_TOKEN, type FakeCloudflare } from '../fakes/firewalls/cloudflare.ts';
import { FALCON_CLIENT_ID, FALCON_SECRET, type FakeCrowdStrike } from '../fakes/firewalls/crowdstrike.ts';
import { DEFENDER_CLIENT_ID, DEFENDER_SECRET, DEFENDER_TENANT, type FakeDefender } from '../fakes/firewalls/defender.ts';
import { FORTIGATE_TOKEN, type FakeFortiGate } from '../fakes/firewalls/fortigate.ts';
import { OPNSENSE_KEY, OPNSENSE_SECRET, type FakeOpnsense } from '../fakes/firewalls/opnsense.ts';
import { PANOS_KEY, type FakePanos } from '../fakes/firewalls/panos.ts';
import type { RunNodeResult } from '../harness/n8n.ts';
import { registerCredentialType, runNode } from '../harness/n8n.ts';

registerCredentialType(new BlockPanOsApi());
registerCredentialType(new BlockDefenderApi());
registerCredentialType(new BlockOpnsenseApi());
registerCredentialType(new BlockCrowdStrikeApi());
registerCredentialType(new BlockFortiGateApi());
registerCredentialType(new BlockCloudflareApi());

export function panosCredentials(fake: FakePanos, apiKey = PANOS_KEY): Record<string, IDataObject> {
	return { blockPanOsApi: { url: fake.url, apiKey, vsys: '', ignoreSslIssues: false } };
}

export function defenderCredentials(fake: FakeDefender, overrides: IDataObject = {}): Record<string, IDataObject> {
	return {
		blockDefenderApi: { tenantId: DEFENDER_TENANT, clientId: DEFENDER_CLIENT_ID, clientSecret: DEFENDER_SECRET, apiUrl: fake.url, loginUrl: fake.url, accessToken: '', ...overrides },
	};
}

export function opnsenseCredentials(fake: FakeOpnsense, apiKey = OPNSENSE_KEY, apiSecret = OPNSENSE_SECRET): Record<string, IDataObject> {
	return { blockOpnsenseApi: { url: fake.url, apiKey, apiSecret, ignoreSslIssues: false } };
}

export function crowdstrikeCredentials(fake: FakeCrowdStrike, overrides: IDataObject = {}): Record<string, IDataObject> {
	return { blockCrowdStrikeApi: { clientId: FALCON_CLIENT_ID, clientSecret: FALCON_SECRET, baseUrl: fake.url, accessToken: '', ...overrides } };
}

export function fortigateCredentials(fake: FakeFortiGate, apiToken = FORTIGATE_TOKEN, vdom = 'root'): Record<string, IDataObject> {
	return { blockFortiGateApi: { url: fake.url, apiToken, vdom, ignoreSslIssues: false } };
}

export function cloudflareCredentials(fake: FakeCloudflare, apiToken = CLOUDFLARE_TOKEN, accountId = CLOUDFLARE_ACCOUNT): Record<string, IDataObject> {
	return { blockCloudflareApi: { apiToken, accountId, apiUrl: `${fake.url}/client/v4/` } };
}

export interface BlockRun {
	target: 'panos' | 'defender' | 'opnsense' | 'crowdstrike' | 'fortigate' | 'cloudflare';
	operation?: 'add' | 'remove';
	input: IDataObject[];
	credentials: Record<string, IDataObject>;
	parameters?: IDataObject;
	options?: IDataObject;
	continueOnFail?: boolean;
}

export async function block(run: BlockRun): Promise<RunNodeResult & { done: IDataObject[]; notPushed: IDataObject[] }> {
	const parameters = {
		target: run.target,
		operation: run.operation ?? 'add',
		iocType: '={{ $json.type }}',
		iocValue: '={{ $json.value }}',
		...(run.operation === 'remove' ? {} : { expiresAt: '={{ $json.expires_at }}' }),
		...(run.target === 'panos' ? { tag: 'n8n-block' } : {}),
		...(run.target === 'opnsense' ? { alias: 'n8n_block' } : {}),
		...(run.target === 'cloudflare' ? { cloudflareListId: CLOUDFLARE_LIST } : {}),
		...run.parameters,
		// Tests run without the documented pacing unless they set Requests per Minute themselves.
		options: { retries: 3, maxRetryWait: 5, requestsPerMinute: 60_000, ...run.options },
	} as INodeParameters;
	const result = await runNode({ node: new BlockOnFirewall(), parameters, input: run.input, credentials: run.credentials as never, continueOnFail: run.continueOnFail });
	return { ...result, done: (result.outputs[0] ?? []).map((i) => i.json), notPushed: (result.outputs[1] ?? []).map((i) => i.json) };
}

/** `n` distinct global IPv4 addresses in 23.0.0.0/8 (allocated, global unicast). */
export function manyIps(n: number, first = 0): string[] {
	return Array.from({ length: n }, (_, i) => {
		const k = i + first;
		return `23.${Math.floor(k / 62_500) % 250}.${Math.floor(k / 250) % 250}.${(k % 250) + 1}`;
	});
}
