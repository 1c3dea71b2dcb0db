/**
 * Block on Firewall / EDR → PAN-OS, against the fake PAN-OS XML API (test/fakes/firewalls/panos.ts):
 * add, re-add, remove, remove again; the timeout in the fake's state; batches of 1,000, two in flight; 429 then
 * success; a refused key; values refused before any request; types PAN-OS cannot tag; dry run.
 */
import { startFakePanos, type FakePanos } from '../fakes/firewalls/panos.ts';
import { block, manyIps, panosCredentials } from './block.helpers.ts';

let fake: FakePanos;
beforeAll(async () => {
	fake = await startFakePanos();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const IOCS = [
	{ type: 'ip', value: '185.220.101.7' },
	{ type: 'ip', value: '2001:db8::1' }, // documentation range: not global, refused
	{ type: 'ip', value: '2606:4700:4700::1111' },
	{ type: 'domain', value: 'malware-drop.ru' },
];

test('add, re-add, remove, remove again: the fake holds the tag, with the timeout, then nothing', async () => {
	const expires = new Date(Date.now() + 3_600_000).toISOString();
	const input = [
		{ type: 'ip', value: '185.220.101.7', expires_at: expires },
		{ type: 'ip', value: '2606:4700:4700::1111' },
	];
	const added = await block({ target: 'panos', input, credentials: panosCredentials(fake), options: { expireAfterHours: 24 } });
	expect(added.error).toBeUndefined();
	expect(added.done.map((r) => [r.value, r.status])).toEqual([
		['185.220.101.7', 'added'],
		['2606:4700:4700::1111', 'added'],
	]);
	const state = fake.state();
	expect(Object.keys(state).sort()).toEqual(['185.220.101.7', '2606:4700:4700::1111']);
	// The row's expires_at, and Expire After (Hours) for the one without.
	expect(Math.abs((state['185.220.101.7']['n8n-block'] as number) - Date.parse(expires))).toBeLessThan(2000);
	expect(Math.abs((state['2606:4700:4700::1111']['n8n-block'] as number) - (Date.now() + 24 * 3_600_000))).toBeLessThan(5000);
	expect(Math.abs(Date.parse(String(added.done[0].expires_at)) - Date.parse(expires))).toBeLessThan(1500);

	const again = await block({ target: 'panos', input, credentials: panosCredentials(fake) });
	expect(again.done.map((r) => r.status)).toEqual(['already_present', 'already_present']);
	expect(again.done[0].expiry_refreshed).toBe(false);
	expect(fake.ipsWithTag('n8n-block')).toHaveLength(2);

	const removed = await block({ target: 'panos', operation: 'remove', input, credentials: panosCredentials(fake) });
	expect(removed.done.map((r) => r.status)).toEqual(['removed', 'removed']);
	expect(fake.state()).toEqual({});
	const gone = await block({ target: 'panos', operation: 'remove', input, credentials: panosCredentials(fake) });
	expect(gone.done.map((r) => r.status)).toEqual(['not_present', 'not_present']);
});

test('the timeout runs out on the fake clock', async () => {
	await block({ target: 'panos', input: [{ type: 'ip', value: '185.220.101.7' }], credentials: panosCredentials(fake), options: { expireAfterHours: 2 } });
	expect(fake.ipsWithTag('n8n-block')).toEqual(['185.220.101.7']);
	fake.clock.advance(2 * 3_600_000 + 1000);
	expect(fake.ipsWithTag('n8n-block')).toEqual([]);
});

test('domains and URLs go to Not Pushed as unsupported_type; non-global and invalid values are refused before any request', async () => {
	const result = await block({
		target: 'panos',
		input: [...IOCS, { type: 'ip', value: '10.1.2.3' }, { type: 'ip', value: '999.1.1.1' }, { type: 'uri', value: 'http://malware-drop.ru/x' }],
		credentials: panosCredentials(fake),
	});
	expect(result.done.map((r) => r.value)).toEqual(['185.220.101.7', '2606:4700:4700::1111']);
	const skipped = Object.fromEntries(result.notPushed.map((r) => [r.value, [r.status, r.reason]]));
	expect(skipped).toEqual({
		'2001:db8::1': ['refused', 'non_global_ip'],
		'malware-drop.ru': ['unsupported_type', 'unsupported_type'],
		'10.1.2.3': ['refused', 'non_global_ip'],
		'999.1.1.1': ['refused', 'invalid'],
		'http://malware-drop.ru/x': ['unsupported_type', 'unsupported_type'],
	});
	for (const r of result.notPushed) expect(String(r.reason_text).length).toBeGreaterThan(10);
	// Only the two global IPs ever reached the firewall.
	expect(Object.keys(fake.state()).sort()).toEqual(['185.220.101.7', '2606:4700:4700::1111']);

	fake.resetLog();
	const none = await block({ target: 'panos', input: [{ type: 'ip', value: '127.0.0.1' }, { type: 'ip', value: '1.2.3' }], credentials: panosCredentials(fake) });
	expect(none.notPushed).toHaveLength(2);
	expect(fake.log).toHaveLength(0);
});

test('2,500 IPs go in batches of 1,000, 1,000 and 500, at most two at a time, and all are registered', async () => {
	const ips = manyIps(2500);
	const result = await block({ target: 'panos', input: ips.map((value) => ({ type: 'ip', value })), credentials: panosCredentials(fake) });
	expect(result.error).toBeUndefined();
	expect(result.done.every((r) => r.status === 'added')).toBe(true);
	// Two messages in flight (the documented limit is five): they may arrive in either order.
	expect(fake.served('api').map((r) => r.entries).sort((a, b) => b! - a!)).toEqual([1000, 1000, 500]);
	expect(fake.maxInFlight).toBeLessThanOrEqual(2);
	expect(fake.ipsWithTag('n8n-block').sort()).toEqual([...ips].sort());
});

test('the second message leaves while the firewall is still applying the first: two in flight, never more', async () => {
	fake.answerDelayMs = 500;
	try {
		const ips = manyIps(3500);
		const result = await block({ target: 'panos', input: ips.map((value) => ({ type: 'ip', value })), credentials: panosCredentials(fake) });
		expect(result.error).toBeUndefined();
		expect(fake.served('api')).toHaveLength(4);
		expect(fake.maxInFlight).toBe(2);
		expect(fake.ipsWithTag('n8n-block')).toHaveLength(3500);
	} finally {
		fake.answerDelayMs = 0;
	}
});

test('429 with Retry-After, then success', async () => {
	fake.failNext(1, 429, 1);
	const result = await block({ target: 'panos', input: [{ type: 'ip', value: '185.220.101.7' }], credentials: panosCredentials(fake) });
	expect(result.done[0].status).toBe('added');
	expect(fake.log.map((r) => r.status)).toEqual([429, 200]);
	expect(fake.log[1].at - fake.log[0].at).toBeGreaterThanOrEqual(950);
});

test('a wrong key: a clear error, nothing registered; with continue-on-fail every IoC is failed', async () => {
	const input = [{ type: 'ip', value: '185.220.101.7' }];
	const result = await block({ target: 'panos', input, credentials: panosCredentials(fake, 'LUFRPT1WRONG==') });
	expect(result.error?.message).toMatch(/PAN-OS refused the API key .*Invalid Credential.*keygen/);
	expect(JSON.stringify(result.error)).not.toContain('LUFRPT1WRONG');
	const soft = await block({ target: 'panos', input: [...input, { type: 'ip', value: '203.0.113.9' }, { type: 'ip', value: '8.8.4.4' }], credentials: panosCredentials(fake, 'LUFRPT1WRONG=='), continueOnFail: true });
	expect(soft.done.map((r) => r.status)).toEqual(['failed', 'failed']);
	expect(soft.notPushed.map((r) => r.value)).toEqual(['203.0.113.9']);
	expect(fake.state()).toEqual({});
});

test('a partial failure marks exactly the failed IoC; the others are registered', async () => {
	// PAN-OS allows 32 tags per registered IP: fill one IP up from elsewhere.
	fake.registered.set('185.220.101.7', new Map(Array.from({ length: 32 }, (_, n) => [`other-${n}`, { expiresAt: null, persistent: true }])));
	const input = [{ type: 'ip', value: '185.220.101.7' }, { type: 'ip', value: '185.220.101.8' }];
	const soft = await block({ target: 'panos', input, credentials: panosCredentials(fake), continueOnFail: true });
	expect(soft.done.map((r) => [r.value, r.status])).toEqual([
		['185.220.101.7', 'failed'],
		['185.220.101.8', 'added'],
	]);
	expect(soft.done[0].error).toMatch(/PAN-OS refused 185\.220\.101\.7: .*32/);
	expect(fake.ipsWithTag('n8n-block')).toEqual(['185.220.101.8']);
	const hard = await block({ target: 'panos', input, credentials: panosCredentials(fake) });
	expect(hard.error?.message).toMatch(/185\.220\.101\.7/);
	expect(hard.error?.description).toMatch(/1 of 2 IoC\(s\) failed on PAN-OS; 1 went through/);
});

test('dry run: the exact requests, nothing sent', async () => {
	const result = await block({ target: 'panos', input: IOCS, credentials: panosCredentials(fake), options: { dryRun: true, expireAfterHours: 1 } });
	expect(fake.log).toHaveLength(0);
	expect(result.done).toHaveLength(1);
	const request = result.done[0];
	expect(request).toMatchObject({ dry_run: true, method: 'POST', url: `${fake.url}/api/`, entries: 2 });
	const cmd = (request.body as { cmd: string }).cmd;
	expect(cmd).toMatch(/^<uid-message><version>2\.0<\/version><type>update<\/type><payload><register>/);
	expect(cmd).toContain('<entry ip="185.220.101.7" persistent="0"><tag><member timeout="3600">n8n-block</member></tag></entry>');
	expect(JSON.stringify(result.done)).not.toContain('LUFRPT1');
	expect(result.notPushed).toHaveLength(2);
});

test('a tag with XML and URL special characters arrives whole, and the dry run shows the message decoded', async () => {
	// The message goes out percent-encoded from parts (nodes/BlockOnFirewall/targets/panos.ts).
	const tag = `blk&<"'> +%=é`;
	const input = [
		{ type: 'ip', value: '185.220.101.7' },
		{ type: 'ip', value: '2606:4700:4700::1111' },
	];
	const added = await block({ target: 'panos', input, credentials: panosCredentials(fake), parameters: { tag } });
	expect(added.done.map((r) => r.status)).toEqual(['added', 'added']);
	expect(fake.ipsWithTag(tag).sort()).toEqual(['185.220.101.7', '2606:4700:4700::1111']);
	expect(fake.ipsWithTag('blk')).toEqual([]);

	const planned = await block({ target: 'panos', input, credentials: panosCredentials(fake), parameters: { tag }, options: { dryRun: true, expireAfterHours: 1 } });
	const cmd = (planned.done[0].body as { cmd: string }).cmd;
	expect(cmd).toContain('<entry ip="2606:4700:4700::1111" persistent="0"><tag><member timeout="3600">blk&amp;&lt;&quot;&apos;&gt; +%=é</member></tag></entry>');

	const removed = await block({ target: 'panos', operation: 'remove', input, credentials: panosCredentials(fake), parameters: { tag } });
	expect(removed.done.map((r) => r.status)).toEqual(['removed', 'removed']);
	expect(fake.state()).toEqual({});
});
