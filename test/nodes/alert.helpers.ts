// Shared set-up for the AL Alert Search / AL Alert Trigger tests.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { startFakeAssemblyline } from '../fakes/assemblyline/index.ts';
import type { DatasetInput, FakeAssemblyline, FakeOptions, RecordedRequest } from '../fakes/assemblyline/index.ts';

export const EMPTY_DATASET: DatasetInput = { submissions: [], alerts: [] };

export async function startFake(options: FakeOptions = {}): Promise<FakeAssemblyline> {
	return await startFakeAssemblyline({ dataset: EMPTY_DATASET, ...options });
}

export function credentialsFor(fake: FakeAssemblyline) {
	const user = fake.users[0];
	return { assemblylineApi: { url: fake.url, username: user.name, apiKey: user.apikey } };
}

export function searchRequests(fake: FakeAssemblyline, index = 'alert'): RecordedRequest[] {
	return fake.requests.filter((r) => r.path === `/api/v4/search/${index}/`);
}

export function bodyOf(r: RecordedRequest): IDataObject {
	return (r.body ?? {}) as IDataObject;
}

export function ids(items: INodeExecutionData[] | undefined): string[] {
	return (items ?? []).map((i) => String(i.json.alert_id));
}

export function expectDistinct(list: string[]): void {
	expect(new Set(list).size).toBe(list.length);
}

export const iso = (ms: number) => new Date(ms).toISOString();
