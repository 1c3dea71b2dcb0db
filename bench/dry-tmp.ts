import { DIST, require } from './lib/paths.ts';
const { harness, nodeClass } = await import('./lib/n8n.ts');
harness.registerCredentialType(new (require(`${DIST}/credentials/BlockPanOsApi.credentials.js`).BlockPanOsApi)());
const BlockOnFirewall = nodeClass('BlockOnFirewall');
const values = Array.from({ length: 10_000 }, (_, k) => `23.${Math.floor(k / 62_500) % 250}.${Math.floor(k / 250) % 250}.${(k % 250) + 1}`);
const credentials = { blockPanOsApi: { url: 'http://127.0.0.1:9', apiKey: 'k', vsys: '', ignoreSslIssues: false } };
const times: number[] = [];
for (let rep = 0; rep < 15; rep++) {
	const input = values.map((value) => ({ value }));
	const t0 = performance.now();
	const { error } = await harness.runNode({ node: new BlockOnFirewall(), parameters: { target: 'panos', operation: 'add', iocType: 'ip', iocValue: '={{ $json.value }}', expiresAt: '', tag: 'n8n-block', options: { expireAfterHours: 24, dryRun: true } }, input, credentials });
	if (error) throw error;
	times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
console.log('dry run 10k: min', times[0].toFixed(0), 'median', times[7].toFixed(0), 'ms');
