/**
 * Cloudflare: IP addresses in an account's custom IP list, which a WAF custom rule uses
 * (`ip.src in $n8n_block`). From cloudflare/cloudflare-docs, src/content/docs/waf/tools/lists/
 * (lists-api/endpoints.mdx, lists-api/index.mdx, custom-lists.mdx) and
 * cloudflare/cloudflare-typescript:src/resources/rules/lists/ (items.ts, bulk-operations.ts):
 * - `GET /accounts/{account}/rules/lists/{list}/items?per_page&cursor` pages the items
 *   (`result_info.cursors.after`); items carry `id`, `ip`, `comment`;
 * - `POST …/items` `[{ip, comment}]` appends, and replaces an item that is already there (its
 *   comment overwritten); `DELETE …/items` `{"items":[{"id"}]}` deletes by item id. Both are
 *   asynchronous: they answer `result.operation_id`, and
 *   `GET /accounts/{account}/rules/lists/bulk_operations/{id}` says `pending`, `running`,
 *   `completed` or `failed` (with `error`). The SDK says one pending bulk operation per account, a
 *   second one being rejected; the node waits for each operation to end before the next write.
 * - Limits: 1,200 API requests per five minutes per user (developers.cloudflare.com/fundamentals/api/reference/limits);
 *   10,000 list changes (items added or deleted) per five minutes (lists-api/index.mdx). No
 *   per-request item maximum is documented: batches of 1,000 items, one write per 30 s, which is
 *   the changes limit exactly. IPv6 only as a CIDR of at most /64 (the SDK's item schema), so an
 *   IPv6 address is listed as its /64.
 * Lists have no expiry: the comment records when the block should end, and removing it then is the
 * workflow's job (e.g. the blocklist's expired rows fed to Remove). docs/firewalls.md has the details.
 */
import { canonicalIPv6, ipv6Parts } from '../../shared/ioc/ip';
import { assumeListed, baseUrl, refuseAuth, TargetError } from './types';
import type * as T from './types';

/** Items per page when reading the list (the API's `per_page`). */
const PAGE = 500;
/** How long the node waits for one bulk operation to end. */
export const CLOUDFLARE_OPERATION_BUDGET_MS = 300_000;

interface Item {
	id: string;
	ip: string;
	comment?: string;
}

interface Envelope<T> {
	success?: boolean;
	errors?: Array<{ code?: number; message?: string }>;
	result?: T;
	result_info?: { cursors?: { after?: string } };
}

/** What goes in the list for an IoC: the IPv4 address, or the /64 of an IPv6 one. */
export function cloudflareItem(ioc: T.PushIoc): string {
	if (ioc.ipVersion !== 6) return ioc.value;
	const parts = ipv6Parts(ioc.value).slice(0, 4);
	const net = canonicalIPv6(`${parts.map((p) => p.toString(16)).join(':')}::`);
	return `${net}/64`;
}

function listId(settings: T.TargetSettings): string {
	return String(settings.params.cloudflareListId ?? '').trim();
}

function api(settings: T.TargetSettings, path: string): string {
	const root = baseUrl(settings.credentials.apiUrl || 'https://api.cloudflare.com/client/v4');
	const account = encodeURIComponent(String(settings.credentials.accountId ?? '').trim());
	return `${root}/accounts/${account}/rules/lists${path}`;
}

const itemsUrl = (settings: T.TargetSettings) =>
	api(settings, `/${encodeURIComponent(listId(settings))}/items`);

function errorsOf(body: unknown): string {
	return ((body as Envelope<unknown> | undefined)?.errors ?? [])
		.map((e) => [e.code, e.message].filter((part) => part !== undefined).join(' '))
		.filter(Boolean)
		.join('; ')
		.slice(0, 300);
}

function failWhole(response: T.TargetResponse, settings: T.TargetSettings): never {
	const said = errorsOf(response.body);
	const detail = said ? `, ${said}` : '';
	refuseAuth(response, {
		401: `Cloudflare refused the API token (401${detail}). Check the token in the credential (My Profile → API Tokens), or roll it and paste the new one.`,
		403: `Cloudflare denied access (403${detail}). Give the API token the permission Account → Account Filter Lists → Edit, for the account ${String(settings.credentials.accountId ?? '')}.`,
	});
	if (response.status === 404)
		throw new TargetError(
			`Cloudflare has no list "${listId(settings)}" in this account (404${detail}). Create an IP list under Manage Account → Configurations → Lists, and copy its ID (the last part of its address in the dashboard) into List ID; check the Account ID in the credential.`,
			true,
			404,
		);
	throw new TargetError(
		`Cloudflare answered HTTP ${response.status}${detail}.`,
		false,
		response.status,
	);
}

/** The list's items, by value (lower case). */
async function readItems(
	io: T.Io,
	iocs: T.PushIoc[],
	operation: T.Operation,
	settings: T.TargetSettings,
): Promise<Map<string, Item>> {
	if (!listId(settings))
		throw new TargetError(
			'Set the List ID: the ID of the Cloudflare IP list your WAF rule uses.',
			true,
		);
	const found = new Map<string, Item>();
	let cursor: string | undefined;
	do {
		const assumed = assumeListed(io, operation, iocs, (ioc) => ({
			id: `<id of ${cloudflareItem(ioc)}>`,
			ip: cloudflareItem(ioc),
		}));
		const response = await io.send({
			method: 'GET',
			url: itemsUrl(settings),
			qs: { per_page: PAGE, ...(cursor ? { cursor } : {}) },
			bucket: 'api',
			assume: { status: 200, body: { success: true, errors: [], result: assumed } },
		});
		const body = response.body as Envelope<Item[]> | undefined;
		if (response.status !== 200 || body?.success === false) failWhole(response, settings);
		for (const item of body?.result ?? []) found.set(String(item.ip).toLowerCase(), item);
		cursor = body?.result_info?.cursors?.after || undefined;
	} while (cursor);
	return found;
}

