// The editor set-up shared by `npm run editor` and `npm run screenshots`: what npm start sets up (the
// demo Assemblyline or AL_HOST, the package from its tarball, the credential), plus the example
// workflows as users import them, an owner account, and `n8n start`. No import.meta: paths come in.
import path from 'node:path';

import { defaultUsers, demoDataset, startFakeAssemblyline, type FakeAssemblyline } from '../test/fakes/assemblyline/index.ts';
import { FakeProviders } from '../test/fakes/providers.ts';
import { activateWorkflowArgs, N8N_VERSION, stderrLog, type CredentialImport, type Log, type N8nHost, type WorkflowJson } from './n8n-host.ts';
import { optionsFromEnv, prepareHost, resolveAlHost, targetFromEnv, type AlTarget } from './report.ts';
import {
	copyWorkflow,
	EXAMPLE_FILES,
	FEED_CREDENTIAL,
	loadExamples,
	MANUAL_TRIGGER,
	NODE,
	removeNodes,
	setParams,
	setSubmissionIds,
	UNBLOCK_CREDENTIAL,
	withManualTrigger,
	type ExampleKey,
} from './workflows.ts';

/** A local, throw-away owner account for the editor on 127.0.0.1 (printed with the URL). */
export const EDITOR_LOGIN = { email: 'soc@example.com', password: 'Assemblyline-demo-1', firstName: 'SOC', lastName: 'Analyst' };
/** The Basic auth of the demo's feed and unblock webhooks (a throw-away n8n on 127.0.0.1). */
export const FEED_LOGIN = { user: 'firewall', password: 'demo-feed-password-1' };
export const UNBLOCK_LOGIN = { user: 'analyst', password: 'demo-unblock-password-1' };

export interface Editor {
	host: N8nHost;
	url: string;
	target: AlTarget;
	workflows: Record<ExampleKey, WorkflowJson>;
	/** Whether the blocklist feeds are live (n8n 2: Data Tables). */
	feedsLive: boolean;
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
		// The blocklist: the feed and unblock webhooks published with demo Basic auth, and the table
		// filled once from the alerts, so the feeds answer at once (n8n 1.x has no Data Tables).
		const feedsLive = !N8N_VERSION.startsWith('1.');
		const fill = withManualTrigger(copyWorkflow(workflows.blockSearch, 'EditorFillBlock1', 'Fill the blocklist once (npm run editor)'));
		setParams(fill, NODE.search, { onlyNew: false });
		removeNodes(fill, [NODE.aggregate, NODE.slack]);
		if (feedsLive) {
			await host.importCredentials([
				{ ...FEED_CREDENTIAL, type: 'httpBasicAuth', data: FEED_LOGIN },
				{ ...UNBLOCK_CREDENTIAL, type: 'httpBasicAuth', data: UNBLOCK_LOGIN },
			]);
		}
		await host.importWorkflows([...Object.values(workflows), ...(feedsLive ? [fill] : [])]);
		if (feedsLive) {
			for (const wf of [workflows.feeds, workflows.unblock]) {
				const r = await host.cli(activateWorkflowArgs(wf.id as string));
				if (r.code !== 0) throw new Error(`publishing "${wf.name}" failed:\n${r.stdout}${r.stderr}`);
			}
		}

		const url = await host.start();
		const res = await fetch(`${url}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(EDITOR_LOGIN),
		});
		if (!res.ok) throw new Error(`owner set-up failed: HTTP ${res.status} ${await res.text()}`);
		// Data Tables live in the server (`n8n execute` does not load n8n's modules): fill the blocklist
		// with a run of the copy through the editor's REST API, as "Execute workflow" does.
		if (feedsLive) {
			const status = await signIn(url, EDITOR_LOGIN)
				.then((headers) => runInEditor(url, headers, fill.id as string))
				.then((r) => r.status, (e: Error) => e.message);
			if (status !== 'success') log(`Filling the blocklist did not succeed (${status}); the feeds answer 500 until a blocking workflow has run.`);
			else log('Filled the blocklist (Data Table "ioc_blocklist") from the alerts.');
		}
		return { host, url, target, workflows, feedsLive, close };
	} catch (e) {
		await close();
		throw e;
	}
}

/** Signs in to n8n's REST API; the session headers. */
export async function signIn(url: string, login: { email: string; password: string }): Promise<Record<string, string>> {
	const res = await fetch(`${url}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: login.email, password: login.password }),
	});
	if (!res.ok) throw new Error(`login failed: HTTP ${res.status}`);
	return { 'content-type': 'application/json', cookie: res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') };
}

/**
 * "Execute workflow" in the editor: a manual execution from the Manual Trigger through n8n's REST
 * API, to completion. `parse` is n8n's flatted.parse (how it stores execution data), to get the
 * run data; without it only the status comes back.
 */
export async function runInEditor(
	url: string,
	headers: Record<string, string>,
	workflowId: string,
	opts: { parse?: (text: string) => any; timeoutMs?: number } = {},
): Promise<{ status: string; runData: Record<string, any[]> }> {
	const started = await fetch(`${url}/rest/workflows/${workflowId}/run`, { method: 'POST', headers, body: JSON.stringify({ triggerToStartFrom: { name: MANUAL_TRIGGER } }) });
	if (!started.ok) throw new Error(`running ${workflowId}: HTTP ${started.status} ${await started.text()}`);
	const executionId = ((await started.json()) as { data: { executionId: string } }).data.executionId;
	const deadline = Date.now() + (opts.timeoutMs ?? 180_000);
	for (;;) {
		const res = await fetch(`${url}/rest/executions/${executionId}`, { headers });
		const execution = ((await res.json()) as { data?: { status?: string; stoppedAt?: string; mode?: string; data?: string } }).data;
		if (execution?.stoppedAt && execution.mode === 'manual') {
			return { status: String(execution.status), runData: opts.parse && execution.data ? opts.parse(execution.data).resultData.runData : {} };
		}
		if (Date.now() > deadline) throw new Error(`execution ${executionId} of ${workflowId} did not finish in time`);
		await new Promise((r) => setTimeout(r, 1000));
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
