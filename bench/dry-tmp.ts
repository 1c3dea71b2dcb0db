import { DIST, require } from './lib/paths.ts';
const { harness, nodeClass } = await import('./lib/n8n.ts');
const { PANOS_KEY } = await import('../test/fakes/firewalls/panos.ts');
harness.registerCredentialType(new (require(`${DIST}/credentials/BlockPanOsApi.credentials.js`).BlockPanOsApi)());
const BlockOnFirewall = nodeClass('BlockOnFirewall') as any;
const credentials = { blockPanOsApi: { url: 'http://127.0.0.1:9', apiKey: PANOS_KEY, vsys: '', ignoreSslIssues: false } };
const values = Array.from({ length: 10_000 }, (_, k) => `23.${Math.floor(k / 62_500) % 250}.${Math.floor(k / 250) % 250}.${(k % 250) + 1}`);
let e0 = 0, e1 = 0;
const orig = BlockOnFirewall.prototype.execute;
BlockOnFirewall.prototype.execute = async function (this: any) { e0 = performance.now(); try { return await orig.call(this); } finally { e1 = performance.now(); } };
for (let rep = 0; rep < Number(process.argv[2] ?? 10); rep++) {
	const t0 = performance.now();
	const { error } = await harness.runNode({ node: new BlockOnFirewall(), parameters: { target: 'panos', operation: 'add', iocType: 'ip', iocValue: '={{ $json.value }}', expiresAt: '', tag: 'n8n-block', options: { expireAfterHours: 24, dryRun: true } }, input: values.map((value) => ({ value })), credentials });
	if (error) throw error;
	const t1 = performance.now();
	console.log(`total ${(t1 - t0).toFixed(0)} exec ${(e1 - e0).toFixed(0)} engine ${(t1 - t0 - (e1 - e0)).toFixed(0)}`);
}
