/**
 * Fortinet FortiGate: entries pushed to external threat feeds whose update method is "Push API"
 * (FortiOS 7.2.1+), docs.fortinet.com/document/fortigate/7.2.0/new-features/144954:
 * `POST /api/v2/monitor/system/external-resource/dynamic` with
 * `{"commands":[{"name":<feed>,"command":"add"|"remove","entries":[…]}]}` (selector
 * `dynamic.system.external-resource` in fortinet-ansible-dev/ansible-galaxy-fortios-collection:
 * plugins/modules/fortios_monitor.py). The list is read back with
 * `GET /api/v2/monitor/system/external-resource/entry-list?mkey=<feed>` (same collection,
 * fortios_monitor_fact.py), which answers `results.entries: [{entry, valid}]`
 * (how-to-fortimanager-api.readthedocs.io, a FortiOS 7.4.2 answer relayed by FortiManager).
 * Auth: a REST API administrator's token as `Authorization: Bearer`
 * (docs.fortinet.com/document/fortigate/7.6.2/administration-guide/399023).
 *
 * One feed holds one type (IP Address, Domain Name, FortiGuard Category for URLs), so each IoC type
 * goes to the feed set for it; a type without a feed goes to Not Pushed. Fortinet does not document
 * what a duplicate add or a remove of a missing entry answers, so the feeds are read first to tell
 * `added` from `already_present` and `removed` from `not_present`. Threat feeds have no expiry:
 * remove blocks later (e.g. the blocklist's expired rows). Fortinet documents no entry count per
 * request and no request rate (a 429 from FortiOS means too many failed logins): batches of 1,000
 * entries, one request at a time. The feed limits (IP feeds 300,000 entries from FortiOS 7.4.4,
 * docs.fortinet.com/document/fortigate/7.4.0/new-features/677896) apply to the whole list.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	baseUrl,
	TargetError,
	type Io,
	type Operation,
	type PushIoc,
	type PushResult,
	type Target,
	type TargetResponse,
	type TargetSettings,
} from './types';

/** The feed parameter for each IoC type. */
const FEED_PARAM: Record<string, { param: string; what: string }> = {
	ip: { param: 'fortiIpFeed', what: 'IP Address' },
	domain: { param: 'fortiDomainFeed', what: 'Domain Name' },
	uri: { param: 'fortiUrlFeed', what: 'FortiGuard Category' },
};

function feedOf(params: IDataObject, type: string): string {
	const spec = FEED_PARAM[type];
	return spec ? String(params[spec.param] ?? '').trim() : '';
}

function vdomQs(settings: TargetSettings): IDataObject {
	const vdom = String(settings.credentials.vdom ?? '').trim();
	return vdom ? { vdom } : {};
}

const API = (settings: TargetSettings, path: string) =>
	`${baseUrl(settings.credentials.url)}/api/v2/monitor/system/external-resource/${path}`;

function failWhole(response: TargetResponse, feeds: string[]): never {
	if (response.status === 401) {
		throw new TargetError(
			"FortiGate refused the API token (401). Check the token in the credential (System → Administrators → REST API Admin → Regenerate) and that n8n's address is in the administrator's Trusted Hosts.",
			true,
			401,
		);
	}
	if (response.status === 403) {
		throw new TargetError(
			'FortiGate denied access (403): give the REST API administrator a profile with Read/Write on "Security Fabric" (external connectors), and the right VDOM.',
			true,
			403,
		);
	}
	if (response.status === 404) {
		throw new TargetError(
			`FortiGate has no threat feed ${feeds.map((f) => `"${f}"`).join(' or ')} with the update method Push API (HTTP 404). Create it under Security Fabric → External Connectors → Threat Feeds (FortiOS 7.2.1 or later), or check the VDOM in the credential.`,
			true,
			404,
		);
	}
	throw new TargetError(
		`FortiGate answered HTTP ${response.status}. Check the URL in the credential.`,
		false,
		response.status,
	);
}

/** feed → the entries it holds now (lower case). */
type Prepared = Map<string, Set<string>>;

