// The pure parts of IoC Enrich: verdict aggregation (§7.2), IoC resolution, the limiter.
import type { INode } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import * as fs from 'node:fs';
import * as path from 'node:path';

import { IocEnrich } from '../../nodes/IocEnrich/IocEnrich.node';
import { DEADLINE, Pacer, untilDeadline } from '../../nodes/shared/pacing';
import { resolveIoc } from '../../nodes/IocEnrich/lookupTarget';
import { PROVIDERS } from '../../nodes/IocEnrich/providers';
import type { ProviderResult } from '../../nodes/IocEnrich/types';
import { aggregate } from '../../nodes/IocEnrich/overallVerdict';

function result(provider: string, status: ProviderResult['status'], verdict: ProviderResult['verdict'] = 'unknown', extra: Partial<ProviderResult> = {}): ProviderResult {
	return {
		provider,
		name: provider,
		status,
		verdict,
		tags: [],
		reasons: verdict === 'unknown' ? [] : [`${provider}: ${verdict} signal`],
		evidence: {},
		cached: false,
		latency_ms: 1,
		fetched_at: '2026-01-01T00:00:00.000Z',
		attempts: 1,
		...extra,
	};
}

const benignWins = { knownBenignWins: true };

describe('aggregate', () => {
	test('not found, errors, timeouts and rate limits alone are unknown with score 0, never benign', () => {
		const out = aggregate(
			[result('a', 'not_found'), result('b', 'error'), result('c', 'timeout'), result('d', 'rate_limited'), result('e', 'unsupported')],
			benignWins,
		);
		expect(out).toMatchObject({ verdict: 'unknown', score: 0 });
		expect(out.reasons[0]).toBe(
			'No provider reports it as malicious or benign (1 not found, 1 timed out, 1 rate limited, 1 failed, 1 do not support this type); not found is not a statement of trust.',
		);
		expect(out.summary).toMatchObject({ queried: 4, ok: 0, not_found: 1, failed: 3, unsupported: 1 });
	});

	test('a provider verdict on a non-ok status is ignored', () => {
		expect(aggregate([result('a', 'error', 'malicious')], benignWins).verdict).toBe('unknown');
	});

	test('the strongest verdict wins, scores stay in the verdict band and grow with agreement', () => {
		const one = aggregate([result('a', 'ok', 'malicious', { score: 10 }), result('b', 'not_found')], benignWins);
		expect(one).toMatchObject({ verdict: 'malicious', score: 70 });
		const three = aggregate(
			[result('a', 'ok', 'malicious', { score: 75 }), result('b', 'ok', 'malicious'), result('c', 'ok', 'suspicious', { score: 40 })],
			benignWins,
		);
		expect(three.verdict).toBe('malicious');
		expect(three.score).toBe(100);
		expect(three.reasons).toEqual(['a: malicious signal', 'b: malicious signal', 'c: suspicious signal']);
		const suspicious = aggregate([result('a', 'ok', 'suspicious', { score: 90 })], benignWins);
		expect(suspicious).toMatchObject({ verdict: 'suspicious', score: 69 });
		expect(aggregate([result('a', 'ok', 'suspicious')], benignWins).score).toBe(45);
	});

	test('a known-benign signal caps at benign and keeps what it outweighed; it can be switched off', () => {
		const results = [result('threatfox', 'ok', 'malicious', { score: 75 }), result('greynoise', 'ok', 'benign', { benign_signal: 'known_benign' })];
		const capped = aggregate(results, benignWins);
		expect(capped).toMatchObject({ verdict: 'benign', score: 0 });
		expect(capped.reasons).toEqual(['greynoise: benign signal', 'Outweighed by the known-benign signal: threatfox: malicious signal']);
		const off = aggregate(results, { knownBenignWins: false });
		expect(off.verdict).toBe('malicious');
		expect(off.reasons).toContain('Known-benign signal not applied: greynoise: benign signal');
		expect(aggregate([result('greynoise', 'ok', 'benign')], { knownBenignWins: false }).verdict).toBe('benign');
	});

	test('a benign context signal (or one that does not say) gives benign only when nothing flags the IoC', () => {
		for (const benign_signal of ['context', undefined] as const) {
			const riot = result('greynoise', 'ok', 'benign', { benign_signal });
			expect(aggregate([riot, result('a', 'not_found')], benignWins)).toMatchObject({ verdict: 'benign', score: 0 });
			const flagged = aggregate([riot, result('virustotal', 'ok', 'malicious', { score: 11 })], benignWins);
			expect(flagged).toMatchObject({ verdict: 'malicious', score: 70 });
			expect(flagged.reasons).toEqual(['virustotal: malicious signal', 'Benign context outweighed: greynoise: benign signal']);
			expect(aggregate([riot, result('urlhaus', 'ok', 'suspicious')], benignWins).verdict).toBe('suspicious');
		}
	});

	test('an IoC that was never sent gives its reason', () => {
		const skipped = result('a', 'skipped', 'unknown', { reason: 'non_global_ip', reason_text: '"10.0.0.1" is not a global unicast address: private network (RFC 1918).' });
		expect(aggregate([skipped], benignWins).reasons).toEqual([skipped.reason_text]);
	});
});

