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
 *
 * Before FortiOS 7.2.1 (API "Address Objects"): one address object per IoC in the CMDB
 * (`/api/v2/cmdb/firewall/address`, type `ipmask` or `fqdn`; IPv6 in `firewall/address6`), made a
 * member of an address group that a deny policy uses (`PUT /api/v2/cmdb/firewall/addrgrp/{name}`
 * with the whole member list, so the group is read first). Sources: the FortiOS CLI reference
 * (`config firewall address`, names of at most 79 characters), rapid7/insightconnect-plugins
 * (plugins/fortinet_fortigate: create_address_object, add_address_object_to_address_group,
 * remove_address_object_from_group), fortinetdev/terraform-provider-fortios issue #244 (a duplicate
 * create answers HTTP 500 with `"error": -5`). Removing takes the object out of the group, then
 * deletes it (a 424 means another policy still uses it: it stays). The object's comment says when
 * the block should end; FortiOS does not enforce it. docs/firewalls.md has the details.
 */
import type { IDataObject } from 'n8n-workflow';

import { assumeListed, baseUrl, refuseAuth, TargetError } from './types';
import type * as T from './types';

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

function vdomQs(settings: T.TargetSettings): IDataObject {
	const vdom = String(settings.credentials.vdom ?? '').trim();
	return vdom ? { vdom } : {};
}

const API = (settings: T.TargetSettings, path: string) =>
	`${baseUrl(settings.credentials.url)}/api/v2/monitor/system/external-resource/${path}`;

function failWhole(response: T.TargetResponse, missing: string): never {
	refuseAuth(response, {
		401: "FortiGate refused the API token (401). Check the token in the credential (System → Administrators → REST API Admin → Regenerate) and that n8n's address is in the administrator's Trusted Hosts.",
		403: 'FortiGate denied access (403): give the REST API administrator a profile with Read/Write on "Security Fabric" (external connectors), and the right VDOM.',
	});
	if (response.status === 404) {
		throw new TargetError(`FortiGate has no ${missing} (HTTP 404).`, true, 404);
	}
	throw new TargetError(
		`FortiGate answered HTTP ${response.status}. Check the URL in the credential.`,
		false,
		response.status,
	);
}

const missingFeed = (feeds: string[]) =>
	`threat feed ${feeds.map((f) => `"${f}"`).join(' or ')} with the update method Push API. Create it under Security Fabric → External Connectors → Threat Feeds (FortiOS 7.2.1 or later; for older FortiOS set API to Address Objects), or check the VDOM in the credential`;

/** feed → the entries it holds now (lower case). */
type Prepared = Map<string, Set<string>>;

const prepare: T.Prepare<Prepared> = async (io, iocs, operation, settings) => {
	const feeds = [...new Set(iocs.map((ioc) => feedOf(settings.params, ioc.type)))];
	const out: Prepared = new Map();
	for (const feed of feeds) {
		const assumed = assumeListed(
			io,
			operation,
			iocs.filter((ioc) => feedOf(settings.params, ioc.type) === feed),
			(ioc) => ({ entry: ioc.value, valid: true }),
		);
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
		if (response.status !== 200) failWhole(response, missingFeed([feed]));
		const entries =
			(response.body as { results?: { entries?: Array<{ entry?: string }> } } | undefined)?.results
				?.entries ?? [];
		out.set(feed, new Set(entries.map((e) => String(e.entry ?? '').toLowerCase())));
	}
	return out;
};

const change: T.Change<T.Operation> = async (io, batch, settings, prepared, command) => {
	const present = prepared as Prepared;
	const results = new Map<string, T.PushResult>();
	const byFeed = new Map<string, T.PushIoc[]>();
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
	if (response.status !== 200) failWhole(response, missingFeed([...byFeed.keys()]));
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
};

// --- Address objects in an address group (before FortiOS 7.2.1) ---------------------------------

/** Where an IoC goes on the address-object route: its table, its group's table and the group. */
interface Place {
	table: 'address' | 'address6';
	groupTable: 'addrgrp' | 'addrgrp6';
	group: string;
}

function placeOf(params: IDataObject, ioc: T.PushIoc): Place | null {
	if (ioc.type === 'uri') return null;
	const v6 = ioc.type === 'ip' && ioc.ipVersion === 6;
	const group = String(params[v6 ? 'fortiGroup6' : 'fortiGroup'] ?? '').trim();
	if (!group) return null;
	return v6
		? { table: 'address6', groupTable: 'addrgrp6', group }
		: { table: 'address', groupTable: 'addrgrp', group };
}

