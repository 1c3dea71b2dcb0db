/**
 * Block on Firewall / EDR → Microsoft Defender for Endpoint, against the fake Entra ID + indicator
 * API (test/fakes/firewalls/defender.ts): add, re-add (expiry refreshed), remove, remove again;
 * expiry in the fake's state and on its clock; batches of 500; 429 then success; 401 and 403 with
 * what to do; an expired token fetched again; invalid values refused before any request; dry run.
 */
import { DEFENDER_NO_ROLE_CLIENT_ID, startFakeDefender, type FakeDefender } from '../fakes/firewalls/defender.ts';
import { block, defenderCredentials, manyIps } from './block.helpers.ts';

let fake: FakeDefender;
beforeAll(async () => {
	fake = await startFakeDefender();
});
afterAll(() => fake.close());
beforeEach(() => {
	fake.reset();
	fake.noLimits();
});

const INPUT = [
	{ type: 'ip', value: '185.220.101.7' },
	{ type: 'domain', value: 'malware-drop.ru' },
	{ type: 'uri', value: 'http://malware-drop.ru/payload.exe' },
];

const byValue = (fake: FakeDefender) => Object.fromEntries(fake.active().map((i) => [i.indicatorValue, i]));

test('add, re-add, remove, remove again: one indicator per IoC, with its type, action and expiry', async () => {
	const added = await block({ target: 'defender', input: INPUT, credentials: defenderCredentials(fake), options: { expireAfterHours: 24 } });
	expect(added.error).toBeUndefined();
	expect(added.done.map((r) => r.status)).toEqual(['added', 'added', 'added']);
	const state = byValue(fake);
	expect(Object.keys(state).sort()).toEqual(['185.220.101.7', 'http://malware-drop.ru/payload.exe', 'malware-drop.ru']);
	expect(state['185.220.101.7']).toMatchObject({ indicatorType: 'IpAddress', action: 'Block', severity: 'High', generateAlert: true });
	expect(state['malware-drop.ru'].indicatorType).toBe('DomainName');
	expect(state['http://malware-drop.ru/payload.exe'].indicatorType).toBe('Url');
	const expiry = Date.parse(String(state['185.220.101.7'].expirationTime));
	expect(Math.abs(expiry - (Date.now() + 24 * 3_600_000))).toBeLessThan(5000);
	expect(added.done[0].target_id).toBe(state['185.220.101.7'].id);

	// A re-add a day later refreshes the expiry on the same indicator.
	const later = new Date(Date.now() + 48 * 3_600_000).toISOString();
	const again = await block({ target: 'defender', input: INPUT.map((i) => ({ ...i, expires_at: later })), credentials: defenderCredentials(fake) });
	expect(again.done.map((r) => r.status)).toEqual(['already_present', 'already_present', 'already_present']);
	expect(again.done.map((r) => r.target_id)).toEqual(added.done.map((r) => r.target_id));
	expect(fake.active()).toHaveLength(3);
	expect(byValue(fake)['185.220.101.7'].expirationTime).toBe(later);

	const removed = await block({ target: 'defender', operation: 'remove', input: INPUT, credentials: defenderCredentials(fake) });
	expect(removed.done.map((r) => r.status)).toEqual(['removed', 'removed', 'removed']);
	expect(fake.active()).toEqual([]);
	const gone = await block({ target: 'defender', operation: 'remove', input: INPUT, credentials: defenderCredentials(fake) });
	expect(gone.done.map((r) => r.status)).toEqual(['not_present', 'not_present', 'not_present']);
});

test('Defender deletes the indicator when it expires (fake clock)', async () => {
	await block({ target: 'defender', input: INPUT.slice(0, 1), credentials: defenderCredentials(fake), options: { expireAfterHours: 1 } });
	expect(fake.active()).toHaveLength(1);
	fake.clock.advance(3_600_000 + 1000);
	expect(fake.active()).toHaveLength(0);
});

test('1,234 IPs: imports of 500, 500 and 234, every indicator there once', async () => {
	const ips = manyIps(1234);
	const result = await block({ target: 'defender', input: ips.map((value) => ({ type: 'ip', value })), credentials: defenderCredentials(fake) });
	expect(result.error).toBeUndefined();
	expect(fake.served('import').map((r) => r.entries)).toEqual([500, 500, 234]);
	expect(fake.active().map((i) => i.indicatorValue).sort()).toEqual([...ips].sort());
	const removed = await block({ target: 'defender', operation: 'remove', input: ips.map((value) => ({ type: 'ip', value })), credentials: defenderCredentials(fake) });
	expect(removed.done.every((r) => r.status === 'removed')).toBe(true);
	expect(fake.served('batchDelete').map((r) => r.entries)).toEqual([500, 500, 234]);
	expect(fake.active()).toEqual([]);
});

test('429 with Retry-After once, then success', async () => {
	fake.failNext(1, 429, 1, undefined, 'import');
	const result = await block({ target: 'defender', input: INPUT, credentials: defenderCredentials(fake) });
	expect(result.done.map((r) => r.status)).toEqual(['added', 'added', 'added']);
	expect(fake.log.filter((r) => r.bucket === 'import').map((r) => r.status)).toEqual([429, 200]);
});

