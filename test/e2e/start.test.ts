/**
 * `npm start` as users run it (scripts/start.ts in a child process), against a separately started fake
 * Assemblyline given as AL_HOST=127.0.0.1:<port> (no scheme: the script finds out it is plain HTTP).
 * stdout must be exactly one JSON object with the README contract; progress goes to stderr.
 * Run with `npm run test:e2e` (sets N8N_E2E=1); plain `npm test` skips this file.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

import { defaultUsers, demoDataset, startFakeAssemblyline, type FakeAssemblyline } from '../fakes/assemblyline/index.ts';

const e2e = process.env.N8N_E2E === '1' ? describe : describe.skip;
const repoDir = path.resolve(__dirname, '..', '..');
const users = defaultUsers();

let fake: FakeAssemblyline;

function runStart(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
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
		child.on('close', (code) => resolve({ code, stdout, stderr }));
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
