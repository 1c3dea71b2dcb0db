/**
 * Fake Cloudflare Lists API (account custom IP lists). Written from
 * - cloudflare/cloudflare-docs, src/content/docs/waf/tools/lists/lists-api/endpoints.mdx: item writes
 *   are asynchronous and answer an `operation_id` with HTTP 201; `GET …/rules/lists/bulk_operations/{id}`
 *   says `pending`, `running`, `completed` or `failed` (+ `error`); POST appends items and replaces
 *   an item that is already there, overwriting its comment; DELETE takes `{"items":[{"id"}]}`;
 *   GET items pages with `cursor` / `per_page` (`result_info.cursors.after`), sorted ascending;
 * - cloudflare/cloudflare-typescript, src/resources/rules/lists/items.ts: one pending bulk operation
 *   per account, a further write rejected; IPv4 address or CIDR, IPv6 only as a CIDR up to /64;
 * - lists-api/index.mdx: 10,000 list changes per five minutes; developers.cloudflare.com/fundamentals/api/reference/limits:
 *   1,200 requests per five minutes per user, then 429 with `retry-after`;
 * - every answer in the `{success, errors, messages, result}` envelope.
 * Not documented, so chosen here: 401 (code 10000 "Authentication error") for an unknown token, 403
 * for a token without the lists permission or another account, 404 (code 10006) for an unknown
 * list, a write while an operation is pending → 429 (the older developers.cloudflare.com/firewall/api/cf-lists
 * page: "you will receive a 429"), `per_page` above 500 → 400, more than 1,000 items in one write →
 * 400 (the node's batch size, so that a larger batch fails the test), an invalid item → the
 * operation ends `failed` and nothing of it applies. An operation stays `pending`/`running` for
 * `pollsToComplete` polls and applies when it completes.
 */
import { isIP } from 'node:net';

import { FakeServer, noteEntries, type FakeReply, type FakeRequest } from './framework.ts';

export const CLOUDFLARE_TOKEN = 'cf7Yq2mZ9xV4bN1kP6sT3wR8hJ5dL0aGqWe3';
/** A token without the "Account Filter Lists: Edit" permission. */
export const CLOUDFLARE_READONLY_TOKEN = 'cfRO0nlyTk9Lm2Nb7Vc4Xz1Qw8Er5Ty3Ui6';
export const CLOUDFLARE_ACCOUNT = '023e105f4ecef8ad9ca31a8372d0c353';
export const CLOUDFLARE_LIST = '2c0fc9fa937b11eaa1b71c4d701ab86e';
export const CLOUDFLARE_MAX_ITEMS_PER_WRITE = 1000;
const MAX_PER_PAGE = 500;

export interface ListItem {
	id: string;
	ip: string;
	comment?: string;
	created_on: string;
	modified_on: string;
}

interface Operation {
	id: string;
	status: 'pending' | 'running' | 'completed' | 'failed';
	polls: number;
	error?: string;
	apply: () => string | undefined;
}

/** An IPv4 address or CIDR (/8–/32), or an IPv6 CIDR (/4–/64). */
function validIp(value: string): boolean {
	const [ip, prefix, extra] = value.split('/');
	if (extra !== undefined) return false;
	const version = isIP(ip);
	if (version === 4) return prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) >= 8 && Number(prefix) <= 32);
	if (version === 6) return prefix !== undefined && /^\d+$/.test(prefix) && Number(prefix) >= 4 && Number(prefix) <= 64;
	return false;
}

export class FakeCloudflare extends FakeServer {
	/** list id → items by id. */
	readonly lists = new Map<string, Map<string, ListItem>>();

	readonly operations = new Map<string, Operation>();

	/** Polls an operation answers pending/running before it completes. */
	pollsToComplete = 2;

	/** The list size limit of the plan. */
	maxItems = 10_000;

	private nextFailure?: string;

	private counter = 0;

	constructor() {
		super('Cloudflare');
		this.reset();
		const lists = '^/client/v4/accounts/([^/]+)/rules/lists';
		this.route('GET', new RegExp(`${lists}$`), (req, m) => this.authorised(req, m[1], false, () => this.ok([...this.lists.keys()].map((id) => ({ id, name: 'n8n_block', kind: 'ip', num_items: this.lists.get(id)!.size })))), 'api');
		this.route('GET', new RegExp(`${lists}/bulk_operations/([^/]+)$`), (req, m) => this.authorised(req, m[1], false, () => this.poll(decodeURIComponent(m[2]))), 'api');
		this.route('GET', new RegExp(`${lists}/([^/]+)/items$`), (req, m) => this.authorised(req, m[1], false, () => this.page(req, decodeURIComponent(m[2]))), 'api');
		this.route('POST', new RegExp(`${lists}/([^/]+)/items$`), (req, m) => this.authorised(req, m[1], true, () => this.create(req, decodeURIComponent(m[2]))), 'api');
		this.route('DELETE', new RegExp(`${lists}/([^/]+)/items$`), (req, m) => this.authorised(req, m[1], true, () => this.remove(req, decodeURIComponent(m[2]))), 'api');
		// 1,200 requests per five minutes per user.
		this.limit('api', [{ limit: 1200, windowMs: 300_000 }]);
	}

	reset(): void {
		this.lists.clear();
		this.lists.set(CLOUDFLARE_LIST, new Map());
		this.operations.clear();
		this.pollsToComplete = 2;
		this.maxItems = 10_000;
		this.nextFailure = undefined;
		this.clock.reset();
		this.resetLog();
		this.limit('api', [{ limit: 1200, windowMs: 300_000 }]);
	}

	/** The list's items, sorted by value. */
	itemsOf(list = CLOUDFLARE_LIST): ListItem[] {
		return [...(this.lists.get(list)?.values() ?? [])].sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
	}

