/**
 * `npm start` as users run it (scripts/start.ts in a child process), against a separately started fake
 * Assemblyline given as AL_HOST=127.0.0.1:<port> (no scheme: the script finds out it is plain HTTP).
 * stdout must be exactly one JSON object with the README contract; progress goes to stderr.
 * Run with `npm run test:e2e` (sets N8N_E2E=1); plain `npm test` skips this file.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { domainToASCII } from 'node:url';

import ipaddr from 'ipaddr.js';

import { defaultUsers, demoDataset, generateDataset, startFakeAssemblyline, type FakeAssemblyline } from '../fakes/assemblyline/index.ts';
import { unsafeOnBlock } from '../reliability/oracle.ts';

const e2e = process.env.N8N_E2E === '1' ? describe : describe.skip;
const repoDir = path.resolve(__dirname, '..', '..');
const users = defaultUsers();

let fake: FakeAssemblyline;

function runStart(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
	const t0 = Date.now();
	return new Promise((resolve) => {
		const child = spawn(process.execPath, ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', path.join(repoDir, 'scripts', 'start.ts')], {
			cwd: repoDir,
			env: { ...process.env, NODE_ENV: '', ...env },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
		child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
		child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - t0 }));
	});
}

async function exerciseMapping(sid: string): Promise<Record<string, unknown[]>> {
	const res = await fetch(`${fake.url}/api/v4/submission/summary/${sid}/`, { headers: { 'X-USER': users[0].name, 'X-APIKEY': users[0].apikey } });
	const summary = ((await res.json()) as any).api_response;
	const collected: Record<string, unknown[]> = {};
	for (const [tagName, tagValues] of Object.entries(summary.tags.ioc as Record<string, unknown[][]>)) {
		for (const [tagValue] of tagValues) if (tagName.startsWith('network')) (collected[tagName] ??= []).push(tagValue);
	}
	return Object.fromEntries(Object.entries(collected).map(([t, v]) => [t, [...new Set(v)]]));
}

e2e('npm start in a real n8n', () => {
	beforeAll(async () => {
		fake = await startFakeAssemblyline({ dataset: demoDataset(), users });
	});
	afterAll(async () => {
		await fake?.close();
	});

	test('AL_HOST=127.0.0.1:<port>: one JSON object on stdout with submission_iocs, blockable and skipped', async () => {
		const { code, stdout, stderr } = await runStart({
			AL_HOST: `127.0.0.1:${fake.port}`,
			AL_USER: users[0].name,
			AL_APIKEY: users[0].apikey,
			AL_VERIFY_TLS: 'false',
		});
		if (code !== 0) throw new Error(`npm start exited ${code}:\n${stderr.slice(-4000)}`);
		const report = JSON.parse(stdout);
		expect(Object.keys(report)).toEqual(['submission_iocs', 'blockable', 'skipped']);
		expect(stderr).toContain(`using http://127.0.0.1:${fake.port}`);

		// Every alert's submission, mapped exactly like the "Collecting Network IoCs" exercise.
		const sids = Object.keys(report.submission_iocs);
		expect(sids.length).toBe(5);
		for (const sid of sids) expect(report.submission_iocs[sid]).toEqual(await exerciseMapping(sid));

		// Every IoC of the alerts leaves the filter once; the blockable ones are really blockable.
		expect(report.blockable).toHaveLength(19);
		for (const ioc of report.blockable) expect(['suspicious', 'highly suspicious', 'malicious']).toContain(ioc.verdict);
		expect(report.skipped.length).toBeGreaterThan(0);
		for (const ioc of report.skipped) expect(typeof ioc.reason).toBe('string');
		const values = [...report.blockable, ...report.skipped].map((i: any) => `${i.type} ${i.value}`);
		expect(new Set(values).size).toBe(values.length);

		// The human summary is on stderr, not stdout.
		expect(stderr).toMatch(/Blockable: 19 /);
		expect(stderr).toMatch(/Skipped: \d+ \(/);
	});

	test('AL_SID and AL_ALERT_LIMIT pick the submissions and alerts', async () => {
		const { code, stdout, stderr } = await runStart({
			AL_HOST: `http://127.0.0.1:${fake.port}`,
			AL_USER: users[0].name,
			AL_APIKEY: users[0].apikey,
			AL_SID: 'ushStdLVanDgTCEgfcfS3',
			AL_ALERT_LIMIT: '1',
		});
		if (code !== 0) throw new Error(`npm start exited ${code}:\n${stderr.slice(-4000)}`);
		const report = JSON.parse(stdout);
		expect(Object.keys(report.submission_iocs)).toEqual(['ushStdLVanDgTCEgfcfS3']);
		expect(stderr).toMatch(/1 alert\(s\) →/);
		const alertIds = new Set([...report.blockable, ...report.skipped].flatMap((i: any) => i.sources.map((s: any) => s.alert_id)));
		expect(alertIds.size).toBe(1);
	});
});

// --- at the size of a real instance (issue 12) ---------------------------------------------------

const RANK: Record<string, number> = { safe: 0, info: 1, suspicious: 2, 'highly suspicious': 3, malicious: 4 };

/** The value as a firewall list holds it, by the platform's own parsers (ipaddr.js, WHATWG URL),
 * not the package's: RFC 5952 IPv6, lower-case punycode domains, WHATWG-serialised URLs. */
function normalised(group: string, value: string): string | null {
	try {
		if (group === 'ip') return ipaddr.parse(value).toString();
		if (group === 'domain') return domainToASCII(value.toLowerCase().replace(/\.$/, '')) || null;
		return new URL(value).href;
	} catch {
		return null;
	}
}

