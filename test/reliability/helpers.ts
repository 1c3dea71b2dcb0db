// Shared by the reliability suite (faults, load, secrets).
import type { IHttpRequestOptions, INodeType } from 'n8n-workflow';

import type { FakeAssemblyline, RecordedRequest } from '../fakes/assemblyline/index.ts';

/**
 * The node as it is, except that n8n's HTTP helper gets `timeoutMs` instead of the transport's 60 s
 * default. None of the Assemblyline nodes offers a timeout parameter, so this is the only way to
 * see "a response slower than the timeout" at the node level without waiting a minute per attempt.
 * Everything else (the node's code, the transport, n8n's axios stack and its timeout) is untouched.
 */
export function withHttpTimeout<T extends INodeType>(node: T, timeoutMs: number): T {
	const shim = Object.create(node) as T;
	if (node.execute) {
		shim.execute = function (this: never) {
			return node.execute!.call(shortTimeouts(this, timeoutMs));
		} as T['execute'];
	}
	if (node.poll) {
		shim.poll = function (this: never) {
			return node.poll!.call(shortTimeouts(this, timeoutMs));
		} as T['poll'];
	}
	return shim;
}

function bound(target: object, prop: string | symbol): unknown {
	const value = Reflect.get(target, prop, target);
	return typeof value === 'function' ? value.bind(target) : value;
}

function shortTimeouts<C extends object>(context: C, timeoutMs: number): C {
	return new Proxy(context, {
		get(target, prop) {
			if (prop !== 'helpers') return bound(target, prop);
			const helpers = (target as { helpers: Record<string, unknown> }).helpers;
			return new Proxy(helpers, {
				get(h, p) {
					if (p !== 'httpRequestWithAuthentication') return bound(h, p);
					const original = h.httpRequestWithAuthentication as (...args: unknown[]) => Promise<unknown>;
					return function (this: unknown, type: string, options: IHttpRequestOptions, ...rest: unknown[]) {
						const timeout = Math.min(options.timeout ?? Infinity, timeoutMs);
						return original.call(this, type, { ...options, timeout }, ...rest);
					};
				},
			});
		},
	});
}

export function credentialsFor(fake: FakeAssemblyline) {
	const user = fake.users[0];
	return { assemblylineApi: { url: fake.url, username: user.name, apiKey: user.apikey } };
}

/** Requests that a scripted fault answered (the `slow` kind included). */
export function faulted(fake: FakeAssemblyline, kind?: string): RecordedRequest[] {
	return fake.requests.filter((r) => r.fault !== undefined && (kind === undefined || r.fault.split('+').includes(kind)));
}

export function sorted(list: string[]): string[] {
	return [...list].sort();
}