	/** The next operation ends `failed` with this error, applying nothing. */
	failNextOperation(error: string): void {
		this.nextFailure = error;
	}

	private ok(result: unknown, extra: Record<string, unknown> = {}, status = 200): FakeReply {
		return { status, body: { success: true, errors: [], messages: [], result, ...extra } };
	}

	private error(status: number, code: number, message: string): FakeReply {
		return { status, body: { success: false, errors: [{ code, message }], messages: [], result: null } };
	}

	private authorised(req: FakeRequest, account: string, write: boolean, handler: () => FakeReply): FakeReply {
		const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
		if (token !== CLOUDFLARE_TOKEN && token !== CLOUDFLARE_READONLY_TOKEN) return this.error(401, 10000, 'Authentication error');
		if (decodeURIComponent(account) !== CLOUDFLARE_ACCOUNT || (write && token === CLOUDFLARE_READONLY_TOKEN)) return this.error(403, 10000, 'Authentication error');
		return handler();
	}

	private listOr404(id: string): Map<string, ListItem> | FakeReply {
		return this.lists.get(id) ?? this.error(404, 10006, 'list not found');
	}

	private page(req: FakeRequest, id: string): FakeReply {
		const list = this.listOr404(id);
		if (!(list instanceof Map)) return list;
		const perPage = Number(req.query.get('per_page') ?? 25);
		if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) return this.error(400, 10021, `per_page must be between 1 and ${MAX_PER_PAGE}`);
		const all = this.itemsOf(id);
		const cursor = req.query.get('cursor');
		const start = cursor ? Number(Buffer.from(cursor, 'base64url').toString('utf8')) : 0;
		const items = all.slice(start, start + perPage);
		const next = start + perPage < all.length ? Buffer.from(String(start + perPage)).toString('base64url') : undefined;
		return this.ok(items, { result_info: { cursors: next ? { after: next } : {} } });
	}

	/** Starts an operation, unless one is pending for the account. */
	private begin(apply: () => string | undefined, entries: number): FakeReply {
		noteEntries(this, entries);
		if ([...this.operations.values()].some((op) => op.status === 'pending' || op.status === 'running')) return this.error(429, 10043, 'a bulk operation is already in progress for this account');
		const id = `op-${++this.counter}`;
		const failure = this.nextFailure;
		this.nextFailure = undefined;
		this.operations.set(id, { id, status: 'pending', polls: 0, apply: failure ? () => failure : apply });
		return this.ok({ operation_id: id }, {}, 201);
	}

	private poll(id: string): FakeReply {
		const op = this.operations.get(id);
		if (!op) return this.error(404, 10007, 'operation not found');
		if (op.status === 'pending' || op.status === 'running') {
			op.polls++;
			if (op.polls >= this.pollsToComplete) {
				op.error = op.apply();
				op.status = op.error ? 'failed' : 'completed';
			} else op.status = 'running';
		}
		return this.ok({ id: op.id, status: op.status, ...(op.error ? { error: op.error } : {}), ...(op.status === 'completed' ? { completed: new Date(this.clock.now()).toISOString() } : {}) });
	}

	private create(req: FakeRequest, id: string): FakeReply {
		const list = this.listOr404(id);
		if (!(list instanceof Map)) return list;
		const body = req.json;
		if (!Array.isArray(body) || body.length === 0) return this.error(400, 10026, 'request body must be a non-empty array of items');
		if (body.length > CLOUDFLARE_MAX_ITEMS_PER_WRITE) return this.error(400, 10027, `at most ${CLOUDFLARE_MAX_ITEMS_PER_WRITE} items per request`);
		const items = body as Array<{ ip?: unknown; comment?: unknown }>;
		return this.begin(() => {
			const bad = items.find((item) => typeof item.ip !== 'string' || !validIp(item.ip));
			if (bad) return `invalid IP address or CIDR: ${String(bad.ip)}`;
			if (items.some((item) => typeof item.comment === 'string' && item.comment.length > 500)) return 'comment longer than 500 characters';
			const byIp = new Map([...list.values()].map((item) => [item.ip, item]));
			const fresh = new Set(items.map((item) => (item.ip as string).toLowerCase()).filter((ip) => !byIp.has(ip)));
			if (list.size + fresh.size > this.maxItems) return `list item limit exceeded (${this.maxItems})`;
			const now = new Date(this.clock.now()).toISOString();
			for (const item of items) {
				const ip = (item.ip as string).toLowerCase();
				const comment = typeof item.comment === 'string' ? item.comment : undefined;
				const existing = byIp.get(ip);
				if (existing) {
					existing.comment = comment;
					existing.modified_on = now;
				} else {
					const made: ListItem = { id: `item-${++this.counter}`, ip, comment, created_on: now, modified_on: now };
					list.set(made.id, made);
					byIp.set(ip, made);
				}
			}
			return undefined;
		}, items.length);
	}

	private remove(req: FakeRequest, id: string): FakeReply {
		const list = this.listOr404(id);
		if (!(list instanceof Map)) return list;
		const items = (req.json as { items?: unknown } | undefined)?.items;
		if (!Array.isArray(items) || items.length === 0 || !items.every((item) => typeof (item as { id?: unknown })?.id === 'string')) return this.error(400, 10026, 'items must be a non-empty array of {id}');
		if (items.length > CLOUDFLARE_MAX_ITEMS_PER_WRITE) return this.error(400, 10027, `at most ${CLOUDFLARE_MAX_ITEMS_PER_WRITE} items per request`);
		return this.begin(() => {
			for (const item of items as Array<{ id: string }>) list.delete(item.id);
			return undefined;
		}, items.length);
	}
}

export async function startFakeCloudflare(): Promise<FakeCloudflare> {
	return await new FakeCloudflare().start();
}
