// The example workflows (examples/*.json) and parameterised copies of them for `npm start`, the editor
// and the e2e tests. Copies change triggers, parameters and targets; the nodes and their wiring stay
// the examples' own, so what runs is what users import. No import.meta / __dirname: paths come in.
import fs from 'node:fs';
import path from 'node:path';

import type { WorkflowJson } from './n8n-host.ts';

export const EXAMPLE_FILES = {
	submission: 'collect-submission-iocs.json',
	blockTrigger: 'block-iocs-from-new-alerts.json',
	blockSearch: 'block-iocs-scheduled-search.json',
	enrich: 'enrich-before-blocking.json',
	feeds: 'serve-blocklist-feeds.json',
	sweep: 'sweep-expired-blocklist-rows.json',
	unblock: 'unblock-ioc.json',
} as const;
export type ExampleKey = keyof typeof EXAMPLE_FILES;

/** The credential id the examples reference (`credentials.assemblylineApi.id`). */
export const AL_CREDENTIAL = { id: 'alCredential0001', name: 'Assemblyline API' };
export const FIREWALL_CREDENTIAL = { id: 'fwCredential0001', name: 'Firewall API (placeholder)' };
/** The Basic auth credentials of the feed and unblock webhooks (`credentials.httpBasicAuth.id`). */
export const FEED_CREDENTIAL = { id: 'feedBasicAuth001', name: 'Blocklist feeds (Basic auth)' };
export const UNBLOCK_CREDENTIAL = { id: 'unblockBasicAu01', name: 'Blocklist unblock (Basic auth)' };
/** The Data Table the blocklist examples create and use. */
export const BLOCKLIST_TABLE = 'ioc_blocklist';
/** The feed and unblock webhook paths (under /webhook/). */
export const FEED_PATH = 'ioc-blocklist';
export const UNBLOCK_PATH = 'ioc-blocklist/unblock';
/** Every feed the Serve workflow answers: IoC type × format. */
export const FEEDS: { type: 'ip' | 'domain' | 'url'; format: string }[] = (['ip', 'domain', 'url'] as const).flatMap((type) =>
	['paloalto_edl', 'fortigate', 'cisco', 'cisco_md5', 'plain', 'csv', 'stix'].map((format) => ({ type, format })),
);
export const SLACK_CREDENTIAL = { id: 'slackCredential1', name: 'Slack (placeholder)' };
export const ABUSECH_CREDENTIAL = { id: 'abuseChCredent01', name: 'abuse.ch (placeholder)' };

export const NODE = {
	filter: 'Filter Blockable IoCs',
	search: 'AL Alert Search',
	trigger: 'AL Alert Trigger',
	submission: 'AL Submission IoCs',
	sids: 'Submission IDs',
	/** The placeholder firewall call of the enrich example. */
	firewall: 'Block on Firewall',
	table: 'Blocklist Table',
	readBlocklist: 'Read Blocklist',
	merge: 'IoCs and Current Rows',
	prepare: 'Prepare Rows',
	write: 'Write to Blocklist',
	renderFeed: 'Render Feed',
	feedWebhook: 'Firewall Pulls the Feed',
	expired: 'Expired Rows',
	deleteExpired: 'Delete Expired Rows',
	removed: 'Removed',
	unblock: 'Unblock',
	aggregate: 'All Blocked IoCs',
	slack: 'Tell the SOC on Slack',
	reasons: 'Skipped: Count by Reason',
	confirm: 'Confirm Blocked IoCs',
	enrich: 'IoC Enrich',
	confirms: 'Threat Intel Confirms?',
	review: 'IoCs to Review',
	reviewSlack: 'Ask for Review on Slack',
} as const;

export const MANUAL_TRIGGER = 'When clicking ‘Execute workflow’';

export function loadExample(examplesDir: string, key: ExampleKey): WorkflowJson {
	return JSON.parse(fs.readFileSync(path.join(examplesDir, EXAMPLE_FILES[key]), 'utf8')) as WorkflowJson;
}

export function loadExamples(examplesDir: string): Record<ExampleKey, WorkflowJson> {
	const out = {} as Record<ExampleKey, WorkflowJson>;
	for (const key of Object.keys(EXAMPLE_FILES) as ExampleKey[]) out[key] = loadExample(examplesDir, key);
	return out;
}

/** An independent copy with another id and name. */
export function copyWorkflow(wf: WorkflowJson, id: string, name?: string): WorkflowJson {
	const copy = JSON.parse(JSON.stringify(wf)) as WorkflowJson;
	copy.id = id;
	copy.name = name ?? wf.name;
	copy.active = false;
	return copy;
}

export function getNode(wf: WorkflowJson, name: string): Record<string, any> {
	const node = wf.nodes.find((n) => n.name === name);
	if (!node) throw new Error(`workflow "${wf.name}" has no node "${name}"`);
	return node;
}

export function setParams(wf: WorkflowJson, nodeName: string, params: Record<string, unknown>): WorkflowJson {
	Object.assign(getNode(wf, nodeName).parameters, params);
	return wf;
}

/** Removes nodes and every connection from or to them. */
export function removeNodes(wf: WorkflowJson, names: string[]): WorkflowJson {
	const gone = new Set(names);
	for (const name of names) getNode(wf, name);
	wf.nodes = wf.nodes.filter((n) => !gone.has(n.name));
	for (const name of names) delete wf.connections[name];
	for (const outputs of Object.values(wf.connections)) {
		for (const [type, lists] of Object.entries(outputs as Record<string, any[][]>)) {
			(outputs as Record<string, any[][]>)[type] = lists.map((list) => (list ?? []).filter((c) => !gone.has(c.node)));
		}
	}
	return wf;
}

