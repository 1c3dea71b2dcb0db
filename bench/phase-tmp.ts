import { request } from 'undici';
import { DIST, require } from './lib/paths.ts';
const { harness, nodeClass } = await import('./lib/n8n.ts');
const { PANOS_KEY } = await import('../test/fakes/firewalls/panos.ts');
const { startFirewallFakes } = await import('./cases/push.ts');
harness.registerCredentialType(new (require(`${DIST}/credentials/BlockPanOsApi.credentials.js`).BlockPanOsApi)());
const BlockOnFirewall = nodeClass('BlockOnFirewall') as any;
const fakes = await startFirewallFakes();
const credentials = { blockPanOsApi: { url: fakes.urls.panos, apiKey: PANOS_KEY, vsys: '', ignoreSslIssues: false } };
const values = Array.from({ length: 10_000 }, (_, k) => `23.${Math.floor(k / 62_500) % 250}.${Math.floor(k / 250) % 250}.${(k % 250) + 1}`);
let ex0 = 0, ex1 = 0, http = 0, n = 0;
const orig = BlockOnFirewall.prototype.execute;
BlockOnFirewall.prototype.execute = async function (this: any) {
	ex0 = performance.now(); http = 0; n = 0;
	const h = this.helpers.httpRequestWithAuthentication;
	this.helpers.httpRequestWithAuthentication = async function (this: any, ...a: any[]) { const t = performance.now(); try { return await h.apply(this, a); } finally { http += performance.now() - t; n++; } };
	try { return await orig.call(this); } finally { ex1 = performance.now(); }
};
const push = async (dryRun: boolean) => {
	const { outputs, error } = await harness.runNode({ node: new BlockOnFirewall(), parameters: { target: 'panos', operation: 'add', iocType: 'ip', iocValue: '={{ $json.value }}', expiresAt: '', tag: 'n8n-block', options: { expireAfterHours: 24, dryRun } }, input: values.map((value) => ({ value })), credentials });
	if (error) throw error;
	return outputs[0].map((item) => item.json as Record<string, unknown>);
};
for (let rep = 0; rep < Number(process.argv[2] ?? 3); rep++) {
	await fakes.reset('panos');
	const t0 = performance.now();
	await push(false);
	const t1 = performance.now();
	const [a0, a1, ah, an] = [ex0, ex1, http, n];
	await fakes.reset('panos');
	const planned = await push(true);
	const t2 = performance.now();
	for (const r of planned) { const response = await request(String(r.url), { method: 'POST', headers: { 'x-pan-key': PANOS_KEY, 'content-type': 'application/x-www-form-urlencoded' }, body: Object.entries(r.body as Record<string, string>).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&') }); await response.body.text(); }
	const raw = performance.now() - t2;
	console.log(`total ${(t1 - t0).toFixed(0)} | pre ${(a0 - t0).toFixed(0)} exec ${(a1 - a0).toFixed(0)} (http ${ah.toFixed(0)} x${an}) post ${(t1 - a1).toFixed(0)} | raw ${raw.toFixed(0)}`);
}
await fakes.close();
