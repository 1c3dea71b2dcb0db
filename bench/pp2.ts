// One-off profile helper for case 7 (PAN-OS): the node pushing 10,000 IPs, then the raw replay.
// The fake runs in its own process as in the bench; IN_PROCESS=1 runs it in this one (the old setup).
import { request } from 'undici';

import { DIST, require } from '/work/main/bench/lib/paths.ts';

const { harness, nodeClass } = await import('/work/main/bench/lib/n8n.ts');
const { startFakePanos, PANOS_KEY } = await import('/work/main/test/fakes/firewalls/panos.ts');
const { startFirewallFakes, replay, PANOS_CONCURRENCY } = await import('/work/main/bench/cases/push.ts');
harness.registerCredentialType(new (require(`${DIST}/credentials/BlockPanOsApi.credentials.js`).BlockPanOsApi)());
const BlockOnFirewall = nodeClass('BlockOnFirewall');
const local = process.env.IN_PROCESS ? await startFakePanos() : undefined;
const remote = local ? undefined : await startFirewallFakes();
const panos = {
	url: local?.url ?? remote!.urls.panos,
	reset: async () => (local ? local.reset() : await remote!.reset('panos')),
	close: async () => (local ? await local.close() : await remote!.close()),
};
const credentials = { blockPanOsApi: { url: panos.url, apiKey: PANOS_KEY, vsys: '', ignoreSslIssues: false } };
const values = Array.from({ length: 10_000 }, (_, k) => `23.${Math.floor(k / 62_500) % 250}.${Math.floor(k / 250) % 250}.${(k % 250) + 1}`);
const push = async (dryRun: boolean) => {
	const { outputs, error } = await harness.runNode({
		node: new BlockOnFirewall(),
		parameters: { target: 'panos', operation: 'add', iocType: 'ip', iocValue: '={{ $json.value }}', expiresAt: '', tag: 'n8n-block', options: { expireAfterHours: 24, dryRun } },
		input: values.map((value) => ({ value })),
		credentials,
	});
	if (error) throw error;
	return outputs[0].map((item) => item.json as Record<string, unknown>);
};
for (let rep = 0; rep < Number(process.argv[2] ?? 3); rep++) {
	await panos.reset();
	let t0 = performance.now();
	globalThis.__T=[]; await push(false); const T=globalThis.__T; globalThis.__T=undefined;
	const nodeMs = performance.now() - t0;
	await panos.reset();
	if (process.env.NODE_ONLY) { console.log(`node ${nodeMs.toFixed(0)} ms`, T.map(x=>x.join(":")).join(" ")); continue; }
	const planned = await push(true);
	t0 = performance.now();
	await replay(planned, Number(process.env.LANES ?? PANOS_CONCURRENCY), async (r) => {
		const response = await request(String(r.url), { method: 'POST', headers: { 'x-pan-key': PANOS_KEY, 'content-type': 'application/x-www-form-urlencoded' }, body: Object.entries(r.body as Record<string, string>).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&') });
		await response.body.text();
	});
	const rawMs = performance.now() - t0;
	console.log(`node ${nodeMs.toFixed(0)} ms, raw ${rawMs.toFixed(0)} ms, ratio ${(nodeMs / rawMs).toFixed(2)}`);
}
await panos.close();