test('a wrong client secret: the error says so and names no secret', async () => {
	const result = await block({ target: 'defender', input: INPUT, credentials: defenderCredentials(fake, { clientSecret: 'WRONG-secret-value-123' }) });
	expect(result.error?.message).toMatch(/Entra ID gave no access token: AADSTS7000215.*Client Secret is wrong or expired/);
	expect(JSON.stringify(result.error)).not.toContain('WRONG-secret-value-123');
	expect(fake.active()).toEqual([]);
});

test('a 401 from the API with a valid token fetched: fails with what to check; an expired token is fetched again once', async () => {
	const credentials = defenderCredentials(fake);
	await block({ target: 'defender', input: INPUT.slice(0, 1), credentials });
	expect(fake.tokenRequests).toBe(1);
	fake.expireTokens();
	const again = await block({ target: 'defender', input: INPUT.slice(1), credentials });
	expect(again.done.map((r) => r.status)).toEqual(['added', 'added']);
	expect(fake.tokenRequests).toBe(2);

	fake.failNext(3, 401, undefined, { error: { code: 'Unauthorized', message: 'Authorization has been denied for this request.' } }, 'list');
	const refused = await block({ target: 'defender', input: INPUT, credentials, continueOnFail: true });
	expect(refused.done.map((r) => r.status)).toEqual(['failed', 'failed', 'failed']);
	expect(refused.done[0].error).toMatch(/refused the access token \(401.*Check the Tenant ID, Client ID and Client Secret/);
});

test('an app without Ti.ReadWrite: 403 that names the permission to add', async () => {
	const result = await block({ target: 'defender', input: INPUT, credentials: defenderCredentials(fake, { clientId: DEFENDER_NO_ROLE_CLIENT_ID }) });
	expect(result.error?.message).toMatch(/denied access \(403.*Ti\.ReadWrite.*admin consent/);
});

test('a partial batch failure marks exactly the failed IoCs', async () => {
	// 15,000 active indicators per tenant: fill the tenant up to one short of it.
	for (let n = 0; n < 14_999; n++) {
		const id = `9${n}`;
		fake.indicators.set(id, { id, indicatorValue: `filler-${n}.example`, indicatorType: 'DomainName', action: 'Audit', title: 't', description: 'd', creationTimeDateTimeUtc: '', lastUpdateTime: '' });
	}
	const result = await block({ target: 'defender', input: INPUT.slice(0, 2), credentials: defenderCredentials(fake), continueOnFail: true });
	expect(result.done.map((r) => [r.value, r.status])).toEqual([
		['185.220.101.7', 'added'],
		['malware-drop.ru', 'failed'],
	]);
	expect(result.done[1].error).toMatch(/Microsoft Defender refused malware-drop\.ru: .*15,000/);
});

test('invalid, non-global and allowlist-like values never leave; dry run sends nothing and shows the requests', async () => {
	const bad = [{ type: 'ip', value: '192.168.1.1' }, { type: 'domain', value: 'localhost' }, { type: 'ip', value: '1.2.3.4/24' }, { type: 'sha256', value: 'a'.repeat(64) }];
	const none = await block({ target: 'defender', input: bad, credentials: defenderCredentials(fake) });
	expect(none.done).toEqual([]);
	expect(none.notPushed.map((r) => r.status)).toEqual(['refused', 'refused', 'refused', 'unsupported_type']);
	expect(fake.log).toHaveLength(0);

	const dry = await block({ target: 'defender', input: [...INPUT, ...bad], credentials: defenderCredentials(fake), options: { dryRun: true, expireAfterHours: 2 } });
	expect(fake.log).toHaveLength(0);
	expect(dry.done.map((r) => `${r.method} ${String(r.url).replace(fake.url, '')}`)).toEqual(['GET /api/indicators', 'POST /api/indicators/import']);
	const body = dry.done[1].body as { Indicators: Array<Record<string, unknown>> };
	expect(body.Indicators.map((i) => [i.indicatorType, i.indicatorValue])).toEqual([
		['IpAddress', '185.220.101.7'],
		['DomainName', 'malware-drop.ru'],
		['Url', 'http://malware-drop.ru/payload.exe'],
	]);
	expect(Math.abs(Date.parse(String(body.Indicators[0].expirationTime)) - (Date.now() + 2 * 3_600_000))).toBeLessThan(5000);
	const dryRemove = await block({ target: 'defender', operation: 'remove', input: INPUT, credentials: defenderCredentials(fake), options: { dryRun: true } });
	expect(dryRemove.done.map((r) => `${r.method} ${String(r.url).replace(fake.url, '')}`)).toEqual(['GET /api/indicators', 'POST /api/indicators/BatchDelete']);
	expect(fake.log).toHaveLength(0);
	expect(fake.tokenRequests).toBe(0);
});