async function prepare(
	io: Io,
	iocs: PushIoc[],
	operation: Operation,
	settings: TargetSettings,
): Promise<Prepared> {
	const feeds = [...new Set(iocs.map((ioc) => feedOf(settings.params, ioc.type)))];
	const out: Prepared = new Map();
	for (const feed of feeds) {
		// A dry run assumes a remove finds its entries and an add does not.
		const assumed =
			io.dryRun && operation === 'remove'
				? iocs
						.filter((ioc) => feedOf(settings.params, ioc.type) === feed)
						.map((ioc) => ({ entry: ioc.value, valid: true }))
				: [];
		const response = await io.send({
			method: 'GET',
			url: API(settings, 'entry-list'),
			qs: { mkey: feed, ...vdomQs(settings) },
			bucket: 'api',
			assume: {
				status: 200,
				body: {
					http_method: 'GET',
					status: 'success',
					http_status: 200,
					results: { entries: assumed, valid_count: assumed.length, invalid_count: 0 },
				},
			},
		});
		if (response.status !== 200) failWhole(response, [feed]);
		const entries =
			(response.body as { results?: { entries?: Array<{ entry?: string }> } } | undefined)?.results
				?.entries ?? [];
		out.set(feed, new Set(entries.map((e) => String(e.entry ?? '').toLowerCase())));
	}
	return out;
}

async function change(
	io: Io,
	batch: PushIoc[],
	settings: TargetSettings,
	prepared: unknown,
	command: Operation,
): Promise<Map<string, PushResult>> {
	const present = prepared as Prepared;
	const results = new Map<string, PushResult>();
	const byFeed = new Map<string, PushIoc[]>();
	for (const ioc of batch) {
		const feed = feedOf(settings.params, ioc.type);
		const there = present.get(feed)?.has(ioc.value.toLowerCase()) ?? false;
		if (command === 'add' && there)
			results.set(ioc.key, {
				status: 'already_present',
				target_id: null,
				expires_at: null,
				expiry_refreshed: false,
			});
		else if (command === 'remove' && !there)
			results.set(ioc.key, { status: 'not_present', target_id: null });
		else byFeed.set(feed, [...(byFeed.get(feed) ?? []), ioc]);
	}
	if (byFeed.size === 0) return results;
	const commands = [...byFeed].map(([name, iocs]) => ({
		name,
		command,
		entries: iocs.map((ioc) => ioc.value),
	}));
	const response = await io.send({
		method: 'POST',
		url: API(settings, 'dynamic'),
		qs: vdomQs(settings),
		json: { commands },
		bucket: 'api',
		entries: commands.reduce((n, c) => n + c.entries.length, 0),
		assume: { status: 200, body: { http_method: 'POST', status: 'success', http_status: 200 } },
	});
	const body = response.body as { status?: string; error?: number; cli_error?: string } | undefined;
	if (response.status !== 200) failWhole(response, [...byFeed.keys()]);
	if (body?.status !== 'success') {
		const said =
			body?.cli_error ?? (body?.error !== undefined ? `error ${body.error}` : 'no status');
		throw new TargetError(
			`FortiGate did not apply the ${command} (${said}). Check that the feeds ${[...byFeed.keys()].join(', ')} exist and use the update method Push API.`,
		);
	}
	for (const iocs of byFeed.values()) {
		for (const ioc of iocs)
			results.set(
				ioc.key,
				command === 'add'
					? { status: 'added', target_id: null, expires_at: null }
					: { status: 'removed', target_id: null },
			);
	}
	return results;
}

export const fortigate: Target = {
	id: 'fortigate',
	name: 'FortiGate',
	credentialType: 'blockFortiGateApi',
	secretFields: ['apiToken'],
	batch: { add: 1000, remove: 1000 },
	buckets: { api: {} },
	unsupported(ioc, params) {
		if (feedOf(params ?? {}, ioc.type)) return null;
		const spec = FEED_PARAM[ioc.type];
		return `No FortiGate ${spec?.what ?? ioc.type} threat feed is set for this ${ioc.type === 'uri' ? 'URL' : ioc.type === 'ip' ? 'IP address' : 'domain'}. Set "${spec?.what ?? ioc.type} Feed" to a Push API feed to block it.`;
	},
	prepare,
	add: async (io, batch, settings, prepared) => await change(io, batch, settings, prepared, 'add'),
	remove: async (io, batch, settings, prepared) =>
		await change(io, batch, settings, prepared, 'remove'),
};
