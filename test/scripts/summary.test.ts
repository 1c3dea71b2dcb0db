/** summarise (scripts/report.ts): the human summary of `npm start` on stderr, short at any size. */
import { summarise, SUMMARY_FIRST, type Report } from '../../scripts/report.ts';

const ioc = (type: string, value: string, extra: Record<string, unknown> = {}) => ({ type, value, verdict: 'malicious', ...extra });

test('a small report lists every IoC, as before', () => {
	const report: Report = {
		submission_iocs: { sidA: { 'network.static.ip': ['45.83.1.1'], 'network.dynamic.domain': ['evil.example', 'x.evil.example'] }, sidB: {} },
		blockable: [ioc('ip', '45.83.1.1'), ioc('domain', 'evil.example', { verdict: 'suspicious' })],
		skipped: [ioc('ip', '10.0.0.1', { reason: 'non_global_ip', reason_text: 'Private network.' }), ioc('domain', 'a.b', { reason: 'below_threshold' })],
	};
	expect(summarise(report)).toBe(
		[
			'Submissions: 2',
			'  sidA: network.static.ip 1, network.dynamic.domain 2',
			'  sidB: no network IoCs',
			'Blockable: 2 (1 ip, 1 domain)',
			'  BLOCK ip     45.83.1.1  [malicious]',
			'  BLOCK domain evil.example  [suspicious]',
			'Skipped: 2 (non_global_ip 1, below_threshold 1)',
			'  skip  ip     10.0.0.1  non_global_ip: Private network.',
			'  skip  domain a.b  below_threshold',
		].join('\n'),
	);
});

test('1,000 blockable IoCs: counts per type and reason, the first lines of each, where the rest are', () => {
	const blockable = [
		...Array.from({ length: 600 }, (_, i) => ioc('ip', `45.83.${i >> 8}.${i & 255}`)),
		...Array.from({ length: 300 }, (_, i) => ioc('domain', `evil${i}.example`)),
		...Array.from({ length: 100 }, (_, i) => ioc('uri', `http://evil${i}.example/x`)),
	];
	const skipped = [
		...Array.from({ length: 1500 }, (_, i) => ioc('ip', `10.0.${i >> 8}.${i & 255}`, { reason: 'non_global_ip', reason_text: 'Private network.' })),
		...Array.from({ length: 500 }, (_, i) => ioc('domain', `ok${i}.example`, { reason: 'below_threshold', verdict: 'info' })),
	];
	const submission_iocs = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`sid${i}`, { 'network.static.ip': ['45.83.1.1'] }]));
	const text = summarise({ submission_iocs, blockable, skipped });
	const lines = text.split('\n');
	expect(lines.length).toBeLessThan(60);
	expect(lines).toContain('Submissions: 100');
	expect(lines).toContain('  … and 95 more in stdout\'s submission_iocs');
	expect(lines).toContain('Blockable: 1000 (600 ip, 300 domain, 100 uri)');
	expect(lines).toContain('  BLOCK ip     45.83.0.0  [malicious]');
	expect(lines).toContain(`  … and ${600 - SUMMARY_FIRST} more ip in stdout's blockable`);
	expect(lines).toContain(`  … and ${300 - SUMMARY_FIRST} more domain in stdout's blockable`);
	expect(lines).toContain(`  … and ${100 - SUMMARY_FIRST} more uri in stdout's blockable`);
	expect(lines).toContain('Skipped: 2000 (non_global_ip 1500, below_threshold 500)');
	expect(lines).toContain('  by type: 1500 ip, 500 domain');
	expect(lines).toContain(`  … and ${1500 - SUMMARY_FIRST} more non_global_ip in stdout's skipped`);
	expect(lines.filter((l) => l.startsWith('  BLOCK '))).toHaveLength(3 * SUMMARY_FIRST);
	expect(lines.filter((l) => l.startsWith('  skip '))).toHaveLength(2 * SUMMARY_FIRST);
});

test('hostile values cannot drive the terminal', () => {
	const text = summarise({
		submission_iocs: {},
		blockable: [],
		skipped: [ioc('domain', 'evil.com\u001b[2J\u202e\u200b', { reason: 'invalid', reason_text: 'bad\nline' })],
	});
	expect(text).toContain('evil.com\\u001b[2J\\u202e\\u200b');
	expect(text).toContain('bad\\u000aline');
	expect(text).not.toMatch(/[\u001b\u202e\u200b]/);
});
