/**
 * Fake CrowdStrike Falcon IOC management API, from CrowdStrike/falconpy
 * (src/falconpy/_endpoint/_ioc.py, _payload/_ioc.py), CrowdStrike/rusty-falcon (models
 * api_indicator_v1.rs, msa_api_error.rs) and CrowdStrike/psfalcon (public/iocs.ps1, wiki New-FalconIoc):
 * - `POST /oauth2/token` (form `client_id`, `client_secret`) → a bearer token for 30 minutes;
 * - `GET /iocs/combined/indicator/v1?filter=<FQL>&limit=` (limit 1 to 2,000) → `{resources:[indicator], errors:[]}`;
 * - `POST /iocs/entities/indicators/v1` `{comment, indicators:[{type, value, action, platforms, severity,
 *   expiration, applied_globally, …}]}` (PSFalcon sends at most 2,000) → `{resources, errors}`;
 * - `PATCH /iocs/entities/indicators/v1` `{indicators:[{id, expiration, …}]}`;
 * - `DELETE /iocs/entities/indicators/v1?ids=…` → the deleted ids;
 * - on expiry the action becomes `no_action` and the indicator stays until deleted;
 * - the API client needs the scope "IOC Manager APIs: Write", else 403.
 * Not documented, so chosen here: the error for creating a value that exists (400 with an `errors`
 * entry), and the FQL subset (`type:'ipv4'+value:['a','b']`, `value:'a'`).
 */
import { isIP } from 'node:net';

import { FakeServer, noteEntries, type FakeReply, type FakeRequest } from './framework.ts';

export const FALCON_CLIENT_ID = '3f9c2a7b1e5d4c6a8b0f2e4d6c8a0b1c';
export const FALCON_SECRET = 'Falcon0SECRETk3Jd82hQ7mZp4Lw9Vx1Rt6Yb';
/** An API client without the IOC Manager write scope. */
export const FALCON_READONLY_ID = '7a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d';

const TYPES = new Set(['ipv4', 'ipv6', 'domain', 'md5', 'sha256']);
const ACTIONS = new Set(['no_action', 'allow', 'prevent_no_ui', 'detect', 'prevent']);
const MAX_BATCH = 2000;

export interface FalconIndicator {
	id: string;
	type: string;
	value: string;
	action: string;
	severity?: string;
	platforms?: string[];
	expiration?: string;
	expired: boolean;
	applied_globally?: boolean;
	created_on: string;
	modified_on: string;
}

const fail = (status: number, message: string): FakeReply => ({ status, body: { meta: {}, resources: [], errors: [{ code: status, message }] } });

export class FakeCrowdStrike extends FakeServer {
	readonly indicators = new Map<string, FalconIndicator>();

	readonly clients = new Map<string, { secret: string; scopes: string[] }>([
		[FALCON_CLIENT_ID, { secret: FALCON_SECRET, scopes: ['ioc:write', 'ioc:read'] }],
		[FALCON_READONLY_ID, { secret: FALCON_SECRET, scopes: ['ioc:read'] }],
	]);

	private readonly tokens = new Map<string, { scopes: string[]; expiresAt: number }>();

	private nextId = 1;

	constructor() {
		super('CrowdStrike Falcon');
		this.route('POST', /^\/oauth2\/token$/, (req) => this.token(req), 'token');
		this.route('GET', /^\/iocs\/combined\/indicator\/v1$/, (req) => this.authorised(req, 'ioc:read', () => this.search(req)), 'api');
		this.route('POST', /^\/iocs\/entities\/indicators\/v1$/, (req) => this.authorised(req, 'ioc:write', () => this.create(req)), 'api');
		this.route('PATCH', /^\/iocs\/entities\/indicators\/v1$/, (req) => this.authorised(req, 'ioc:write', () => this.update(req)), 'api');
		this.route('DELETE', /^\/iocs\/entities\/indicators\/v1$/, (req) => this.authorised(req, 'ioc:write', () => this.remove(req)), 'api');
	}

	/** Indicators, expired ones turned to no_action as Falcon does. */
	all(): FalconIndicator[] {
		this.expire();
		return [...this.indicators.values()];
	}

	reset(): void {
		this.indicators.clear();
		this.tokens.clear();
		this.clock.reset();
		this.resetLog();
	}

	private expire(): void {
		const now = this.clock.now();
		for (const i of this.indicators.values()) {
			if (i.expiration && !i.expired && Date.parse(i.expiration) <= now) {
				i.expired = true;
				i.action = 'no_action';
			}
		}
	}

	private token(req: FakeRequest): FakeReply {
		const client = this.clients.get(req.form.get('client_id') ?? '');
		if (!client || client.secret !== req.form.get('client_secret')) return fail(403, 'access denied, authorization failed');
		const token = `falcon-${Math.random().toString(36).slice(2)}${Date.now()}`;
		this.tokens.set(token, { scopes: client.scopes, expiresAt: this.clock.now() + 1_799_000 });
		return { status: 201, body: { access_token: token, token_type: 'bearer', expires_in: 1799 } };
	}

