/**
 * Fake FortiGate REST API: external threat feeds with the Push API update method (FortiOS 7.2.1+).
 * Written from
 * - docs.fortinet.com/document/fortigate/7.2.0/new-features/144954: a feed (FortiGuard Category,
 *   IP Address, Domain Name, Malware Hash) whose update method is Push API takes the commands
 *   `add` (add the entries), `remove` (remove them) and `snapshot` (replace the list);
 * - fortinet-ansible-dev/ansible-galaxy-fortios-collection: plugins/modules/fortios_monitor.py
 *   (`POST /api/v2/monitor/system/external-resource/dynamic`, `commands` required) and
 *   fortios_monitor_fact.py (`GET …/external-resource/entry-list?mkey=<feed>`); the monitor answer
 *   envelope (`http_method`, `status`, `http_status`, `vdom`, `path`, `name`, `serial`, `version`, `build`);
 * - how-to-fortimanager-api.readthedocs.io (a FortiOS 7.4.2 entry-list answer):
 *   `results: {entries: [{entry, valid}], valid_count, invalid_count, status, …}`, i.e. an entry
 *   that does not parse for the feed's type is kept and listed with `valid: false`;
 * - docs.fortinet.com/document/fortigate/7.4.0/new-features/677896: IP feeds hold at most 300,000 entries;
 * - docs.fortinet.com/document/fortigate/7.6.2/administration-guide/399023: REST API administrator
 *   tokens, sent as `Authorization: Bearer` (or the `access_token` query parameter).
 * Not documented, so chosen here: 401 with no body for a wrong token, 403 for an administrator
 * whose profile cannot write, 404 for an unknown feed or one that is not a Push API feed, 413
 * above 1,000 entries in one request (Fortinet documents no per-request maximum: this is the node's
 * batch size, enforced so that a larger batch fails the test), a duplicate add and a remove of a
 * missing entry both succeed (a set). Threat feeds have no expiry.
 *
 * The CMDB address objects and address groups (the route before FortiOS 7.2.1), from the FortiOS
 * CLI reference (`config firewall address|address6|addrgrp|addrgrp6`: names of at most 79
 * characters; types `ipmask` with `subnet`, `fqdn` with `fqdn`; IPv6 `ip6`), rapid7/insightconnect-plugins
 * (plugins/fortinet_fortigate: GET/POST `cmdb/firewall/address`, PUT `cmdb/firewall/addrgrp/<name>`
 * with the whole `member` list; 424 for an object still in use) and fortinetdev/terraform-provider-fortios
 * issue #244 (a duplicate create: HTTP 500 with `"error": -5`). Chosen here: an unknown object or
 * group is 404 (`error: -3`); a group member that is no address object is refused (HTTP 500, -3).
 */
import { isIP } from 'node:net';

import { FakeServer, noteEntries, type FakeReply, type FakeRequest } from './framework.ts';

export const FORTIGATE_TOKEN = 'Hx7dq3n0Gf8kz5pN1sQ6wrjc9yNtb4';
/** A REST API administrator whose profile has read-only access. */
export const FORTIGATE_READONLY_TOKEN = 'R0nly8fGt3kq7mZ2xw5cVb9nJ1hd6p';
export const FORTIGATE_MAX_ENTRIES_PER_REQUEST = 1000;
const IP_FEED_MAX = 300_000;

export type FeedType = 'address' | 'domain' | 'category' | 'malware';

export interface Feed {
	type: FeedType;
	updateMethod: 'push' | 'feed';
	entries: Set<string>;
}

const ENVELOPE = { vdom: 'root', path: 'system', name: 'external-resource', serial: 'FGVM02TM24000001', version: 'v7.2.8', build: 1639 };

function validFor(type: FeedType, entry: string): boolean {
	if (type === 'address') {
		const [range0, range1] = entry.split('-');
		if (range1 !== undefined) return isIP(range0) !== 0 && isIP(range0) === isIP(range1);
		const [ip, prefix] = entry.split('/');
		if (isIP(ip) === 0) return false;
		return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (isIP(ip) === 4 ? 32 : 128));
	}
	if (type === 'domain') return /^(\*\.)?([a-z0-9-]+\.)+[a-z0-9-]+\*?$/i.test(entry);
	if (type === 'category') return /^[a-z][a-z0-9+.-]*:\/\/[^\s/]+/i.test(entry) || /^[^\s/]+\.[^\s/]+(\/\S*)?$/.test(entry);
	return /^[0-9a-f]{32}([0-9a-f]{8}|[0-9a-f]{32})?(\s.*)?$/i.test(entry);
}

export class FakeFortiGate extends FakeServer {
	/** feed name → feed. */
	readonly feeds = new Map<string, Feed>();

