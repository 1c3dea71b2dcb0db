// npm start: the main job in a real n8n (the README's contract). Prints one JSON object on stdout
// {"submission_iocs": {...}, "blockable": [...], "skipped": [...]}; progress and a summary on stderr.
// Without AL_HOST it runs on the embedded demo Assemblyline (the fake server with the demo data set).
import path from 'node:path';

import { startFakeAssemblyline, demoDataset, defaultUsers } from '../test/fakes/assemblyline/index.ts';
import { stderrLog, stoppingOnSignal, withSignals, type N8nHost } from './n8n-host.ts';
import { formatTimings, optionsFromEnv, prepareHost, runReport, summarise, targetFromEnv, type AlTarget, type ReportTimings } from './report.ts';

const repoDir = path.resolve(import.meta.dirname, '..');
const log = stderrLog;

async function main(): Promise<void> {
	const t0 = Date.now();
	const options = optionsFromEnv(process.env);
	let target = await targetFromEnv(process.env, log);
	let fake: Awaited<ReturnType<typeof startFakeAssemblyline>> | undefined;
	let host: N8nHost | undefined;
	const cleanup = async () => {
		await host?.dispose();
		await fake?.close();
	};
	await withSignals(cleanup, async () => {
		if (!target) {
			const users = defaultUsers();
			fake = await startFakeAssemblyline({ dataset: demoDataset(), users });
			target = { url: fake.url, user: users[0].name, apikey: users[0].apikey, verifyTls: true } satisfies AlTarget;
			log(`No AL_HOST: using the embedded demo Assemblyline on ${fake.url} (${fake.dataset.alertCount()} alerts)`);
		} else {
			log(`Assemblyline: ${target.url} as ${target.user}${target.verifyTls ? '' : ' (TLS certificate not verified)'}`);
		}
		const timings: ReportTimings = {};
		const setupStart = Date.now();
		const prepared = await prepareHost({ repoDir, target, log });
		timings.setupMs = Date.now() - setupStart;
		host = prepared.host;
		const report = await runReport(host, repoDir, options, log, timings);
		const reportStart = Date.now();
		const summary = summarise(report);
		const json = JSON.stringify(report, null, 2) + '\n';
		timings.reportMs = (timings.reportMs ?? 0) + (Date.now() - reportStart);
		log('');
		log(summary);
		log(`\n${formatTimings(timings)}`);
		log(`Done in ${((Date.now() - t0) / 1000).toFixed(0)} s.`);
		process.stdout.write(json);
	});
}

main().catch((e) => {
	if (stoppingOnSignal()) return;
	log(`\nnpm start failed: ${(e as Error).message ?? e}`);
	process.exitCode = 1;
});