/** Polls a bulk operation until it ends: undefined when completed, else Cloudflare's error. */
async function awaitOperation(
	io: T.Io,
	settings: T.TargetSettings,
	operationId: string,
): Promise<string | undefined> {
	const deadline = Date.now() + CLOUDFLARE_OPERATION_BUDGET_MS;
	for (let polls = 1; ; polls++) {
		if (io.cancelled())
			throw new TargetError(
				`The execution was stopped while Cloudflare ran bulk operation ${operationId}; it may still complete. Run again to see (adding and removing are idempotent).`,
				true,
			);
		const response = await io.send({
			method: 'GET',
			url: api(settings, `/bulk_operations/${encodeURIComponent(operationId)}`),
			// Polls go at most one a second (the `poll` bucket), within the account's request rate.
			bucket: 'poll',
			assume: {
				status: 200,
				body: { success: true, errors: [], result: { id: operationId, status: 'completed' } },
			},
		});
		const body = response.body as
			Envelope<{ status?: string; error?: string; completed?: string }> | undefined;
		if (response.status !== 200 || body?.success === false) failWhole(response, settings);
		const status = body?.result?.status;
		if (status === 'completed') return undefined;
		if (status === 'failed')
			return `Cloudflare's bulk operation ${operationId} failed: ${String(body?.result?.error ?? 'no reason given').slice(0, 300)}`;
		if (Date.now() >= deadline)
			throw new TargetError(
				`Cloudflare had not finished bulk operation ${operationId} after ${polls} polls in ${CLOUDFLARE_OPERATION_BUDGET_MS / 1000} s (status ${String(status)}); it may still complete. Run again later to see.`,
			);
	}
}

/** Sends one asynchronous write and waits for it: undefined when it completed, else why not. */
async function write(
	io: T.Io,
	settings: T.TargetSettings,
	method: 'POST' | 'DELETE',
	json: unknown,
	entries: number,
): Promise<string | undefined> {
	const response = await io.send({
		method,
		url: itemsUrl(settings),
		json,
		bucket: 'write',
		entries,
		assume: {
			status: 200,
			body: { success: true, errors: [], result: { operation_id: '<operation id>' } },
		},
	});
	const body = response.body as Envelope<{ operation_id?: string }> | undefined;
	if (response.status >= 300 || body?.success === false) {
		// A value Cloudflare refuses fails the request (400): the batch fails, not the run.
		if (response.status === 400 && errorsOf(response.body))
			return `Cloudflare refused the request: ${errorsOf(response.body)}`;
		failWhole(response, settings);
	}
	const operationId = body?.result?.operation_id;
	if (!operationId) return 'Cloudflare gave no operation_id; run again to retry.';
	return await awaitOperation(io, settings, operationId);
}

const comment = (ioc: T.PushIoc) =>
	`n8n block of ${ioc.value}${ioc.expiresAt ? `, until ${ioc.expiresAt}` : ', no end'}`;

export const cloudflare: T.Target = {
	id: 'cloudflare',
	name: 'Cloudflare',
	credentialType: 'blockCloudflareApi',
	secretFields: ['apiToken'],
	batch: { add: 1000, remove: 1000 },
	buckets: {
		api: { perMinute: 240, source: 'developers.cloudflare.com/fundamentals/api/reference/limits' },
		poll: { perMinute: 60 },
		write: { perMinute: 2, source: 'waf/tools/lists/lists-api: 10,000 list changes per 5 minutes' },
	},
	unsupported(ioc) {
		return ioc.type === 'ip'
			? null
			: `Cloudflare IP lists hold IP addresses; a ${ioc.type === 'uri' ? 'URL' : 'domain'} cannot be added. Block it in a WAF custom rule instead.`;
	},
	prepare: async (io, iocs, operation, settings) => await readItems(io, iocs, operation, settings),
	async add(io, batch, settings, prepared) {
		const present = prepared as Map<string, Item>;
		const items = new Map(batch.map((ioc) => [cloudflareItem(ioc), ioc]));
		// Re-adding replaces the item: its comment (the end of the block) is refreshed.
		const failed = await write(
			io,
			settings,
			'POST',
			[...items].map(([ip, ioc]) => ({ ip, comment: comment(ioc) })),
			items.size,
		);
		const results = new Map<string, T.PushResult>();
		for (const ioc of batch) {
			const before = present.get(cloudflareItem(ioc));
			results.set(
				ioc.key,
				failed
					? { status: 'failed', error: failed }
					: {
							status: before ? 'already_present' : 'added',
							target_id: before?.id ?? null,
							expires_at: null,
						},
			);
		}
		return results;
	},
	async remove(io, batch, settings, prepared) {
		const present = prepared as Map<string, Item>;
		const results = new Map<string, T.PushResult>();
		const ids = new Set<string>();
		for (const ioc of batch) {
			const item = present.get(cloudflareItem(ioc));
			if (item) ids.add(item.id);
			else results.set(ioc.key, { status: 'not_present', target_id: null });
		}
		if (ids.size === 0) return results;
		const failed = await write(
			io,
			settings,
			'DELETE',
			{ items: [...ids].map((id) => ({ id })) },
			ids.size,
		);
		for (const ioc of batch) {
			const item = present.get(cloudflareItem(ioc));
			if (item)
				results.set(
					ioc.key,
					failed ? { status: 'failed', error: failed } : { status: 'removed', target_id: item.id },
				);
		}
		return results;
	},
};