	constructor() {
		super('FortiGate');
		this.defaults();
		const base = '/api/v2/monitor/system';
		this.route('GET', new RegExp(`^${base}/status$`), (req) => this.authorised(req, false, () => ({ status: 200, body: { ...ENVELOPE, http_method: 'GET', status: 'success', http_status: 200, results: { model_name: 'FortiGate', model: 'FGVM02' } } })), 'api');
		this.route('GET', new RegExp(`^${base}/external-resource/entry-list$`), (req) => this.authorised(req, false, () => this.entryList(req)), 'api');
		this.route('POST', new RegExp(`^${base}/external-resource/dynamic$`), (req) => this.authorised(req, true, () => this.dynamic(req)), 'api');
		const cmdb = '^/api/v2/cmdb/firewall';
		this.route('GET', new RegExp(`${cmdb}/(addrgrp6?)/([^/]+)$`), (req, m) => this.authorised(req, false, () => this.getGroup(req, m[1], decodeURIComponent(m[2]))), 'api');
		this.route('PUT', new RegExp(`${cmdb}/(addrgrp6?)/([^/]+)$`), (req, m) => this.authorised(req, true, () => this.putGroup(req, m[1], decodeURIComponent(m[2]))), 'api');
		this.route('POST', new RegExp(`${cmdb}/(address6?)$`), (req, m) => this.authorised(req, true, () => this.createObject(req, m[1])), 'api');
		this.route('PUT', new RegExp(`${cmdb}/(address6?)/([^/]+)$`), (req, m) => this.authorised(req, true, () => this.updateObject(req, m[1], decodeURIComponent(m[2]))), 'api');
		this.route('DELETE', new RegExp(`${cmdb}/(address6?)/([^/]+)$`), (req, m) => this.authorised(req, true, () => this.deleteObject(req, m[1], decodeURIComponent(m[2]))), 'api');
	}

	/** table (`address`, `address6`) → name → object. */
	readonly objects = new Map<string, Map<string, Record<string, unknown>>>();

	/** table (`addrgrp`, `addrgrp6`) → group name → member names. */
	readonly groups = new Map<string, Map<string, Set<string>>>();

	/** The members of an address group, sorted. */
	membersOf(group: string, table = 'addrgrp'): string[] {
		return [...(this.groups.get(table)?.get(group) ?? [])].sort();
	}

	private cmdbReply(req: FakeRequest, status: number, extra: Record<string, unknown> = {}): FakeReply {
		return { status, body: { ...ENVELOPE, path: 'firewall', http_method: req.method, status: status === 200 ? 'success' : 'error', http_status: status, ...extra } };
	}

	private getGroup(req: FakeRequest, table: string, name: string): FakeReply {
		const members = this.groups.get(table)?.get(name);
		if (!members) return this.cmdbReply(req, 404, { error: -3 });
		return this.cmdbReply(req, 200, { name: table, results: [{ name, q_origin_key: name, member: [...members].map((m) => ({ name: m, q_origin_key: m })) }] });
	}

	private putGroup(req: FakeRequest, table: string, name: string): FakeReply {
		const group = this.groups.get(table)?.get(name);
		if (!group) return this.cmdbReply(req, 404, { error: -3 });
		const member = (req.json as { member?: unknown } | undefined)?.member;
		if (!Array.isArray(member) || !member.every((m) => typeof (m as { name?: unknown })?.name === 'string')) return this.cmdbReply(req, 400, { error: -651 });
		const names = (member as Array<{ name: string }>).map((m) => m.name);
		const objects = this.objects.get(table === 'addrgrp' ? 'address' : 'address6')!;
		if (names.some((n) => !objects.has(n))) return this.cmdbReply(req, 500, { error: -3 });
		const before = group.size;
		group.clear();
		for (const n of names) group.add(n);
		noteEntries(this, Math.abs(group.size - before));
		return this.cmdbReply(req, 200, { mkey: name });
	}

	private validObject(table: string, body: Record<string, unknown>): boolean {
		if (typeof body.name !== 'string' || body.name.length === 0 || body.name.length > 79) return false;
		if (typeof body.comment === 'string' && body.comment.length > 255) return false;
		if (table === 'address6') return typeof body.ip6 === 'string' && /^[0-9a-f:]+\/\d{1,3}$/i.test(body.ip6) && isIP(body.ip6.split('/')[0]) === 6;
		if (body.type === 'fqdn') return typeof body.fqdn === 'string' && validFor('domain', body.fqdn);
		return body.type === 'ipmask' && typeof body.subnet === 'string' && validFor('address', body.subnet);
	}

	private createObject(req: FakeRequest, table: string): FakeReply {
		const body = req.json as Record<string, unknown> | undefined;
		noteEntries(this, 1);
		if (!body || !this.validObject(table, body)) return this.cmdbReply(req, 500, { error: -651 });
		const objects = this.objects.get(table)!;
		if (objects.has(body.name as string)) return this.cmdbReply(req, 500, { error: -5 });
		objects.set(body.name as string, { ...body });
		return this.cmdbReply(req, 200, { mkey: body.name });
	}

	private updateObject(req: FakeRequest, table: string, name: string): FakeReply {
		const objects = this.objects.get(table)!;
		const body = { ...(req.json as Record<string, unknown> | undefined), name };
		if (!objects.has(name)) return this.cmdbReply(req, 404, { error: -3 });
		if (!this.validObject(table, body)) return this.cmdbReply(req, 500, { error: -651 });
		objects.set(name, { ...objects.get(name), ...body });
		return this.cmdbReply(req, 200, { mkey: name });
	}

