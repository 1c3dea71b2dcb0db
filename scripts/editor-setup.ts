// The editor set-up shared by `npm run editor` and `npm run screenshots`: what npm start sets up (the
// demo Assemblyline or AL_HOST, the package from its tarball, the credential), plus the example
// workflows as users import them, an owner account, and `n8n start`. No import.meta: paths come in.
import path from 'node:path';

import { defaultUsers, demoDataset, startFakeAssemblyline, type FakeAssemblyline } from '../test/fakes/assemblyline/index.ts';
import { FakeProviders } from '../test/fakes/providers.ts';
import { stderrLog, type CredentialImport, type Log, type N8nHost, type WorkflowJson } from './n8n-host.ts';
import { optionsFromEnv, prepareHost, resolveAlHost, targetFromEnv, type AlTarget } from './report.ts';
import { EXAMPLE_FILES, loadExamples, setSubmissionIds, type ExampleKey } from './workflows.ts';

/** A local, throw-away owner account for the editor on 127.0.0.1 (printed with the URL). */
export const EDITOR_LOGIN = { email: 'soc@example.com', password: 'Assemblyline-demo-1', firstName: 'SOC', lastName: 'Analyst' };

export interface Editor {
	host: N8nHost;
	url: string;
	target: AlTarget;
	workflows: Record<ExampleKey, WorkflowJson>;
	close(): Promise<void>;
}

export async function startEditor(opts: { repoDir: string; log?: Log; env?: NodeJS.ProcessEnv }): Promise<Editor> {
	const log = opts.log ?? stderrLog;
	const env = opts.env ?? process.env;
	let fake: FakeAssemblyline | undefined;
	let providers: FakeProviders | undefined;
	let host: N8nHost | undefined;
	const close = async () => {
		await host?.dispose();
		await fake?.close();
		await providers?.stop();
	};
	try {
		let target = await targetFromEnv(env, log);
		if (!target) {
			const users = defaultUsers();
			fake = await startFakeAssemblyline({ dataset: demoDataset(), users });
			target = { url: fake.url, user: users[0].name, apikey: users[0].apikey, verifyTls: true };
			log(`No AL_HOST: using the embedded demo Assemblyline on ${fake.url}`);
		}
		const prepared = await prepareHost({ repoDir: opts.repoDir, target, log });
		host = prepared.host;

		// The examples as users import them; only "Submission IDs" is filled in, so Execute works at once.
		const workflows = loadExamples(path.join(opts.repoDir, 'examples'));
		const sids = optionsFromEnv(env).sids ?? (await alertSids(target));
		if (sids.length) setSubmissionIds(workflows.submission, sids);
		if (fake) {
			// The demo's threat intel: fake abuse.ch (and the other providers) on 127.0.0.1, under the
			// credential the Enrich example references, so that IoC Enrich runs against the demo too.
			providers = await new FakeProviders().start();
			const credentials = demoIntelCredentials(workflows.enrich, providers);
			await host.importCredentials(credentials);
			log(`Demo threat intel on http://127.0.0.1:${providers.port}: ${credentials.map((c) => `"${c.name}"`).join(', ')}`);
		}
		await host.importWorkflows(Object.values(workflows));

		const url = await host.start();
		const res = await fetch(`${url}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(EDITOR_LOGIN),
		});
		if (!res.ok) throw new Error(`owner set-up failed: HTTP ${res.status} ${await res.text()}`);
		return { host, url, target, workflows, close };
	} catch (e) {
		await close();
		throw e;
	}
}

/** The threat-intel credentials the IoC Enrich nodes of `workflow` reference, filled in for the fake providers. */
function demoIntelCredentials(workflow: WorkflowJson, providers: FakeProviders): CredentialImport[] {
	const data = providers.credentials() as Record<string, Record<string, unknown>>;
	const found = new Map<string, CredentialImport>();
	for (const node of workflow.nodes) {
		for (const [type, ref] of Object.entries((node as { credentials?: Record<string, { id: string; name: string }> }).credentials ?? {})) {
			if (data[type] && ref?.id) found.set(ref.id, { id: ref.id, name: ref.name, type, data: data[type] });
		}
	}
	return [...found.values()];
}

/** The sids of the newest alerts with network IoCs (up to 10), for the submission example. */
async function alertSids(target: AlTarget): Promise<string[]> {
	try {
		const q = new URLSearchParams({ query: 'al.ip:* OR al.domain:* OR al.uri:*', fl: 'sid', rows: '10', sort: 'reporting_ts desc' });
		const res = await fetch(`${target.url}/api/v4/search/alert/?${q}`, { headers: { 'X-USER': target.user, 'X-APIKEY': target.apikey } });
		const body = (await res.json()) as { api_response?: { items?: { sid?: string }[] } };
		return [...new Set((body.api_response?.items ?? []).map((a) => a.sid).filter((s): s is string => !!s))];
	} catch {
		return [];
	}
}

export { EXAMPLE_FILES, resolveAlHost };
