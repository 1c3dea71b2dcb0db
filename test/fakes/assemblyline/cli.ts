// node test/fakes/assemblyline/cli.ts [--port N] [--preset demo|fixtures|generated] [--seed N]
//   [--alerts N] [--submissions N] [--user NAME --apikey KEY] [--concurrency N] [--latency MS]
// Prints one JSON line {url, port, user, apikey} on stdout when listening; logs go to stderr.
import { startFakeAssemblyline, defaultUsers } from './server.ts';
import { fixturesDataset, mergeDatasets } from './dataset.ts';
import { generateDataset } from './generator.ts';
import { demoDataset } from './demo.ts';

function args(argv: string[]): Record<string, string> {
	const out: Record<string, string> = {};
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
		const eq = a.indexOf('=');
		if (eq > 0) out[a.slice(2, eq)] = a.slice(eq + 1);
		else out[a.slice(2)] = argv[++i] ?? '';
	}
	return out;
}

async function main(): Promise<void> {
	const a = args(process.argv.slice(2));
	const preset = a.preset ?? 'demo';
	const fixturesDir = a.fixtures;
	const gen = () => generateDataset({ seed: Number(a.seed ?? 1), alerts: Number(a.alerts ?? 1000), submissions: a.submissions ? Number(a.submissions) : undefined });
	const dataset =
		preset === 'demo' ? demoDataset(fixturesDir)
			: preset === 'fixtures' ? fixturesDataset(fixturesDir)
				: preset === 'generated' ? gen()
					: preset === 'fixtures+generated' ? mergeDatasets(fixturesDataset(fixturesDir), gen())
						: null;
	if (!dataset) throw new Error(`unknown preset ${preset}`);
	const users = defaultUsers(fixturesDir);
	if (a.user || a.apikey) {
		const name = a.user ?? 'svc_soc';
		const existing = users.find((u) => u.name === name);
		if (existing) existing.apikey = a.apikey ?? existing.apikey;
		else users.unshift({ ...users[0], name, apikey: a.apikey ?? users[0].apikey });
	}
	const main = users.find((u) => u.name === (a.user ?? 'svc_soc'))!;
	const fake = await startFakeAssemblyline({
		port: Number(a.port ?? 0), dataset, users, fixturesDir,
		concurrencyQuota: a.concurrency !== undefined ? Number(a.concurrency) : undefined,
		latencyMs: a.latency !== undefined ? Number(a.latency) : undefined,
		log: (m) => process.stderr.write(m + '\n'),
	});
	process.stderr.write(`fake Assemblyline (${preset}, ${fake.dataset.alertCount()} alerts) listening on ${fake.url}\n`);
	process.stdout.write(JSON.stringify({ url: fake.url, port: fake.port, user: main.name, apikey: main.apikey }) + '\n');
	let closing = false;
	const stop = (sig: string) => {
		if (closing) return;
		closing = true;
		process.stderr.write(`${sig}: closing\n`);
		fake.close().then(() => process.exit(0));
	};
	process.on('SIGTERM', () => stop('SIGTERM'));
	process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e) => {
	process.stderr.write(`${(e as Error).stack ?? e}\n`);
	process.exit(1);
});