	private deleteObject(req: FakeRequest, table: string, name: string): FakeReply {
		const objects = this.objects.get(table)!;
		if (!objects.has(name)) return this.cmdbReply(req, 404, { error: -3 });
		const groups = this.groups.get(table === 'address' ? 'addrgrp' : 'addrgrp6')!;
		if ([...groups.values()].some((members) => members.has(name))) return this.cmdbReply(req, 424, { error: -23 });
		objects.delete(name);
		return this.cmdbReply(req, 200, { mkey: name });
	}

	reset(): void {
		this.defaults();
		this.clock.reset();
		this.resetLog();
	}

	/** The entries of a feed, sorted. */
	entriesOf(name: string): string[] {
		return [...(this.feeds.get(name)?.entries ?? [])].sort();
	}

	private defaults(): void {
		this.feeds.clear();
		this.feeds.set('n8n-ip-block', { type: 'address', updateMethod: 'push', entries: new Set() });
		this.feeds.set('n8n-domain-block', { type: 'domain', updateMethod: 'push', entries: new Set() });
		this.feeds.set('n8n-url-block', { type: 'category', updateMethod: 'push', entries: new Set() });
		this.feeds.set('pulled-ip-feed', { type: 'address', updateMethod: 'feed', entries: new Set() });
		this.objects.clear();
		this.objects.set('address', new Map());
		this.objects.set('address6', new Map());
		this.groups.clear();
		this.groups.set('addrgrp', new Map([['n8n-block', new Set<string>()]]));
		this.groups.set('addrgrp6', new Map([['n8n-block6', new Set<string>()]]));
	}

	private authorised(req: FakeRequest, write: boolean, handler: () => FakeReply): FakeReply {
		const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1] ?? req.query.get('access_token') ?? '';
		if (token === FORTIGATE_READONLY_TOKEN) {
			return write ? { status: 403, body: { ...ENVELOPE, http_method: req.method, status: 'error', http_status: 403 } } : handler();
		}
		if (token !== FORTIGATE_TOKEN) return { status: 401, body: '' };
		return handler();
	}

	private error(req: FakeRequest, status: number, extra: Record<string, unknown> = {}): FakeReply {
		return { status, body: { ...ENVELOPE, http_method: req.method, status: 'error', http_status: status, ...extra } };
	}

	private entryList(req: FakeRequest): FakeReply {
		const feed = this.feeds.get(req.query.get('mkey') ?? '');
		if (!feed) return this.error(req, 404);
		const entries = [...feed.entries].map((entry) => ({ entry, valid: validFor(feed.type, entry) }));
		const valid = entries.filter((e) => e.valid).length;
		return {
			status: 200,
			body: {
				...ENVELOPE,
				http_method: 'GET',
				action: 'entry-list',
				status: 'success',
				http_status: 200,
				results: { entries, valid_count: valid, invalid_count: entries.length - valid, overflow: false, status: 'success', resource_file_status: 'downloaded' },
			},
		};
	}

	private dynamic(req: FakeRequest): FakeReply {
		const commands = (req.json as { commands?: unknown } | undefined)?.commands;
		if (!Array.isArray(commands) || commands.length === 0) return this.error(req, 400, { error: -651 });
		let count = 0;
		for (const c of commands as Array<{ name?: unknown; command?: unknown; entries?: unknown }>) {
			const feed = this.feeds.get(String(c.name ?? ''));
			if (!feed || feed.updateMethod !== 'push') return this.error(req, 404);
			if (!['add', 'remove', 'snapshot'].includes(String(c.command)) || !Array.isArray(c.entries) || !c.entries.every((e) => typeof e === 'string')) return this.error(req, 400, { error: -651 });
			count += c.entries.length;
		}
		noteEntries(this, count);
		if (count > FORTIGATE_MAX_ENTRIES_PER_REQUEST) return this.error(req, 413);
		// All commands apply, or none.
		for (const c of commands as Array<{ name: string; command: string; entries: string[] }>) {
			const feed = this.feeds.get(c.name)!;
			const next = c.command === 'snapshot' ? new Set<string>() : new Set(feed.entries);
			for (const entry of c.entries) {
				if (c.command === 'remove') next.delete(entry);
				else next.add(entry);
			}
			if (feed.type === 'address' && next.size > IP_FEED_MAX) return this.error(req, 400, { error: -3, cli_error: 'entry limit reached' });
		}
		for (const c of commands as Array<{ name: string; command: string; entries: string[] }>) {
			const feed = this.feeds.get(c.name)!;
			if (c.command === 'snapshot') feed.entries.clear();
			for (const entry of c.entries) {
				if (c.command === 'remove') feed.entries.delete(entry);
				else feed.entries.add(entry);
			}
		}
		return { status: 200, body: { ...ENVELOPE, http_method: 'POST', action: 'dynamic', status: 'success', http_status: 200 } };
	}
}

export async function startFakeFortiGate(): Promise<FakeFortiGate> {
	return await new FakeFortiGate().start();
}
