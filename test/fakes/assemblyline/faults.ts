// Scripted faults. A rule matches requests and fires on a schedule; see README.md for what each kind sends.

export const FAULT_KINDS = ['503-concurrency', '503-daily', '502', '504', 'slow', 'reset', 'truncated-json', 'html-200', 'html-500', '401', 'expire-cursor'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRule {
	kind: FaultKind;
	/** RegExp (or its source) tested against the path (without query). */
	path?: RegExp | string;
	method?: string;
	/** Search index for /api/v4/search/<index>/. */
	index?: string;
	/** X-USER of the request. */
	user?: string;
	/** Fire on every nth matching request (counted after `after`). */
	nth?: number;
	/** Fire at most this many times. */
	times?: number;
	/** Skip the first n matching requests. */
	after?: number;
	/** Same as times: 1. */
	once?: boolean;
	/** slow: delay in ms (default 1000). */
	delayMs?: number;
	/** 503-daily / 503-concurrency: the quota in the message. */
	quota?: number;
}

export interface ActiveRule extends FaultRule {
	id: number;
	seen: number;
	fired: number;
}

export interface FaultRequest {
	method: string;
	path: string;
	index?: string;
	user?: string;
	deepPagingId?: string;
}

export class Faults {
	rules: ActiveRule[] = [];
	private nextId = 1;

	add(rule: FaultRule): number {
		if (!FAULT_KINDS.includes(rule.kind)) throw new Error(`unknown fault kind ${rule.kind}`);
		const id = this.nextId++;
		this.rules.push({ ...rule, id, seen: 0, fired: 0 });
		return id;
	}

	remove(id: number): boolean {
		const n = this.rules.length;
		this.rules = this.rules.filter((r) => r.id !== id);
		return this.rules.length !== n;
	}

	clear(): void {
		this.rules = [];
	}

	list(): ActiveRule[] {
		return this.rules.map((r) => ({ ...r, path: r.path instanceof RegExp ? r.path.source : r.path }));
	}

	/** Counts the request against every matching rule; returns the rules that fire (at most one non-slow). */
	match(req: FaultRequest): ActiveRule[] {
		const fired: ActiveRule[] = [];
		for (const r of this.rules) {
			if (r.method && r.method.toUpperCase() !== req.method) continue;
			if (r.path !== undefined && !(r.path instanceof RegExp ? r.path : new RegExp(r.path)).test(req.path)) continue;
			if (r.index !== undefined && r.index !== req.index) continue;
			if (r.user !== undefined && r.user !== req.user) continue;
			if (r.kind === 'expire-cursor' && (!req.deepPagingId || req.deepPagingId === '*')) continue;
			r.seen++;
			const m = r.seen - (r.after ?? 0);
			if (m <= 0) continue;
			if (r.nth && m % r.nth !== 0) continue;
			const limit = r.once ? 1 : (r.times ?? Infinity);
			if (r.fired >= limit) continue;
			if (r.kind !== 'slow' && fired.some((f) => f.kind !== 'slow')) continue;
			r.fired++;
			fired.push(r);
		}
		return fired;
	}
}

export const NGINX_502 = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
export const NGINX_504 = '<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
export const WERKZEUG_500 = '<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.</p>\n';
export const WERKZEUG_405 = '<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n';
/** What an SSO / captive proxy in front of Assemblyline answers with 200. */
export const HTML_200 = '<!DOCTYPE html>\n<html>\n<head><title>Sign in - Corporate SSO</title></head>\n<body><form method="post" action="/oauth2/start"><h1>Sign in to continue</h1><button>Sign in</button></form></body>\n</html>\n';
