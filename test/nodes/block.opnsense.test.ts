/**
 * Block on Firewall / EDR → OPNsense, against the fake alias_util API (test/fakes/firewalls/opnsense.ts):
 * add, re-add, remove, remove again (told apart by listing the alias first, since add and delete
 * always answer "done"); one address per call; 429 then success; 401 and 403; an unknown alias;
 * domains to Not Pushed; invalid values refused before any request; dry run.
 */
import { OPNSENSE_VIEWER_KEY, startFakeOpnsense, type FakeOpnsense } from '../fakes/firewalls/opnsense.ts';
import { block, opnsenseCredentials } from './block.helpers.ts';

let fake: FakeOpnsense;
beforeAll(async () => {
	fake = await startFakeOpnsense();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const INPUT = [
	{ type: 'ip', value: '185.220.101.7' },
	{ type: 'ip', value: '2606:4700:4700::1111' },
];
const table = () => [...(fake.aliases.get('n8n_block') ?? [])].sort();

test('add, re-add, remove, remove again', async () => {
	const added = await block({ target: 'opnsense', input: INPUT, credentials: opnsenseCredentials(fake) });
	expect(added.error).toBeUndefined();
	expect(added.done.map((r) => r.status)).toEqual(['added', 'added']);
	expect(added.done[0].expires_at).toBeNull();
	expect(table()).toEqual(['185.220.101.7', '2606:4700:4700::1111']);
	// One address per call, after one listing of the alias.
	expect(fake.served('api').map((r) => r.path.split('/')[4])).toEqual(['list', 'add', 'add']);

	const again = await block({ target: 'opnsense', input: INPUT, credentials: opnsenseCredentials(fake) });
	expect(again.done.map((r) => r.status)).toEqual(['already_present', 'already_present']);
	const removed = await block({ target: 'opnsense', operation: 'remove', input: INPUT, credentials: opnsenseCredentials(fake) });
	expect(removed.done.map((r) => r.status)).toEqual(['removed', 'removed']);
	expect(table()).toEqual([]);
	const gone = await block({ target: 'opnsense', operation: 'remove', input: INPUT, credentials: opnsenseCredentials(fake) });
	expect(gone.done.map((r) => r.status)).toEqual(['not_present', 'not_present']);
});

test('a listing longer than a page is read to the end', async () => {
	for (let n = 0; n < 1500; n++) fake.aliases.get('n8n_block')!.add(`23.1.${Math.floor(n / 250)}.${(n % 250) + 1}`);
	const result = await block({ target: 'opnsense', input: [{ type: 'ip', value: '23.1.5.250' }, { type: 'ip', value: '23.1.6.1' }], credentials: opnsenseCredentials(fake) });
	expect(result.done.map((r) => r.status)).toEqual(['already_present', 'added']);
	expect(table()).toHaveLength(1501);
});

test('429 with Retry-After, then success', async () => {
	fake.failNext(1, 429, 1, undefined, 'api');
	const result = await block({ target: 'opnsense', input: INPUT.slice(0, 1), credentials: opnsenseCredentials(fake) });
	expect(result.done[0].status).toBe('added');
	expect(fake.log.map((r) => r.status)).toEqual([429, 200, 200]);
});

test('401, 403 and an unknown alias: clear errors, nothing added', async () => {
	const wrong = await block({ target: 'opnsense', input: INPUT, credentials: opnsenseCredentials(fake, 'wrong-key', 'wrong-secret-123') });
	expect(wrong.error?.message).toMatch(/OPNsense refused the API key and secret \(401\)/);
	const viewer = await block({ target: 'opnsense', input: INPUT, credentials: opnsenseCredentials(fake, OPNSENSE_VIEWER_KEY) });
	expect(viewer.error?.message).toMatch(/denied access \(403\).*Firewall: Alias: Edit/);
	fake.aliases.delete('n8n_block');
	const unknown = await block({ target: 'opnsense', input: INPUT, credentials: opnsenseCredentials(fake), continueOnFail: true });
	expect(unknown.done.map((r) => r.status)).toEqual(['failed', 'failed']);
	expect(unknown.done[0].error).toMatch(/no alias "n8n_block".*Firewall → Aliases/);
});

test('domains go to Not Pushed; invalid values never leave; dry run sends nothing', async () => {
	const result = await block({ target: 'opnsense', input: [{ type: 'domain', value: 'malware-drop.ru' }, { type: 'ip', value: '172.16.0.1' }], credentials: opnsenseCredentials(fake) });
	expect(result.notPushed.map((r) => r.status)).toEqual(['unsupported_type', 'refused']);
	expect(fake.log).toHaveLength(0);
	const dry = await block({ target: 'opnsense', input: INPUT, credentials: opnsenseCredentials(fake), options: { dryRun: true } });
	expect(fake.log).toHaveLength(0);
	expect(dry.done.map((r) => [String(r.url).replace(fake.url, ''), JSON.stringify(r.body)])).toEqual([
		['/api/firewall/alias_util/list/n8n_block', '{"rowCount":1000,"current":1}'],
		['/api/firewall/alias_util/add/n8n_block', '{"address":"185.220.101.7"}'],
		['/api/firewall/alias_util/add/n8n_block', '{"address":"2606:4700:4700::1111"}'],
	]);
});
