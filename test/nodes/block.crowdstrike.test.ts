/**
 * Block on Firewall / EDR → CrowdStrike Falcon, against the fake IOC management API
 * (test/fakes/firewalls/crowdstrike.ts): add, re-add (expiry updated), remove, remove again; expiry
 * turning an indicator to no_action on the fake clock; batches of 500; 429 then success; a wrong
 * secret and a missing scope; URLs to Not Pushed; invalid values refused before any request; dry run.
 */
import { FALCON_READONLY_ID, startFakeCrowdStrike, type FakeCrowdStrike } from '../fakes/firewalls/crowdstrike.ts';
import { block, crowdstrikeCredentials, manyIps } from './block.helpers.ts';

let fake: FakeCrowdStrike;
beforeAll(async () => {
	fake = await startFakeCrowdStrike();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const INPUT = [
	{ type: 'ip', value: '185.220.101.7' },
	{ type: 'ip', value: '2606:4700:4700::1111' },
	{ type: 'domain', value: 'malware-drop.ru' },
];
const byValue = () => Object.fromEntries(fake.all().map((i) => [i.value, i]));

test('add, re-add, remove, remove again', async () => {
	const added = await block({ target: 'crowdstrike', input: INPUT, credentials: crowdstrikeCredentials(fake), options: { expireAfterHours: 24 } });
	expect(added.error).toBeUndefined();
	expect(added.done.map((r) => r.status)).toEqual(['added', 'added', 'added']);
	const state = byValue();
	expect(Object.values(state).map((i) => [i.type, i.value, i.action])).toEqual([
		['ipv4', '185.220.101.7', 'detect'],
		['ipv6', '2606:4700:4700::1111', 'detect'],
		['domain', 'malware-drop.ru', 'detect'],
	]);
	expect(Math.abs(Date.parse(String(state['185.220.101.7'].expiration)) - (Date.now() + 24 * 3_600_000))).toBeLessThan(5000);
	expect(added.done[0].target_id).toBe(state['185.220.101.7'].id);

	const later = new Date(Date.now() + 72 * 3_600_000).toISOString();
	const again = await block({ target: 'crowdstrike', input: INPUT.map((i) => ({ ...i, expires_at: later })), credentials: crowdstrikeCredentials(fake) });
	expect(again.done.map((r) => r.status)).toEqual(['already_present', 'already_present', 'already_present']);
	expect(fake.all()).toHaveLength(3);
	expect(Date.parse(String(byValue()['malware-drop.ru'].expiration))).toBe(Math.floor(Date.parse(later) / 1000) * 1000);

	const removed = await block({ target: 'crowdstrike', operation: 'remove', input: INPUT, credentials: crowdstrikeCredentials(fake) });
	expect(removed.done.map((r) => r.status)).toEqual(['removed', 'removed', 'removed']);
	expect(fake.all()).toEqual([]);
	const gone = await block({ target: 'crowdstrike', operation: 'remove', input: INPUT, credentials: crowdstrikeCredentials(fake) });
	expect(gone.done.map((r) => r.status)).toEqual(['not_present', 'not_present', 'not_present']);
});

test('on expiry Falcon turns the indicator to no_action (fake clock)', async () => {
	await block({ target: 'crowdstrike', input: INPUT.slice(0, 1), credentials: crowdstrikeCredentials(fake), options: { expireAfterHours: 1 } });
	fake.clock.advance(3_600_000 + 1000);
	expect(fake.all().map((i) => [i.action, i.expired])).toEqual([['no_action', true]]);
});

test('1,200 IPs: creates of 500, 500 and 200', async () => {
	const ips = manyIps(1200);
	const result = await block({ target: 'crowdstrike', input: ips.map((value) => ({ type: 'ip', value })), credentials: crowdstrikeCredentials(fake) });
	expect(result.error).toBeUndefined();
	expect(fake.served('api').filter((r) => r.method === 'POST').map((r) => r.entries)).toEqual([500, 500, 200]);
	expect(fake.all().map((i) => i.value).sort()).toEqual([...ips].sort());
});

test('429 with Retry-After, then success', async () => {
	fake.failNext(1, 429, 1, undefined, 'api');
	const result = await block({ target: 'crowdstrike', input: INPUT, credentials: crowdstrikeCredentials(fake) });
	expect(result.done.map((r) => r.status)).toEqual(['added', 'added', 'added']);
	expect(fake.log.filter((r) => r.bucket === 'api').map((r) => r.status)).toEqual([429, 200, 201]);
});

test('a wrong secret and a missing scope: clear errors, no secret', async () => {
	const wrong = await block({ target: 'crowdstrike', input: INPUT, credentials: crowdstrikeCredentials(fake, { clientSecret: 'WRONG-falcon-secret-42' }) });
	expect(wrong.error?.message).toMatch(/CrowdStrike gave no access token: access denied.*Client Secret/);
	expect(JSON.stringify(wrong.error)).not.toContain('WRONG-falcon-secret-42');
	const readonly = await block({ target: 'crowdstrike', input: INPUT, credentials: crowdstrikeCredentials(fake, { clientId: FALCON_READONLY_ID }) });
	expect(readonly.error?.message).toMatch(/denied access \(403.*IOC Manager APIs: Write/);
	expect(fake.all()).toEqual([]);
});

test('URLs to Not Pushed; invalid values never leave; dry run sends nothing', async () => {
	const none = await block({ target: 'crowdstrike', input: [{ type: 'uri', value: 'http://malware-drop.ru/x.exe' }, { type: 'ip', value: '0.0.0.0' }], credentials: crowdstrikeCredentials(fake) });
	expect(none.notPushed.map((r) => r.status)).toEqual(['unsupported_type', 'refused']);
	expect(fake.log).toHaveLength(0);
	const dry = await block({ target: 'crowdstrike', input: INPUT, credentials: crowdstrikeCredentials(fake), options: { dryRun: true } });
	expect(fake.log).toHaveLength(0);
	expect(dry.done.map((r) => `${r.method} ${String(r.url).replace(fake.url, '')}`)).toEqual(['GET /iocs/combined/indicator/v1', 'POST /iocs/entities/indicators/v1']);
	expect((dry.done[1].body as { indicators: Array<{ type: string }> }).indicators.map((i) => i.type)).toEqual(['ipv4', 'ipv6', 'domain']);
});
