import {
	checkBlockable,
	compileAllowlistOrThrow,
	decideIocs,
	isExportable,
	REASON_PRECEDENCE,
	type IocOccurrence,
} from '../../nodes/shared/ioc';

const allowlist = compileAllowlistOrThrow(['10.0.0.0/8', 'good.com', 'https://evil.com/ok/']);

describe('checkBlockable: the one definition of "blockable"', () => {
	it.each([
		['uri', 'hxxps://аco[.]uk．/a', 'uri', 'https://xn--co-6kc.uk/a'],
		['url', 'HTTPS://Evil.COM./x#frag', 'uri', 'https://evil.com/x'],
		[undefined, 'evil(dot)com', 'domain', 'evil.com'],
		['network.dynamic.ip', '45.83.1.1', 'ip', '45.83.1.1'],
		['domain', 'ｅｖｉｌ。com', 'domain', 'evil.com'],
	])('%s %j → %s %s', (type, value, normalisedType, normalised) => {
		const outcome = checkBlockable(type, value);
		expect(outcome).toMatchObject({ ok: true, type: normalisedType, value: normalised });
		// A value that passes is accepted as it is, by construction: the exporters' test.
		expect(checkBlockable(outcome.type, outcome.value)).toMatchObject({ ok: true, value: normalised });
		expect(isExportable(outcome.type, outcome.value)).toBe(true);
	});

	it.each([
		[undefined, 42, 'invalid', /is not a text value \(got number\)/],
		['uri', undefined, 'invalid', /is missing/],
		['uri', 'https://аco.uk(dot)．', 'invalid', /empty label/],
		['domain', 'аco.uk(dot)．', 'invalid', /not a valid domain name/],
		['email', 'a@b.c', 'unsupported_type', /cannot go on a firewall blocklist/],
		['ip', '10.1.2.3', 'allowlisted', /"10\.0\.0\.0\/8"/], // the allowlist wins over the hold
		['ip', '192.168.1.1', 'non_global_ip', /not a global unicast address/],
		['uri', 'https://evil.com/ok/x', 'allowlisted', /evil\.com\/ok\//],
		['domain', 'x.good.com', 'allowlisted', /good\.com/],
		['domain', 'printer.local', 'special_use_domain', /special-use/],
		['domain', 'co.uk', 'public_suffix', /public suffix/],
	])('%s %j → %s', (type, value, reason, text) => {
		const outcome = checkBlockable(type, value, allowlist);
		expect(outcome.ok).toBe(false);
		expect(outcome).toMatchObject({ reason });
		if (!outcome.ok) expect(outcome.text).toMatch(text);
	});

	it('gives its reasons in REASON_PRECEDENCE order', () => {
		const order = ['invalid', 'allowlisted', 'non_global_ip', 'special_use_domain', 'public_suffix', 'unsupported_type'];
		expect(REASON_PRECEDENCE.filter((code) => order.includes(code))).toEqual(order);
	});

	it('is what the Filter decides with: the same value, type and reason for every case', () => {
		const values: [string | undefined, unknown][] = [
			['uri', 'https://аco.uk(dot)．'],
			['uri', 'https://аco.uk．'],
			[undefined, 'hxxp://evil[.]com/a'],
			['ip', '10.1.2.3'],
			['ip', '8.8.8.8'],
			['email', 'a@b.c'],
			['domain', 'co.uk'],
			[undefined, null],
		];
		const occurrences: IocOccurrence[] = values.map(([type, value]) => ({ type, value, verdict: 'malicious' }));
		const { block, skipped } = decideIocs(occurrences, { allowlist });
		const byFilter = [...block.map((item) => [item.type, item.value, 'block']), ...skipped.map((item) => [item.type, item.value, item.reason])];
		const byCheck = values.map(([type, value]) => {
			const outcome = checkBlockable(type, value, allowlist);
			return [outcome.type, outcome.value, outcome.ok ? 'block' : outcome.reason];
		});
		expect(byFilter.sort()).toEqual(byCheck.sort());
	});
});