	private authorised(req: FakeRequest, scope: string, handler: () => FakeReply): FakeReply {
		const token = /^Bearer (.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
		const grant = token ? this.tokens.get(token) : undefined;
		if (!grant || grant.expiresAt <= this.clock.now()) return fail(401, 'access denied, invalid bearer token');
		if (!grant.scopes.includes(scope)) return fail(403, 'access denied, authorization failed');
		this.expire();
		return handler();
	}

	/** The FQL subset: `field:'v'` or `field:['a','b']`, joined by `+` (and). */
	private matches(filter: string): ((i: FalconIndicator) => boolean) | null {
		const clauses = filter.split('+').map((c) => /^(\w+):(?:'((?:[^'\\]|\\.)*)'|\[((?:'(?:[^'\\]|\\.)*',?)*)\])$/.exec(c.trim()));
		if (clauses.some((c) => c === null)) return null;
		const tests = clauses.map((c) => {
			const values = c![2] !== undefined ? [c![2]] : [...c![3].matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) => m[1]);
			return (i: FalconIndicator) => values.includes(String((i as unknown as Record<string, unknown>)[c![1]]));
		});
		return (i) => tests.every((t) => t(i));
	}

	private search(req: FakeRequest): FakeReply {
		const limit = Number(req.query.get('limit') ?? 100);
		if (!(limit >= 1 && limit <= MAX_BATCH)) return fail(400, `limit must be between 1 and ${MAX_BATCH}`);
		const filter = req.query.get('filter');
		const test = filter ? this.matches(filter) : () => true;
		if (!test) return fail(400, `Invalid filter: ${filter}`);
		const offset = Number(req.query.get('offset') ?? 0);
		const rows = [...this.indicators.values()].filter(test);
		return { status: 200, body: { meta: { pagination: { offset, limit, total: rows.length } }, resources: rows.slice(offset, offset + limit), errors: [] } };
	}

	private create(req: FakeRequest): FakeReply {
		const list = (req.json as { indicators?: unknown } | undefined)?.indicators;
		if (!Array.isArray(list) || list.length === 0) return fail(400, 'indicators is required');
		if (list.length > MAX_BATCH) return fail(400, `At most ${MAX_BATCH} indicators per request`);
		noteEntries(this, list.length);
		const resources: FalconIndicator[] = [];
		const errors: Array<{ code: number; message: string; id?: string }> = [];
		const now = new Date(this.clock.now()).toISOString();
		for (const raw of list as Array<Record<string, unknown>>) {
			const type = String(raw.type);
			const value = String(raw.value ?? '');
			let problem: string | null = null;
			if (!TYPES.has(type)) problem = `Invalid type ${type}`;
			else if (!ACTIONS.has(String(raw.action))) problem = `Invalid action ${String(raw.action)}`;
			else if ((type === 'ipv4' && isIP(value) !== 4) || (type === 'ipv6' && isIP(value) !== 6)) problem = `Invalid ${type} value ${value}`;
			else if (raw.applied_globally !== true && !Array.isArray(raw.host_groups)) problem = 'applied_globally or host_groups is required';
			else if ([...this.indicators.values()].some((i) => i.type === type && i.value === value)) problem = `Duplicate type: '${type}' and value: '${value}' combination.`;
			if (problem) {
				errors.push({ code: 400, message: problem });
				continue;
			}
			const indicator: FalconIndicator = {
				id: (this.nextId++).toString(16).padStart(64, '0'),
				type,
				value,
				action: String(raw.action),
				severity: raw.severity as string | undefined,
				platforms: raw.platforms as string[] | undefined,
				expiration: raw.expiration as string | undefined,
				expired: false,
				applied_globally: raw.applied_globally as boolean | undefined,
				created_on: now,
				modified_on: now,
			};
			this.indicators.set(indicator.id, indicator);
			resources.push(indicator);
		}
		return { status: errors.length > 0 && resources.length === 0 ? 400 : 201, body: { meta: {}, resources, errors } };
	}

	private update(req: FakeRequest): FakeReply {
		const list = (req.json as { indicators?: unknown } | undefined)?.indicators;
		if (!Array.isArray(list) || list.length === 0) return fail(400, 'indicators is required');
		noteEntries(this, list.length);
		const resources: FalconIndicator[] = [];
		const errors: Array<{ code: number; message: string; id?: string }> = [];
		for (const raw of list as Array<Record<string, unknown>>) {
			const found = this.indicators.get(String(raw.id));
			if (!found) {
				errors.push({ code: 404, message: 'Indicator not found', id: String(raw.id) });
				continue;
			}
			for (const field of ['action', 'severity', 'platforms', 'expiration', 'description'] as const) {
				if (raw[field] !== undefined) (found as unknown as Record<string, unknown>)[field] = raw[field];
			}
			found.expired = false;
			found.modified_on = new Date(this.clock.now()).toISOString();
			resources.push(found);
		}
		return { status: 200, body: { meta: {}, resources, errors } };
	}

	private remove(req: FakeRequest): FakeReply {
		const ids = req.query.getAll('ids');
		if (ids.length === 0) return fail(400, 'ids or filter is required');
		noteEntries(this, ids.length);
		const deleted = ids.filter((id) => this.indicators.delete(id));
		return { status: 200, body: { meta: {}, resources: deleted, errors: ids.filter((id) => !deleted.includes(id)).map((id) => ({ code: 404, message: 'Indicator not found', id })) } };
	}
}

export async function startFakeCrowdStrike(): Promise<FakeCrowdStrike> {
	return await new FakeCrowdStrike().start();
}