/** Replaces a node by another under the same name (so connections and expressions keep working). */
export function replaceNode(wf: WorkflowJson, name: string, replacement: Record<string, any>): WorkflowJson {
	const i = wf.nodes.findIndex((n) => n.name === name);
	if (i < 0) throw new Error(`workflow "${wf.name}" has no node "${name}"`);
	const old = wf.nodes[i];
	wf.nodes[i] = { id: old.id, position: old.position, ...replacement, name };
	return wf;
}

/** Every Slack step replaced by an HTTP Request that posts the same channel and text to
 * `<baseUrl>/slack/<channel>` (a recorder on 127.0.0.1: the Slack node only talks to slack.com). */
export function slackToRecorder(wf: WorkflowJson, baseUrl: string): WorkflowJson {
	for (const slack of wf.nodes.filter((n) => n.type === 'n8n-nodes-base.slack')) {
		const channel = String(slack.parameters.channelId.value).replace(/^#/, '');
		replaceNode(wf, slack.name, {
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			parameters: {
				method: 'POST',
				url: `${baseUrl}/slack/${channel}`,
				sendBody: true,
				contentType: 'json',
				specifyBody: 'keypair',
				bodyParameters: {
					parameters: [
						{ name: 'channel', value: slack.parameters.channelId.value },
						{ name: 'text', value: slack.parameters.text },
					],
				},
				options: {},
			},
		});
	}
	return wf;
}

/** Renames a node, its connections and `$('name')` / `$node["name"]` references. */
export function renameNode(wf: WorkflowJson, from: string, to: string): WorkflowJson {
	getNode(wf, from).name = to;
	if (wf.connections[from]) {
		wf.connections[to] = wf.connections[from];
		delete wf.connections[from];
	}
	for (const outputs of Object.values(wf.connections)) {
		for (const lists of Object.values(outputs as Record<string, any[][]>)) {
			for (const list of lists) for (const c of list ?? []) if (c.node === from) c.node = to;
		}
	}
	return wf;
}

/**
 * Makes a workflow runnable with `n8n execute`: its trigger (Schedule Trigger, AL Alert Trigger) is
 * replaced by a Manual Trigger at the same place, and other triggers are removed.
 */
export function withManualTrigger(wf: WorkflowJson): WorkflowJson {
	const triggers = wf.nodes.filter((n) => /trigger$/i.test(String(n.type)) && n.type !== 'n8n-nodes-base.manualTrigger');
	const manual = wf.nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger');
	if (manual) return removeNodes(wf, triggers.map((t) => t.name));
	const [first, ...rest] = triggers;
	if (!first) throw new Error(`workflow "${wf.name}" has no trigger to replace`);
	removeNodes(wf, rest.map((t) => t.name));
	replaceNode(wf, first.name, { parameters: {}, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1 });
	return renameNode(wf, first.name, MANUAL_TRIGGER);
}

/** Points every Assemblyline node at another credential (e.g. a wrong key for a failure test). */
export function useAlCredential(wf: WorkflowJson, cred: { id: string; name: string }): WorkflowJson {
	for (const n of wf.nodes) if (n.credentials?.assemblylineApi) n.credentials.assemblylineApi = { ...cred };
	return wf;
}

/** Sets the submission IDs of the submission workflow (the Set node's array field). */
export function setSubmissionIds(wf: WorkflowJson, sids: string[]): WorkflowJson {
	const node = getNode(wf, NODE.sids);
	const assignment = node.parameters.assignments.assignments.find((a: any) => a.name === 'sid');
	assignment.value = JSON.stringify(sids);
	return wf;
}

/** The npm-start copy of the blocking workflow: manual trigger, the given alert query and limit, no
 * blocklist writes or Slack calls (it reports what would be blocked), no cross-run memory, no cap. */
export function blockingForReport(example: WorkflowJson, opts: { id: string; query: string; limit: number | 'all' }): WorkflowJson {
	const wf = withManualTrigger(copyWorkflow(example, opts.id, `${example.name} (report)`));
	setParams(wf, NODE.search, {
		query: opts.query,
		onlyNew: false,
		returnAll: opts.limit === 'all',
		...(opts.limit === 'all' ? {} : { limit: opts.limit }),
	});
	// The report lists every blockable IoC; the cap protects a firewall, and none is fed here.
	setParams(wf, NODE.filter, { onlyNew: false, maxToBlock: 0 });
	return removeNodes(wf, [NODE.table, NODE.readBlocklist, NODE.merge, NODE.prepare, NODE.write, NODE.aggregate, NODE.slack]);
}

/** The URL of one feed of the Serve workflow on an n8n at `n8nUrl`. */
export function feedUrl(n8nUrl: string, type: string, format: string): string {
	return `${n8nUrl}/webhook/${FEED_PATH}?type=${encodeURIComponent(type)}&format=${encodeURIComponent(format)}`;
}

export function submissionForReport(example: WorkflowJson, opts: { id: string; sids: string[] }): WorkflowJson {
	const wf = withManualTrigger(copyWorkflow(example, opts.id, `${example.name} (report)`));
	return setSubmissionIds(wf, opts.sids);
}

/** Unique values in first-seen order. */
export function uniq<T>(values: T[]): T[] {
	return [...new Set(values)];
}
