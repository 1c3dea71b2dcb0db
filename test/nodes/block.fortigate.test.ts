/**
 * Block on Firewall / EDR → FortiGate, against the fake threat feed Push API
 * (test/fakes/firewalls/fortigate.ts): add, re-add, remove, remove again (told apart by reading the
 * feed's entry list first); IPs and domains to their own feeds in one request; no expiry; batches of
 * 1,000; 429 then success; 401 and 403; an unknown feed; values refused before any request; types
 * without a feed to Not Pushed; dry run.
 */
import { FORTIGATE_READONLY_TOKEN, startFakeFortiGate, type FakeFortiGate } from '../fakes/firewalls/fortigate.ts';
import { block, fortigateCredentials, manyIps } from './block.helpers.ts';

let fake: FakeFortiGate;
beforeAll(async () => {
	fake = await startFakeFortiGate();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const FEEDS = { fortiIpFeed: 'n8n-ip-block', fortiDomainFeed: 'n8n-domain-block' };
const INPUT = [
	{ type: 'ip', value: '185.220.101.7' },
	{ type: 'ip', value: '2606:4700:4700::1111' },
	{ type: 'domain', value: 'malware-drop.ru' },
];

test('add, re-add, remove, remove again: the feeds hold the entries, then nothing', async () => {
	const added = await block({ target: 'fortigate', input: INPUT, credentials: fortigateCredentials(fake), parameters: FEEDS });
	expect(added.error).toBeUndefined();
	expect(added.done.map((r) => [r.value, r.status])).toEqual([
		['185.220.101.7', 'added'],
		['2606:4700:4700::1111', 'added'],
		['malware-drop.ru', 'added'],
	]);
	// Threat feeds have no expiry: the node says so instead of inventing one.
	expect(added.done.map((r) => r.expires_at)).toEqual([null, null, null]);
	expect(fake.entriesOf('n8n-ip-block')).toEqual(['185.220.101.7', '2606:4700:4700::1111']);
	expect(fake.entriesOf('n8n-domain-block')).toEqual(['malware-drop.ru']);
	// Two list reads, then one push carrying both feeds' commands.
	expect(fake.served('api').map((r) => `${r.method} ${r.path.split('/').pop()}`)).toEqual(['GET entry-list', 'GET entry-list', 'POST dynamic']);

	const again = await block({ target: 'fortigate', input: INPUT, credentials: fortigateCredentials(fake), parameters: FEEDS });
	expect(again.done.map((r) => r.status)).toEqual(['already_present', 'already_present', 'already_present']);
	expect(fake.served('api').filter((r) => r.method === 'POST')).toHaveLength(1);

	const removed = await block({ target: 'fortigate', operation: 'remove', input: INPUT, credentials: fortigateCredentials(fake), parameters: FEEDS });
	expect(removed.done.map((r) => r.status)).toEqual(['removed', 'removed', 'removed']);
	expect(fake.entriesOf('n8n-ip-block')).toEqual([]);
	expect(fake.entriesOf('n8n-domain-block')).toEqual([]);
	const gone = await block({ target: 'fortigate', operation: 'remove', input: INPUT, credentials: fortigateCredentials(fake), parameters: FEEDS });
	expect(gone.done.map((r) => r.status)).toEqual(['not_present', 'not_present', 'not_present']);
});

test('2,500 IPs go in batches of at most 1,000 entries, each once', async () => {
	const ips = manyIps(2500);
	const result = await block({ target: 'fortigate', input: ips.map((value) => ({ type: 'ip', value })), credentials: fortigateCredentials(fake) });
	expect(result.error).toBeUndefined();
	expect(result.done.filter((r) => r.status === 'added')).toHaveLength(2500);
	expect(fake.served('api').filter((r) => r.method === 'POST').map((r) => [r.status, r.entries])).toEqual([
		[200, 1000],
		[200, 1000],
		[200, 500],
	]);
	expect(fake.entriesOf('n8n-ip-block')).toEqual([...ips].sort());
});

test('429 with Retry-After, then success', async () => {
	fake.failNext(1, 429, 1, undefined, 'api');
	const result = await block({ target: 'fortigate', input: INPUT.slice(0, 1), credentials: fortigateCredentials(fake) });
	expect(result.done.map((r) => r.status)).toEqual(['added']);
	expect(fake.log.map((r) => r.status)).toEqual([429, 200, 200]);
	expect(fake.entriesOf('n8n-ip-block')).toEqual(['185.220.101.7']);
});

test('401, 403 and an unknown feed: clear errors, nothing added', async () => {
	const wrong = await block({ target: 'fortigate', input: INPUT, credentials: fortigateCredentials(fake, 'NotTheToken0000000000000000000'), parameters: FEEDS });
	expect(wrong.error?.message).toMatch(/FortiGate refused the API token \(401\).*Trusted Hosts/);
	expect(wrong.error?.message).not.toContain('NotTheToken');

	const readOnly = await block({ target: 'fortigate', input: INPUT.slice(0, 1), credentials: fortigateCredentials(fake, FORTIGATE_READONLY_TOKEN) });
	expect(readOnly.error?.message).toMatch(/denied access \(403\).*Read\/Write/);

	const unknown = await block({ target: 'fortigate', input: INPUT.slice(0, 1), credentials: fortigateCredentials(fake), parameters: { fortiIpFeed: 'no-such-feed' }, continueOnFail: true });
	expect(unknown.done.map((r) => r.status)).toEqual(['failed']);
	expect(unknown.done[0].error).toMatch(/no threat feed "no-such-feed" with the update method Push API.*External Connectors/);

	// A feed that FortiGate pulls from a URL does not take pushes.
	const pulled = await block({ target: 'fortigate', input: INPUT.slice(0, 1), credentials: fortigateCredentials(fake), parameters: { fortiIpFeed: 'pulled-ip-feed' }, continueOnFail: true });
	expect(pulled.done[0].status).toBe('failed');
	expect(pulled.done[0].error).toMatch(/"pulled-ip-feed"/);
	for (const feed of fake.feeds.values()) expect(feed.entries.size).toBe(0);
});

test('invalid values never leave; types without a feed go to Not Pushed; dry run sends nothing', async () => {
	const refused = await block({
		target: 'fortigate',
		input: [
			{ type: 'ip', value: '172.16.0.1' },
			{ type: 'ip', value: '999.1.1.1' },
			{ type: 'domain', value: 'malware-drop.ru' },
			{ type: 'uri', value: 'http://malware-drop.ru/gate.php' },
		],
		credentials: fortigateCredentials(fake),
	});
	expect(refused.notPushed.map((r) => [r.value, r.status])).toEqual([
		['172.16.0.1', 'refused'],
		['999.1.1.1', 'refused'],
		['malware-drop.ru', 'unsupported_type'],
		['http://malware-drop.ru/gate.php', 'unsupported_type'],
	]);
	expect(refused.notPushed[2].reason_text).toMatch(/Domain Name Feed/);
	expect(fake.log).toHaveLength(0);

	const dry = await block({ target: 'fortigate', input: INPUT, credentials: fortigateCredentials(fake), parameters: FEEDS, options: { dryRun: true } });
	expect(fake.log).toHaveLength(0);
	expect(dry.done.map((r) => [r.method, String(r.url).replace(fake.url, ''), JSON.stringify(r.qs), JSON.stringify(r.body ?? null)])).toEqual([
		['GET', '/api/v2/monitor/system/external-resource/entry-list', '{"mkey":"n8n-ip-block","vdom":"root"}', 'null'],
		['GET', '/api/v2/monitor/system/external-resource/entry-list', '{"mkey":"n8n-domain-block","vdom":"root"}', 'null'],
		[
			'POST',
			'/api/v2/monitor/system/external-resource/dynamic',
			'{"vdom":"root"}',
			'{"commands":[{"name":"n8n-ip-block","command":"add","entries":["185.220.101.7","2606:4700:4700::1111"]},{"name":"n8n-domain-block","command":"add","entries":["malware-drop.ru"]}]}',
		],
	]);
	for (const feed of fake.feeds.values()) expect(feed.entries.size).toBe(0);
});

// --- API "Address Objects (Older FortiOS)": address objects in an address group ---------------------

const OBJECTS = { fortiApi: 'address', fortiGroup: 'n8n-block', fortiGroup6: 'n8n-block6' };

test('address objects: add, re-add, remove, remove again; the group holds the objects, then nothing', async () => {
	const expires = new Date(Date.now() + 3_600_000).toISOString();
	const input = [{ ...INPUT[0], expires_at: expires }, INPUT[1], INPUT[2]];
	const added = await block({ target: 'fortigate', input, credentials: fortigateCredentials(fake), parameters: OBJECTS });
	expect(added.error).toBeUndefined();
	expect(added.done.map((r) => [r.value, r.status, r.target_id])).toEqual([
		['185.220.101.7', 'added', 'n8n_185.220.101.7'],
		['2606:4700:4700::1111', 'added', 'n8n_2606:4700:4700::1111'],
		['malware-drop.ru', 'added', 'n8n_malware-drop.ru'],
	]);
	expect(fake.membersOf('n8n-block')).toEqual(['n8n_185.220.101.7', 'n8n_malware-drop.ru']);
	expect(fake.membersOf('n8n-block6', 'addrgrp6')).toEqual(['n8n_2606:4700:4700::1111']);
	// The end of the block is in the object's comment (FortiOS does not enforce it).
	expect(fake.objects.get('address')!.get('n8n_185.220.101.7')).toEqual({ name: 'n8n_185.220.101.7', type: 'ipmask', subnet: '185.220.101.7/32', comment: `n8n block until ${expires}` });
	expect(fake.objects.get('address')!.get('n8n_malware-drop.ru')).toMatchObject({ type: 'fqdn', fqdn: 'malware-drop.ru' });
	expect(fake.objects.get('address6')!.get('n8n_2606:4700:4700::1111')).toMatchObject({ ip6: '2606:4700:4700::1111/128' });

	const again = await block({ target: 'fortigate', input, credentials: fortigateCredentials(fake), parameters: OBJECTS });
	expect(again.done.map((r) => r.status)).toEqual(['already_present', 'already_present', 'already_present']);
	expect(fake.served('api').filter((r) => r.method !== 'GET')).toHaveLength(3 + 2);

	const removed = await block({ target: 'fortigate', operation: 'remove', input, credentials: fortigateCredentials(fake), parameters: OBJECTS });
	expect(removed.done.map((r) => r.status)).toEqual(['removed', 'removed', 'removed']);
	expect(fake.membersOf('n8n-block')).toEqual([]);
	expect(fake.membersOf('n8n-block6', 'addrgrp6')).toEqual([]);
	expect(fake.objects.get('address')!.size + fake.objects.get('address6')!.size).toBe(0);
	const gone = await block({ target: 'fortigate', operation: 'remove', input, credentials: fortigateCredentials(fake), parameters: OBJECTS });
	expect(gone.done.map((r) => r.status)).toEqual(['not_present', 'not_present', 'not_present']);
});

test('address objects: an object left from an earlier run is reused; one used elsewhere stays on remove', async () => {
	fake.objects.get('address')!.set('n8n_185.220.101.7', { name: 'n8n_185.220.101.7', type: 'ipmask', subnet: '185.220.101.7/32', comment: 'old' });
	const added = await block({ target: 'fortigate', input: INPUT.slice(0, 1), credentials: fortigateCredentials(fake), parameters: OBJECTS, options: { expireAfterHours: 0 } });
	expect(added.done.map((r) => r.status)).toEqual(['added']);
	expect(fake.objects.get('address')!.get('n8n_185.220.101.7')!.comment).toBe('n8n block');
	expect(fake.membersOf('n8n-block')).toEqual(['n8n_185.220.101.7']);

	fake.groups.get('addrgrp')!.set('other-policy', new Set(['n8n_185.220.101.7']));
	const removed = await block({ target: 'fortigate', operation: 'remove', input: INPUT.slice(0, 1), credentials: fortigateCredentials(fake), parameters: OBJECTS });
	expect(removed.done.map((r) => r.status)).toEqual(['removed']);
	expect(fake.membersOf('n8n-block')).toEqual([]);
	expect(fake.objects.get('address')!.has('n8n_185.220.101.7')).toBe(true);
	expect(fake.log.filter((r) => r.method === 'DELETE').map((r) => r.status)).toEqual([424]);
});

test('address objects: 1,200 IPs change the group in steps of at most 1,000; URLs and IPv6 without a group go to Not Pushed', async () => {
	const ips = manyIps(1200);
	const result = await block({ target: 'fortigate', input: [...ips.map((value) => ({ type: 'ip', value })), { type: 'uri', value: 'http://malware-drop.ru/x' }, INPUT[1]], credentials: fortigateCredentials(fake), parameters: { fortiApi: 'address', fortiGroup: 'n8n-block' } });
	expect(result.error).toBeUndefined();
	expect(result.done.filter((r) => r.status === 'added')).toHaveLength(1200);
	expect(fake.served('api').filter((r) => r.method === 'PUT').map((r) => r.entries)).toEqual([1000, 200]);
	expect(fake.membersOf('n8n-block')).toHaveLength(1200);
	expect(result.notPushed.map((r) => [r.value, r.status])).toEqual([
		['http://malware-drop.ru/x', 'unsupported_type'],
		['2606:4700:4700::1111', 'unsupported_type'],
	]);
	expect(result.notPushed[1].reason_text).toMatch(/IPv6 Address Group/);
}, 120_000);

test('address objects: 429 then success, 401, 403, an unknown group; invalid values and dry run send nothing', async () => {
	fake.failNext(1, 429, 1, undefined, 'api');
	const retried = await block({ target: 'fortigate', input: INPUT.slice(0, 1), credentials: fortigateCredentials(fake), parameters: OBJECTS });
	expect(retried.done.map((r) => r.status)).toEqual(['added']);
	expect(fake.log[0].status).toBe(429);
	fake.reset();

	const wrong = await block({ target: 'fortigate', input: INPUT, credentials: fortigateCredentials(fake, 'NotTheToken0000000000000000000'), parameters: OBJECTS });
	expect(wrong.error?.message).toMatch(/refused the API token \(401\)/);
	const readOnly = await block({ target: 'fortigate', input: INPUT.slice(0, 1), credentials: fortigateCredentials(fake, FORTIGATE_READONLY_TOKEN), parameters: OBJECTS });
	expect(readOnly.error?.message).toMatch(/denied access \(403\)/);
	const unknown = await block({ target: 'fortigate', input: INPUT.slice(0, 1), credentials: fortigateCredentials(fake), parameters: { ...OBJECTS, fortiGroup: 'no-such-group' }, continueOnFail: true });
	expect(unknown.done[0].error).toMatch(/no address group "no-such-group".*Address Group/);
	expect(fake.objects.get('address')!.size).toBe(0);

	fake.resetLog();
	const refused = await block({ target: 'fortigate', input: [{ type: 'ip', value: '192.168.1.1' }, { type: 'domain', value: 'localhost' }], credentials: fortigateCredentials(fake), parameters: OBJECTS });
	expect(refused.notPushed.map((r) => r.status)).toEqual(['refused', 'refused']);
	expect(fake.log).toHaveLength(0);

	const dry = await block({ target: 'fortigate', input: INPUT.slice(0, 1), credentials: fortigateCredentials(fake), parameters: OBJECTS, options: { dryRun: true, expireAfterHours: 0 } });
	expect(fake.log).toHaveLength(0);
	expect(dry.done.map((r) => [r.method, String(r.url).replace(fake.url, ''), JSON.stringify(r.body ?? null)])).toEqual([
		['GET', '/api/v2/cmdb/firewall/addrgrp/n8n-block', 'null'],
		['POST', '/api/v2/cmdb/firewall/address', '{"name":"n8n_185.220.101.7","type":"ipmask","subnet":"185.220.101.7/32","comment":"n8n block"}'],
		['PUT', '/api/v2/cmdb/firewall/addrgrp/n8n-block', '{"member":[{"name":"n8n_185.220.101.7"}]}'],
	]);
});