const groupKey = (place: Place) => `${place.groupTable}/${place.group}`;

/** FNV-1a, 32 bits, as 8 hex digits: keeps long names unique within 79 characters. */
function fnv(text: string): string {
	let hash = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
	return (hash >>> 0).toString(16).padStart(8, '0');
}

/** The address object's name: `n8n_<value>`, shortened with a hash past 79 characters. */
export function fortiObjectName(ioc: T.PushIoc): string {
	const name = `n8n_${ioc.value}`;
	return name.length <= 79 ? name : `${name.slice(0, 70)}_${fnv(ioc.value)}`;
}

function objectBody(ioc: T.PushIoc): IDataObject {
	const comment = `n8n block${ioc.expiresAt ? ` until ${ioc.expiresAt}` : ''}`.slice(0, 255);
	const name = fortiObjectName(ioc);
	if (ioc.type === 'domain') return { name, type: 'fqdn', fqdn: ioc.value, comment };
	if (ioc.ipVersion === 6) return { name, ip6: `${ioc.value}/128`, comment };
	return { name, type: 'ipmask', subnet: `${ioc.value}/32`, comment };
}

const CMDB = (settings: T.TargetSettings, path: string) =>
	`${baseUrl(settings.credentials.url)}/api/v2/cmdb/firewall/${path}`;

const missingGroup = (place: Place) =>
	`address group "${place.group}"${place.groupTable === 'addrgrp6' ? ' (IPv6)' : ''}. Create it under Policy & Objects → Addresses → Address Group and use it in a deny policy, or check the VDOM in the credential`;

/** group key → the member names it holds now. */
type Groups = Map<string, Set<string>>;

const readGroups: T.Prepare<Groups> = async (io, iocs, operation, settings) => {
	const places = new Map<string, Place>();
	for (const ioc of iocs) {
		const place = placeOf(settings.params, ioc);
		if (place) places.set(groupKey(place), place);
	}
	const out: Groups = new Map();
	for (const [key, place] of places) {
		const assumed = assumeListed(
			io,
			operation,
			iocs.filter((ioc) => groupKey(placeOf(settings.params, ioc) ?? place) === key),
			(ioc) => ({ name: fortiObjectName(ioc) }),
		);
		const response = await io.send({
			method: 'GET',
			url: CMDB(settings, `${place.groupTable}/${encodeURIComponent(place.group)}`),
			qs: vdomQs(settings),
			bucket: 'api',
			assume: {
				status: 200,
				body: {
					status: 'success',
					http_status: 200,
					results: [{ name: place.group, member: assumed }],
				},
			},
		});
		if (response.status !== 200) failWhole(response, missingGroup(place));
		const members =
			(response.body as { results?: Array<{ member?: Array<{ name?: string }> }> } | undefined)
				?.results?.[0]?.member ?? [];
		out.set(key, new Set(members.map((m) => String(m.name ?? ''))));
	}
	return out;
};

/** The CMDB's error number in an answer (`"error": -5` = the object exists). */
const cmdbError = (response: T.TargetResponse) =>
	(response.body as { error?: number } | undefined)?.error;

async function setMembers(
	io: T.Io,
	settings: T.TargetSettings,
	place: Place,
	members: Set<string>,
	changed: number,
) {
	const response = await io.send({
		method: 'PUT',
		url: CMDB(settings, `${place.groupTable}/${encodeURIComponent(place.group)}`),
		qs: vdomQs(settings),
		json: { member: [...members].map((name) => ({ name })) },
		bucket: 'api',
		entries: changed,
		assume: { status: 200, body: { status: 'success', http_status: 200 } },
	});
	if (response.status !== 200) failWhole(response, missingGroup(place));
}

