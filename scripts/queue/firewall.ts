// A firewall / Slack recorder for the queue-mode test, with a hold switch: while held, blocklist calls are
// recorded on arrival but not answered (a slow firewall), so an execution can be caught in the middle
// of its "Block on Firewall" step. `released` / `aborted` tell what became of each held call.
// (test/fakes/firewall.ts has no hold; this one is a superset for this script.)
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FirewallCall {
	n: number;
	at: number;
	method: string;
	path: string;
	body: any;
	/** 'answered' | 'held' (still waiting) | 'aborted' (the caller went away before the answer). */
	state: 'answered' | 'held' | 'aborted';
}

export interface HoldingFirewall {
	url: string;
	calls: FirewallCall[];
	callsTo(prefix: string): FirewallCall[];
	/** Hold blocklist calls (paths containing /blocklist) from now on. */
	hold(): void;
	/** Stop holding new calls; the ones held so far stay held until release(). */
	stopHoldingNew(): void;
	/** Answer every held call and stop holding. */
	release(): void;
	close(): Promise<void>;
}

export async function startHoldingFirewall(): Promise<HoldingFirewall> {
	const calls: FirewallCall[] = [];
	let holding = false;
	const waiting: Array<() => void> = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const raw = Buffer.concat(chunks).toString('utf8');
			let body: any = raw;
			try {
				body = raw ? JSON.parse(raw) : undefined;
			} catch { /* text */ }
			const call: FirewallCall = { n: calls.length + 1, at: Date.now(), method: req.method ?? '', path: req.url ?? '/', body, state: 'held' };
			calls.push(call);
			const answer = () => {
				if (call.state !== 'held') return;
				call.state = 'answered';
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ ok: true, id: call.n }));
			};
			res.on('close', () => {
				if (call.state === 'held') call.state = 'aborted';
			});
			if (holding && call.path.includes('/blocklist')) waiting.push(answer);
			else answer();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	return {
		url: `http://127.0.0.1:${port}`,
		calls,
		callsTo: (prefix) => calls.filter((c) => c.path.startsWith(prefix)),
		hold: () => {
			holding = true;
		},
		stopHoldingNew: () => {
			holding = false;
		},
		release: () => {
			holding = false;
			for (const w of waiting.splice(0)) w();
		},
		close: () =>
			new Promise<void>((resolve) => {
				holding = false;
				for (const w of waiting.splice(0)) w();
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