describe('resolveIoc', () => {
	test.each([
		['45.155.205[.]233', undefined, { type: 'ipv4', value: '45.155.205.233' }],
		['2001:4860:4860::8888', undefined, { type: 'ipv6', value: '2001:4860:4860::8888' }],
		['Bad-Actor[.]TOP', undefined, { type: 'domain', value: 'bad-actor.top' }],
		['hxxps://bad-actor.top/x', 'uri', { type: 'url', value: 'https://bad-actor.top/x' }],
		['44D88612FEA8A8F36DE82E1278ABB02F', 'md5', { type: 'md5', value: '44d88612fea8a8f36de82e1278abb02f' }],
		['44d88612fea8a8f36de82e1278abb02f', 'hash', { type: 'md5', value: '44d88612fea8a8f36de82e1278abb02f' }],
		['8.8.8.8', 'network.dynamic.ip', { type: 'ipv4', value: '8.8.8.8' }],
	])('%s (%s) is looked up', (value, declared, target) => {
		expect(resolveIoc(value, declared).target).toEqual(target);
	});

	test.each([
		['10.0.0.1', undefined, 'skipped', 'non_global_ip'],
		['http://[fd00::1]/x', undefined, 'skipped', 'non_global_ip'],
		['wpad.home.arpa', undefined, 'skipped', 'special_use_domain'],
		['co.uk', undefined, 'skipped', 'public_suffix'],
		['8.8.8.8', 'ipv6', 'skipped', 'invalid'],
		['bad-actor.top', 'url', 'skipped', 'invalid'],
		['a@b.example', 'email', 'unsupported', 'unsupported_type'],
		[42, undefined, 'skipped', 'invalid'],
	])('%s (%s) is not sent: %s %s', (value, declared, status, reason) => {
		expect(resolveIoc(value, declared).target).toMatchObject({ status, reason });
	});
});

