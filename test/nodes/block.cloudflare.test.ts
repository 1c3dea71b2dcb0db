/**
 * Block on Firewall / EDR → Cloudflare, against the fake Lists API (test/fakes/firewalls/cloudflare.ts):
 * add, re-add, remove, remove again (asynchronous bulk operations polled to completion); the end of
 * the block in the item's comment; IPv6 as its /64; batches of 1,000 and the list read with cursor
 * paging; 429 then success; 401 and 403; an unknown list; a failed operation reported per IoC;
 * values refused before any request; dry run.
 */
import { CLOUDFLARE_READONLY_TOKEN, startFakeCloudflare, type FakeCloudflare } from '../fakes/firewalls/cloudflare.ts';
import { block, cloudflareCredentials, manyIps } from './block.helpers.ts';

let fake: FakeCloudflare;
beforeAll(async () => {
	fake = await startFakeCloudflare();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const kinds = () => fake.served('api').map((r) => `${r.method} ${r.path.includes('bulk_operations') ? 'operation' : r.path.split('/').pop()}`);

test('add, re-add, remove, remove again: each write is polled until its operation completes', async () => {
	const expires = new Date(Date.now() + 3_600_000).toISOString();
	const input = [
		{ type: 'ip', value: '185.220.101.7', expires_at: expires },
		{ type: 'ip', value: '2606:4700:4700::1111' },
	];
	fake.pollsToComplete = 3;
	const added = await block({ target: 'cloudflare', input, credentials: cloudflareCredentials(fake), options: { expireAfterHours: 24 } });
	expect(added.error).toBeUndefined();
	expect(added.done.map((r) => [r.value, r.status])).toEqual([
		['185.220.101.7', 'added'],
		['2606:4700:4700::1111', 'added'],
	]);
	// One read, one write, then polls until the operation completes (pending, running, completed).
	expect(kinds()).toEqual(['GET items', 'POST items', 'GET operation', 'GET operation', 'GET operation']);
	expect([...fake.operations.values()].map((op) => op.status)).toEqual(['completed']);
	// Lists have no expiry: the comment carries the end of the block; IPv6 goes in as its /64.
	const items = fake.itemsOf();
	expect(items.map((i) => i.ip)).toEqual(['185.220.101.7', '2606:4700:4700::/64']);
	expect(items[0].comment).toBe(`n8n block of 185.220.101.7, until ${expires}`);
	expect(items[1].comment).toMatch(/^n8n block of 2606:4700:4700::1111, until 20\d\d-/);
	expect(added.done.map((r) => r.expires_at)).toEqual([null, null]);

	// Re-adding replaces the items: already_present with their ids, and the comment refreshed.
	const later = new Date(Date.now() + 7_200_000).toISOString();
	const again = await block({ target: 'cloudflare', input: [{ ...input[0], expires_at: later }, input[1]], credentials: cloudflareCredentials(fake) });
	expect(again.done.map((r) => [r.status, r.target_id])).toEqual([
		['already_present', items[0].id],
		['already_present', items[1].id],
	]);
	expect(fake.itemsOf()).toHaveLength(2);
	expect(fake.itemsOf()[0].comment).toBe(`n8n block of 185.220.101.7, until ${later}`);

	const removed = await block({ target: 'cloudflare', operation: 'remove', input, credentials: cloudflareCredentials(fake) });
	expect(removed.done.map((r) => [r.status, r.target_id])).toEqual([
		['removed', items[0].id],
		['removed', items[1].id],
	]);
	expect(fake.itemsOf()).toEqual([]);
	const gone = await block({ target: 'cloudflare', operation: 'remove', input, credentials: cloudflareCredentials(fake) });
	expect(gone.done.map((r) => r.status)).toEqual(['not_present', 'not_present']);
	expect(fake.served('api').filter((r) => r.method === 'DELETE')).toHaveLength(1);
});

test('2,500 IPs: writes of at most 1,000 items, one operation at a time; removal reads the list page by page', async () => {
	const ips = manyIps(2500);
	const input = ips.map((value) => ({ type: 'ip', value }));
	const added = await block({ target: 'cloudflare', input, credentials: cloudflareCredentials(fake) });
	expect(added.error).toBeUndefined();
	expect(added.done.filter((r) => r.status === 'added')).toHaveLength(2500);
	expect(fake.served('api').filter((r) => r.method === 'POST').map((r) => [r.status, r.entries])).toEqual([
		[201, 1000],
		[201, 1000],
		[201, 500],
	]);
	// The fake answers 429 to a write while an operation is pending: none was sent.
	expect(fake.log.filter((r) => r.status === 429)).toHaveLength(0);
	expect(fake.itemsOf().map((i) => i.ip).sort()).toEqual([...ips].sort());

	fake.resetLog();
	const removed = await block({ target: 'cloudflare', operation: 'remove', input, credentials: cloudflareCredentials(fake) });
	expect(removed.done.filter((r) => r.status === 'removed')).toHaveLength(2500);
	// 2,500 items at 500 a page: five pages, each after the cursor of the one before.
	expect(fake.served('api').filter((r) => r.method === 'GET' && r.path.endsWith('/items'))).toHaveLength(5);
	expect(fake.served('api').filter((r) => r.method === 'DELETE').map((r) => r.entries)).toEqual([1000, 1000, 500]);
	expect(fake.itemsOf()).toEqual([]);
});

test('429 with Retry-After, then success', async () => {
	fake.failNext(1, 429, 1, { success: false, errors: [{ code: 10000, message: 'Rate limited' }] }, 'api');
	const result = await block({ target: 'cloudflare', input: [{ type: 'ip', value: '185.220.101.7' }], credentials: cloudflareCredentials(fake) });
	expect(result.done.map((r) => r.status)).toEqual(['added']);
	expect(fake.log[0].status).toBe(429);
	expect(fake.itemsOf().map((i) => i.ip)).toEqual(['185.220.101.7']);
});

test('401, 403 and an unknown list: clear errors, nothing added', async () => {
	const input = [{ type: 'ip', value: '185.220.101.7' }];
	const wrong = await block({ target: 'cloudflare', input, credentials: cloudflareCredentials(fake, 'NotTheCloudflareToken0000000000') });
	expect(wrong.error?.message).toMatch(/Cloudflare refused the API token \(401.*API Tokens/);
	expect(wrong.error?.message).not.toContain('NotTheCloudflareToken');

	const readOnly = await block({ target: 'cloudflare', input, credentials: cloudflareCredentials(fake, CLOUDFLARE_READONLY_TOKEN) });
	expect(readOnly.error?.message).toMatch(/denied access \(403.*Account Filter Lists → Edit/);

	const unknown = await block({ target: 'cloudflare', input, credentials: cloudflareCredentials(fake), parameters: { cloudflareListId: 'no-such-list' }, continueOnFail: true });
	expect(unknown.done.map((r) => r.status)).toEqual(['failed']);
	expect(unknown.done[0].error).toMatch(/no list "no-such-list".*Configurations → Lists/);
	expect(fake.itemsOf()).toEqual([]);
});

test('a failed bulk operation fails exactly its IoCs; the next batch goes on', async () => {
	const ips = manyIps(1500);
	fake.failNextOperation('list item limit exceeded (10000)');
	const result = await block({ target: 'cloudflare', input: ips.map((value) => ({ type: 'ip', value })), credentials: cloudflareCredentials(fake), continueOnFail: true });
	const failed = result.done.filter((r) => r.status === 'failed');
	expect(failed).toHaveLength(1000);
	expect(failed[0].error).toMatch(/bulk operation op-\d+ failed: list item limit exceeded/);
	expect(result.done.filter((r) => r.status === 'added').map((r) => r.value)).toEqual(ips.slice(1000));
	expect(fake.itemsOf()).toHaveLength(500);

	// Without continue-on-fail the node stops with the first failure and says how many went through.
	fake.reset();
	fake.failNextOperation('invalid list');
	const stopped = await block({ target: 'cloudflare', input: [{ type: 'ip', value: '185.220.101.7' }], credentials: cloudflareCredentials(fake) });
	expect(stopped.error?.message).toMatch(/failed: invalid list/);
});

test('invalid values never leave; domains and URLs go to Not Pushed; dry run sends nothing', async () => {
	const refused = await block({
		target: 'cloudflare',
		input: [
			{ type: 'ip', value: '10.1.2.3' },
			{ type: 'ip', value: '1.2.3.4.5' },
			{ type: 'domain', value: 'malware-drop.ru' },
			{ type: 'uri', value: 'http://malware-drop.ru/gate.php' },
		],
		credentials: cloudflareCredentials(fake),
	});
	expect(refused.notPushed.map((r) => [r.value, r.status])).toEqual([
		['10.1.2.3', 'refused'],
		['1.2.3.4.5', 'refused'],
		['malware-drop.ru', 'unsupported_type'],
		['http://malware-drop.ru/gate.php', 'unsupported_type'],
	]);
	expect(refused.notPushed[2].reason_text).toMatch(/Cloudflare IP lists hold IP addresses/);
	expect(fake.log).toHaveLength(0);

	const dry = await block({ target: 'cloudflare', input: [{ type: 'ip', value: '185.220.101.7' }], credentials: cloudflareCredentials(fake), options: { dryRun: true, expireAfterHours: 0 } });
	expect(fake.log).toHaveLength(0);
	expect(dry.done.map((r) => [r.method, String(r.url).replace(fake.url, ''), JSON.stringify(r.body ?? null)])).toEqual([
		['GET', '/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/rules/lists/2c0fc9fa937b11eaa1b71c4d701ab86e/items', 'null'],
		['POST', '/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/rules/lists/2c0fc9fa937b11eaa1b71c4d701ab86e/items', '[{"ip":"185.220.101.7","comment":"n8n block of 185.220.101.7, no end"}]'],
		['GET', '/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/rules/lists/bulk_operations/%3Coperation%20id%3E', 'null'],
	]);
	expect(fake.itemsOf()).toEqual([]);
});
