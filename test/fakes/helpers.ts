// Shared by the fake's own tests.
import type { FakeAssemblyline } from './assemblyline/index.ts';

export interface CallOpts {
	method?: string;
	body?: unknown;
	user?: string | null;
	apikey?: string;
	headers?: Record<string, string>;
}

export async function call(fake: FakeAssemblyline, path: string, o: CallOpts = {}): Promise<{ status: number; json: any; text: string; headers: Headers }> {
	const user = o.user === undefined ? 'svc_soc' : o.user;
	const headers: Record<string, string> = { ...(o.headers ?? {}) };
	if (user !== null) {
		headers['X-USER'] = user;
		headers['X-APIKEY'] = o.apikey ?? fake.users.find((u) => u.name === user)?.apikey ?? 'nope:nope';
	}
	let body: string | undefined;
	if (o.body !== undefined) {
		body = JSON.stringify(o.body);
		headers['Content-Type'] ??= 'application/json';
	}
	const r = await fetch(fake.url + path, { method: o.method ?? (o.body !== undefined ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
	const text = await r.text();
	let json: any;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: r.status, json, text, headers: r.headers };
}

export async function search(fake: FakeAssemblyline, index: string, body: Record<string, unknown>, user?: string) {
	return call(fake, `/api/v4/search/${index}/`, { body, user });
}