const changeObjects: T.Change<T.Operation> = async (io, batch, settings, prepared, command) => {
	const groups = prepared as Groups;
	const results = new Map<string, T.PushResult>();
	const byGroup = new Map<string, { place: Place; iocs: T.PushIoc[] }>();
	for (const ioc of batch) {
		const place = placeOf(settings.params, ioc) as Place;
		const there = groups.get(groupKey(place))?.has(fortiObjectName(ioc)) ?? false;
		if (command === 'add' && there)
			results.set(ioc.key, {
				status: 'already_present',
				target_id: fortiObjectName(ioc),
				expires_at: null,
				expiry_refreshed: false,
			});
		else if (command === 'remove' && !there)
			results.set(ioc.key, { status: 'not_present', target_id: null });
		else {
			const entry = byGroup.get(groupKey(place)) ?? { place, iocs: [] };
			entry.iocs.push(ioc);
			byGroup.set(groupKey(place), entry);
		}
	}
	for (const [key, { place, iocs }] of byGroup) {
		const members = groups.get(key) as Set<string>;
		if (command === 'add') {
			const made: T.PushIoc[] = [];
			for (const ioc of iocs) {
				const body = objectBody(ioc);
				const created = await io.send({
					method: 'POST',
					url: CMDB(settings, place.table),
					qs: vdomQs(settings),
					json: body,
					bucket: 'api',
					entries: 1,
					// FortiOS answers an existing name with HTTP 500 and error -5.
					answers: [500],
					assume: { status: 200, body: { status: 'success', http_status: 200, mkey: body.name } },
				});
				// An object of ours left from an earlier run: update it (the comment) and reuse it.
				const exists = created.status === 500 && cmdbError(created) === -5;
				const updated = exists
					? await io.send({
							method: 'PUT',
							url: CMDB(settings, `${place.table}/${encodeURIComponent(String(body.name))}`),
							qs: vdomQs(settings),
							json: body,
							bucket: 'api',
							entries: 1,
							assume: { status: 200, body: { status: 'success', http_status: 200 } },
						})
					: created;
				if (updated.status === 200) made.push(ioc);
				else if (updated.status === 401 || updated.status === 403)
					failWhole(updated, missingGroup(place));
				else
					results.set(ioc.key, {
						status: 'failed',
						error: `FortiGate refused the address object for ${ioc.value} (HTTP ${updated.status}${cmdbError(updated) !== undefined ? `, error ${cmdbError(updated)}` : ''}).`,
					});
			}
			if (made.length === 0) continue;
			const next = new Set([...members, ...made.map(fortiObjectName)]);
			await setMembers(io, settings, place, next, made.length);
			groups.set(key, next);
			for (const ioc of made)
				results.set(ioc.key, {
					status: 'added',
					target_id: fortiObjectName(ioc),
					expires_at: null,
				});
		} else {
			const names = new Set(iocs.map(fortiObjectName));
			const next = new Set([...members].filter((name) => !names.has(name)));
			await setMembers(io, settings, place, next, iocs.length);
			groups.set(key, next);
			for (const ioc of iocs) {
				// Out of the group, the block is gone; the object goes too unless something else uses it (424).
				await io.send({
					method: 'DELETE',
					url: CMDB(settings, `${place.table}/${encodeURIComponent(fortiObjectName(ioc))}`),
					qs: vdomQs(settings),
					bucket: 'api',
					entries: 1,
					assume: { status: 200, body: { status: 'success', http_status: 200 } },
				});
				results.set(ioc.key, { status: 'removed', target_id: fortiObjectName(ioc) });
			}
		}
	}
	return results;
};

const addressRoute = (params: IDataObject | undefined) => params?.fortiApi === 'address';
/** The add / remove of the route the node's API parameter chose. */
const routed = (settings: T.TargetSettings) =>
	addressRoute(settings.params) ? changeObjects : change;

export const fortigate: T.Target = {
	id: 'fortigate',
	name: 'FortiGate',
	credentialType: 'blockFortiGateApi',
	secretFields: ['apiToken'],
	batch: { add: 1000, remove: 1000 },
	buckets: { api: {} },
	unsupported(ioc, params) {
		if (addressRoute(params)) {
			if (placeOf(params, ioc)) return null;
			return ioc.type === 'uri'
				? 'FortiGate address objects hold IP addresses and domains; a URL cannot be one. Block it with a web filter, or use the threat feed API (FortiOS 7.2.1+).'
				: 'No FortiGate IPv6 address group is set. Set "IPv6 Address Group" to block IPv6 addresses.';
		}
		if (feedOf(params ?? {}, ioc.type)) return null;
		const spec = FEED_PARAM[ioc.type];
		return `No FortiGate ${spec?.what ?? ioc.type} threat feed is set for this ${ioc.type === 'uri' ? 'URL' : ioc.type === 'ip' ? 'IP address' : 'domain'}. Set "${spec?.what ?? ioc.type} Feed" to a Push API feed to block it.`;
	},
	prepare: async (io, iocs, operation, settings) =>
		addressRoute(settings.params)
			? await readGroups(io, iocs, operation, settings)
			: await prepare(io, iocs, operation, settings),
	add: async (io, batch, settings, prepared) =>
		await routed(settings)(io, batch, settings, prepared, 'add'),
	remove: async (io, batch, settings, prepared) =>
		await routed(settings)(io, batch, settings, prepared, 'remove'),
};
