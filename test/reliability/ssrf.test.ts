/**
 * SSRF and data leakage through enrichment (issue 8.5 threat model): IoC Enrich with every provider
 * on the hostile corpus and on generated hostile values (hostile.arbitraries.ts). What leaves n8n
 * is read from the fake providers' request log:
 *
 * - nothing internal or ambiguous is sent to a third party: every value a provider was asked about
 *   is one public IP, a blockable domain, a URL on one, or a hash (oracle.ts);
 * - the value cannot steer the request: no dot-segments, no control or whitespace characters, no
 *   extra query parameters smuggled into the path;
 * - one request per (provider, distinct sent value) at most: no amplification.
 *
 * test/nodes/enrich.engine.test.ts ("what is sent") covers the named internal values one by one.
 */
import fc from 'fast-check';

import { FakeProviders, PROVIDER_IDS } from '../fakes/providers.ts';
import { enrich } from '../nodes/enrich.helpers.ts';
import { HOSTILE_CORPUS, hostileValue } from './hostile.arbitraries.ts';
import { isBlockableDomain, isGlobalIp, unsafeOnBlock } from './oracle.ts';

const HASH = /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})$/i;

function sendable(value: string): boolean {
	if (HASH.test(value)) return true;
	if (isGlobalIp(value) || isBlockableDomain(value)) return true;
	return /^[a-z]+:\/\//.test(value) && unsafeOnBlock('uri', value) === null;
}

let fake: FakeProviders;
beforeAll(async () => {
	fake = await new FakeProviders().start();
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

const generated = fc.sample(hostileValue, { numRuns: 300, seed: 8 });
const corpus = HOSTILE_CORPUS.filter((v) => typeof v !== 'string' || v.length < 5000);

test.each([
	['the hostile corpus', corpus],
	['300 generated hostile values', generated],
])('%s through every provider: only public, well-formed values leave n8n, once each', async (_label, values) => {
	const input = values.map((value) => ({ value: value as never }));
	const { items, error } = await enrich(fake, { providers: PROVIDER_IDS, input, continueOnFail: true });
	expect(error).toBeUndefined();
	expect(items).toHaveLength(input.length);

	const sent = fake.requests.filter((r) => r.value !== undefined);
	expect(sent.length).toBeGreaterThan(0); // some values are public targets, so something is sent
	const unsafe = sent.filter((r) => !sendable(String(r.value))).map((r) => `${r.provider}: ${r.value}`);
	expect(unsafe).toEqual([]);
	for (const r of fake.requests) {
		expect(r.url).not.toMatch(/(^|\/)\.\.?(\/|$|\?)/);
		expect(r.url).not.toMatch(/[\s\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/);
	}
	const perProvider = new Map<string, string[]>();
	for (const r of sent) perProvider.set(r.provider, [...(perProvider.get(r.provider) ?? []), String(r.value)]);
	for (const [provider, asked] of perProvider) expect([provider, asked.length]).toEqual([provider, new Set(asked).size]);
});

// Issue 18's providers by name: ScreenshotAPI makes its service visit the URL, so an internal
// address there would be a scan of the user's network from outside. Only the public URL leaves.
test('Triage, Safe Browsing, Web Risk, Intelligence X and ScreenshotAPI are sent no internal value', async () => {
	const internal = [
		'http://127.0.0.1:8080/admin',
		'http://169.254.169.254/latest/meta-data/',
		'http://[::1]/',
		'https://intranet.corp.local/login',
		'http://10.0.0.5/',
		'http://0x7f.1/',
		'https://printer.home.arpa/',
		'http://localhost/',
		'192.168.1.20',
		'fileserver.internal',
	];
	const providers = ['triage', 'safebrowsing', 'webrisk', 'intelx', 'screenshotapi'] as const;
	const input = [...internal, 'http://bad-actor.top/payload.exe'].map((value) => ({ value }));
	const { items, error } = await enrich(fake, { providers: [...providers], input, continueOnFail: true });
	expect(error).toBeUndefined();
	expect(items).toHaveLength(input.length);
	const asked = fake.requests.filter((r) => r.value !== undefined).map((r) => `${r.provider} ${String(r.value)}`);
	for (const line of asked) expect(line).not.toMatch(/127\.0\.0\.1|169\.254|::1|corp\.local|10\.0\.0\.5|0x7f|home\.arpa|localhost|192\.168|\.internal/);
	// The public URL did go out, so the check above is not vacuous.
	expect(asked).toEqual(expect.arrayContaining(['screenshotapi http://bad-actor.top/payload.exe', 'webrisk http://bad-actor.top/payload.exe']));
	expect(fake.screenshots.map((s) => s.url)).toEqual(['http://bad-actor.top/payload.exe']);
});
