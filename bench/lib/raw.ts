/** The raw client: undici requests and JSON.parse, nothing else in the way. */
import { Agent, request } from 'undici';

import type { Server } from './n8n.ts';

// One keep-alive pool, like n8n's agent reuse; enough connections for the cases' concurrency.
const dispatcher = new Agent({ connections: 16 });

export async function rawJson<T = unknown>(
	server: Server,
	method: 'GET' | 'POST',
	path: string,
	body?: unknown,
): Promise<T> {
	const response = await request(`${server.url}${path}`, {
		method,
		dispatcher,
		headers: {
			accept: 'application/json',
			'x-user': server.user,
			'x-apikey': server.apikey,
			...(body === undefined ? {} : { 'content-type': 'application/json' }),
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.body.text();
	if (response.statusCode !== 200) throw new Error(`${method} ${path}: HTTP ${response.statusCode} ${text.slice(0, 200)}`);
	return (JSON.parse(text) as { api_response: T }).api_response;
}