/**
 * Every blockable IoC of every alert, from the fake's own data: the alert exercise's loop over
 * `al.detailed.ip/domain/uri`, then the Filter's default rules: one entry per (type, value) with the
 * highest verdict, at least "suspicious", and safe to put on a firewall (test/reliability/oracle.ts).
 */
function expectedBlockable(fake: FakeAssemblyline): Map<string, string> {
	const best = new Map<string, string>();
	for (const entry of fake.dataset.alerts) {
		const alert = fake.dataset.load(entry) as any;
		for (const group of ['ip', 'domain', 'uri']) {
			for (const item of alert.al?.detailed?.[group] ?? []) {
				const value = normalised(group, item.value);
				if (value === null) continue;
				const key = `${group} ${value}`;
				const seen = best.get(key);
				if (seen === undefined || RANK[item.verdict] > RANK[seen]) best.set(key, item.verdict);
			}
		}
	}
	const blockable = new Map<string, string>();
	for (const [key, verdict] of best) {
		const [group, value] = [key.slice(0, key.indexOf(' ')), key.slice(key.indexOf(' ') + 1)];
		if (RANK[verdict] >= RANK.suspicious && unsafeOnBlock(group, value) === null) blockable.set(key, verdict);
	}
	return blockable;
}

/** The "Collecting Network IoCs" exercise on the fake's summary of `sid`. */
function exerciseMappingOf(fake: FakeAssemblyline, sid: string): Record<string, unknown[]> {
	const summary = fake.dataset.summaryFor(sid) as any;
	const collected: Record<string, unknown[]> = {};
	for (const [tagName, tagValues] of Object.entries(summary.tags.ioc as Record<string, unknown[][]>)) {
		for (const [tagValue] of tagValues) if (tagName.startsWith('network')) (collected[tagName] ??= []).push(tagValue);
	}
	return Object.fromEntries(Object.entries(collected).map(([t, v]) => [t, [...new Set(v)]]));
}

e2e('npm start at the size of a real instance', () => {
	let big: FakeAssemblyline;
	beforeAll(async () => {
		// 2,000 alerts drawn from ~100 completed submissions (later alerts are ingest cache hits).
		big = await startFakeAssemblyline({ dataset: generateDataset({ seed: 12, alerts: 2000, submissions: 106 }), users });
	});
	afterAll(async () => {
		await big?.close();
	});

	test('2,000 alerts, AL_ALERT_LIMIT=all and AL_SID with every completed submission', async () => {
		const completed = big.dataset.submissionEntries.map((e) => e.sid).filter((sid) => big.dataset.getSubmission(sid)!.completed);
		expect(big.dataset.alertCount()).toBeGreaterThanOrEqual(2000);
		expect(completed.length).toBeGreaterThanOrEqual(100);

		const { code, stdout, stderr, ms } = await runStart({
			AL_HOST: `127.0.0.1:${big.port}`,
			AL_USER: users[0].name,
			AL_APIKEY: users[0].apikey,
			AL_ALERT_LIMIT: 'all',
			AL_SID: completed.join(','),
		});
		// For docs/benchmarks.md: the wall time and the script's own split.
		// eslint-disable-next-line no-console
		console.log(`npm start, ${big.dataset.alertCount()} alerts, ${completed.length} submissions: ${(ms / 1000).toFixed(1)} s wall\n${stderr.split('\n').filter((l) => /^Timing:|still running|alert\(s\) →|mapped|n8n execution \d+:/.test(l.trim())).join('\n')}`);
		if (code !== 0) throw new Error(`npm start exited ${code}:\n${stderr.slice(-4000)}`);
		const report = JSON.parse(stdout);
		expect(Object.keys(report)).toEqual(['submission_iocs', 'blockable', 'skipped']);

		// Every alert was read: every alert with a network IoC is a source of some IoC.
		const sourced = new Set([...report.blockable, ...report.skipped].flatMap((i: any) => (i.sources ?? []).map((s: any) => s.alert_id)));
		const withIocs = big.dataset.alerts.map((e) => big.dataset.load(e) as any).filter((a) => ['ip', 'domain', 'uri'].some((g) => (a.al?.[g] ?? []).length > 0));
		expect(withIocs.length).toBeGreaterThan(1900);
		expect(sourced.size).toBe(withIocs.length);

		// blockable: exactly every blockable IoC of every alert, once, with its highest verdict.
		const expected = expectedBlockable(big);
		const got = new Map<string, string>(report.blockable.map((i: any) => [`${i.type} ${i.value}`, i.verdict]));
		expect(got.size).toBe(report.blockable.length);
		expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
		expect(Object.fromEntries(got)).toEqual(Object.fromEntries(expected));
		expect(report.blockable.length).toBeGreaterThan(300);

		// submission_iocs: the exercise's mapping for each requested submission, and only those.
		expect(Object.keys(report.submission_iocs).sort()).toEqual([...completed].sort());
		for (const sid of completed) expect(report.submission_iocs[sid]).toEqual(exerciseMappingOf(big, sid));

		// The summary on stderr stays short: counts, the first lines of each group, where the rest are.
		const summary = stderr.slice(stderr.indexOf('\nSubmissions: '), stderr.indexOf('\nDone in'));
		expect(summary.split('\n').length).toBeLessThan(80);
		expect(summary).toContain(`Blockable: ${report.blockable.length} (`);
		expect(summary).toMatch(/… and \d+ more ip in stdout's blockable/);
		expect(summary).toMatch(/… and \d+ more in stdout's submission_iocs/);
		expect(summary).toMatch(/… and \d+ more below_threshold in stdout's skipped/);
	});
});
