// A fake firewall / webhook recorder on 127.0.0.1: records every request (method, path, headers, JSON
// body) and answers 200 {"ok": true}. The e2e tests point the example workflows' "Block on Firewall"
// HTTP Request node (and the Slack step, rewritten to an HTTP call) at it.
// Node built-ins only; runs under jest and directly under Node 24.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
	n: number;
	method: string;
	path: string;
	headers: http.IncomingHttpHeaders;
	body: unknown;
	rawBody: string;
}

export interface FakeFirewall {
	url: string;
	port: number;
	calls: RecordedCall[];
	/** Calls whose path starts with `prefix`. */
	callsTo(prefix: string): RecordedCall[];
	reset(): void;
	close(): Promise<void>;
}

export async function startFakeFirewall(opts: { port?: number; status?: number } = {}): Promise<FakeFirewall> {
	const calls: RecordedCall[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const rawBody = Buffer.concat(chunks).toString('utf8');
			let body: unknown = rawBody;
			try {
				body = rawBody ? JSON.parse(rawBody) : undefined;
			} catch { /* keep the text */ }
			const url = new URL(req.url ?? '/', 'http://fake');
			if (req.method === 'GET' && url.pathname === '/__calls') {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify(calls));
				return;
			}
			calls.push({ n: calls.length + 1, method: req.method ?? '', path: url.pathname + url.search, headers: req.headers, body, rawBody });
			res.writeHead(opts.status ?? 200, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ ok: true, id: calls.length }));
		});
	});
	await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		calls,
		callsTo: (prefix) => calls.filter((c) => c.path.startsWith(prefix)),
		reset: () => {
			calls.length = 0;
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
