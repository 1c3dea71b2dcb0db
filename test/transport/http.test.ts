/**
 * The shared HTTP helpers (nodes/shared/http.ts) and pacing (nodes/shared/pacing.ts) on their own:
 * what both the Assemblyline transport and IoC Enrich rely on.
 */
import {
	backoffMs,
	bodyText,
	classifyNetworkError,
	credentialSecrets,
	nextRetry,
	redactor,
	retryAfterMs,
} from '../../nodes/shared/http';
import { DEADLINE, Pacer, paceLimit } from '../../nodes/shared/pacing';

describe('bodyText', () => {
	test('strings, buffers, objects and nothing', () => {
		expect(bodyText('{"a":1}')).toBe('{"a":1}');
		expect(bodyText(Buffer.from('héllo'))).toBe('héllo');
		expect(bodyText({ a: 1 })).toBe('{"a":1}');
		expect(bodyText(undefined)).toBe('');
	});
});

describe('classifyNetworkError', () => {
	test('a reset connection is transient, a timeout is not', () => {
		expect(classifyNetworkError({ code: 'ECONNRESET', message: 'socket hang up' })).toMatchObject({ transient: true, timedOut: false });
		expect(classifyNetworkError({ message: 'timeout of 100ms exceeded', code: 'ECONNABORTED' })).toMatchObject({ transient: false, timedOut: true });
	});

	test('TLS and unknown hosts are never retried', () => {
		expect(classifyNetworkError({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', message: 'unable to verify the first certificate' })).toMatchObject({ tls: true, transient: false });
		expect(classifyNetworkError({ message: 'getaddrinfo ENOTFOUND x.invalid', cause: { code: 'ENOTFOUND' } })).toMatchObject({ unknownHost: true, transient: false, code: 'ENOTFOUND' });
	});

	test('reads the cause, keeps nothing of the request', () => {
		const problem = classifyNetworkError({ message: 'fetch failed', config: { headers: { 'x-apikey': 'SECRET' } }, cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' } });
		expect(problem).toMatchObject({ code: 'ECONNREFUSED', transient: true });
		expect(JSON.stringify(problem)).not.toContain('SECRET');
	});
});

describe('retry budget', () => {
	test('the backoff is jittered between half and all of its capped ceiling', () => {
		for (let attempt = 1; attempt <= 8; attempt++) {
			const ceiling = Math.min(2000, 200 * 2 ** (attempt - 1));
			const wait = backoffMs(attempt, 200, 2000);
			expect(wait).toBeGreaterThanOrEqual(ceiling / 2);
			expect(wait).toBeLessThanOrEqual(ceiling);
		}
	});

	test('Retry-After wins over the backoff, within the wait bound and the deadline', () => {
		const now = 1_000_000;
		expect(nextRetry({ attempts: 3, baseDelayMs: 100 }, 1, 7000, now)).toEqual({ retry: true, waitMs: 7000 });
		expect(nextRetry({ attempts: 3, baseDelayMs: 100, maxWaitMs: 5000 }, 1, 7000, now)).toEqual({ retry: false, why: 'too_long', waitMs: 7000 });
		expect(nextRetry({ attempts: 3, baseDelayMs: 100, deadlineAt: now + 1000 }, 1, 2000, now)).toMatchObject({ retry: false, why: 'too_long' });
		expect(nextRetry({ attempts: 3, baseDelayMs: 100 }, 3, undefined, now)).toEqual({ retry: false, why: 'attempts' });
	});

	test('Retry-After in seconds, as an HTTP date, or urlscan\'s reset header', () => {
		const now = Date.parse('2026-01-01T00:00:00Z');
		expect(retryAfterMs({ 'Retry-After': '3' }, now)).toBe(3000);
		expect(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:10 GMT' }, now)).toBe(10_000);
		expect(retryAfterMs({ 'x-rate-limit-reset-after': ['2'] }, now)).toBe(2000);
		expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
		expect(retryAfterMs({}, now)).toBeUndefined();
	});
});

describe('redaction', () => {
	test('whole keys, the secret after "name:", and key query parameters', () => {
		const secrets = credentialSecrets({ url: 'https://al.example', apiKey: 'soc_key:Zq81xxTTabc', username: 'svc' }, ['apiKey']);
		const redact = redactor(secrets);
		expect(redact('key soc_key:Zq81xxTTabc and Zq81xxTTabc')).toBe('key [redacted] and [redacted]');
		expect(redact('GET /v4/threatMatches:find?key=AIzaSyD-something&x=1')).toBe('GET /v4/threatMatches:find?key=[redacted]&x=1');
		expect(redact('username svc stays')).toBe('username svc stays');
	});

	test('every text field but the URLs when no field is named', () => {
		expect(credentialSecrets({ apiKey: 'k-123456', baseUrl: 'https://x.example', token: 't-654321' })).toEqual(['k-123456', 't-654321']);
	});
});

describe('pacing', () => {
	test('paceLimit turns a documented rate into spacing', () => {
		expect(paceLimit(4, 60)).toEqual({ concurrency: 1, minIntervalMs: 15_000 });
		expect(paceLimit(0, 60, 3)).toEqual({ concurrency: 3, minIntervalMs: 0 });
	});

	test('run() holds the slot for the task and gives it back, even when the task throws', async () => {
		const pacer = new Pacer({ concurrency: 1, minIntervalMs: 0 });
		await expect(pacer.run(async () => { throw new Error('boom'); })).rejects.toThrow('boom');
		let running = 0;
		let peak = 0;
		const task = async () => {
			running++;
			peak = Math.max(peak, running);
			await new Promise((resolve) => setTimeout(resolve, 20));
			running--;
			return 'done';
		};
		expect(await Promise.all([pacer.run(task), pacer.run(task), pacer.run(task)])).toEqual(['done', 'done', 'done']);
		expect(peak).toBe(1);
	});

	test('run() answers DEADLINE when no slot frees up in time', async () => {
		const pacer = new Pacer({ concurrency: 1, minIntervalMs: 60_000 });
		expect(await pacer.run(async () => 'first')).toBe('first');
		expect(await pacer.run(async () => 'second', Date.now() + 100)).toBe(DEADLINE);
	});
});