describe('providers', () => {
	test('every provider declares what it needs; only InternetDB is keyless', () => {
		for (const p of PROVIDERS) {
			expect(p.supports.length).toBeGreaterThan(0);
			expect(p.limits.concurrency).toBeGreaterThanOrEqual(1);
			expect(p.defaultBaseUrl).toMatch(/^https:\/\//);
			expect(Boolean(p.credentialType)).toBe(p.id !== 'internetdb');
		}
		expect(PROVIDERS.find((p) => p.id === 'virustotal')?.limits.minIntervalMs).toBe(15_000);
	});

	test('passive only: no provider request is a submission', () => {
		const ioc = { type: 'url' as const, value: 'https://bad-actor.top/x' };
		for (const p of PROVIDERS.filter((p) => p.supports.includes('url'))) {
			const request = p.request(ioc);
			expect(String(request.url)).not.toMatch(/scan|submit|upload/i);
			if (p.id === 'virustotal' || p.id === 'urlscan' || p.id === 'otx') expect(request.method).toBe('GET');
		}
	});
});

describe('credentials', () => {
	const description = new IocEnrich().description;
	const active = (providers: string[]) =>
		NodeHelpers.getActiveCredentialTypes(
			{ parameters: { providers }, typeVersion: 1 } as unknown as INode,
			description,
		);

	test('only the picked providers\' credentials are asked for (n8n\'s own display rule)', () => {
		expect(active(['threatfox', 'urlhaus'])).toEqual(new Set(['iocEnrichAbuseChApi']));
		expect(active(['virustotal', 'shodan', 'internetdb'])).toEqual(new Set(['iocEnrichVirusTotalApi', 'iocEnrichShodanApi']));
		expect(active(['internetdb'])).toEqual(new Set());
	});

	test('every provider with a credential has one in the node description', () => {
		const names = (description.credentials ?? []).map((c) => c.name);
		for (const p of PROVIDERS) if (p.credentialType) expect(names).toContain(p.credentialType);
		expect(new Set(names).size).toBe(names.length);
		expect(names.length).toBe(new Set(PROVIDERS.map((p) => p.credentialType).filter(Boolean)).size);
	});

	test('the names the node gives credentials in messages are the credentials\' own', async () => {
		const dir = path.join(__dirname, '../../credentials');
		const displayNames = new Map<string, string>();
		for (const file of fs.readdirSync(dir).filter((f) => /^IocEnrich.*\.credentials\.ts$/.test(f))) {
			const module = (await import(path.join(dir, file))) as Record<string, new () => { name: string; displayName: string }>;
			for (const Type of Object.values(module)) {
				const credential = new Type();
				displayNames.set(credential.name, credential.displayName);
			}
		}
		for (const p of PROVIDERS.filter((p) => p.credentialType)) expect(p.credentialName).toBe(displayNames.get(p.credentialType as string));
	});
});

describe('Pacer', () => {
	test('starts are spaced and concurrency is bounded', async () => {
		const limiter = new Pacer({ concurrency: 2, minIntervalMs: 40 });
		const starts: number[] = [];
		let active = 0;
		let peak = 0;
		await Promise.all(
			Array.from({ length: 6 }, async () => {
				const release = await limiter.acquire(Date.now() + 5000);
				expect(release).toBeDefined();
				starts.push(Date.now());
				active++;
				peak = Math.max(peak, active);
				await new Promise((resolve) => setTimeout(resolve, 60));
				active--;
				release?.();
			}),
		);
		expect(peak).toBeLessThanOrEqual(2);
		starts.sort((a, b) => a - b);
		// Measured after the awaits that follow the grant, so allow a few ms of scheduling noise.
		for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(30);
	});

	test('no slot before the deadline: undefined at once, and the slot is not lost', async () => {
		const limiter = new Pacer({ concurrency: 1, minIntervalMs: 10_000 });
		const first = await limiter.acquire(Date.now() + 1000);
		first?.();
		const started = Date.now();
		expect(await limiter.acquire(Date.now() + 1000)).toBeUndefined();
		expect(Date.now() - started).toBeLessThan(100);
	});

	test('a waiter that gives up at its deadline hands nothing on twice', async () => {
		const limiter = new Pacer({ concurrency: 1, minIntervalMs: 0 });
		const held = await limiter.acquire(Date.now() + 1000);
		expect(await limiter.acquire(Date.now() + 50)).toBeUndefined();
		held?.();
		const next = await limiter.acquire(Date.now() + 1000);
		expect(next).toBeDefined();
		next?.();
	});

	test('untilDeadline', async () => {
		expect(await untilDeadline(new Promise(() => undefined), Date.now() + 20)).toBe(DEADLINE);
		expect(await untilDeadline(Promise.resolve(1), Date.now() + 1000)).toBe(1);
	});
});
