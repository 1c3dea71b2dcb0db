// The fake Assemblyline HTTP server (assemblyline-ui api/base.py and api/v4/) with fault injection and a control API.
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Dataset, fixturesDataset, mergeDatasets } from './dataset.ts';
import type { AlertChanges, FakeWorkflow, MakeAlertOptions } from './dataset.ts';
import type { DatasetInput } from './generator.ts';
import { loadFixtureFiles } from './fixtures.ts';
import { Faults, HTML_200, NGINX_502, NGINX_504, WERKZEUG_405, WERKZEUG_500 } from './faults.ts';
import type { ActiveRule, FaultRule } from './faults.ts';
import { SearchEngine, SearchError } from './search.ts';
import type { Rec, SearchParams, SearchSource } from './search.ts';
import type { SubmissionSpec } from './model.ts';
import { isoMicro, parseDate } from './util.ts';
import { submit } from './submit.ts';
import type { SubmitOptions } from './submit.ts';
import { HashList, hashListRoutes } from './hashlists.ts';
import type { HashListName } from './hashlists.ts';

export const API_SERVER_VERSION = '4.7.4.stable9';

export interface FakeUser {
	name: string;
	/** "<key_name>:<secret>" */
	apikey: string;
	roles?: string[];
	fullName?: string;
	email?: string;
	isAdmin?: boolean;
	/** Daily API call quota (0 = unlimited). */
	dailyQuota?: number;
	/** Concurrent API call quota (overrides the server default). */
	concurrencyQuota?: number;
	/** When the user accepted the Terms of Service (ISO date); matters only with `FakeOptions.tos`. */
	agreesWithTos?: string;
}

export interface FakeOptions extends SubmitOptions {
	/** 0 (default) picks a random port. Always bound to 127.0.0.1. */
	port?: number;
	users?: FakeUser[];
	/** Data set(s), merged. Default: the fixture story. */
	dataset?: DatasetInput | DatasetInput[];
	fixturesDir?: string;
	/** Per-user in-flight limit (default 10, like ui.default_quotas.concurrent_api_calls); 0 disables. */
	concurrencyQuota?: number;
	/** Default daily API call quota per user (default 0 = unlimited). */
	dailyQuota?: number;
	now?: () => number;
	/** Deep-paging point-in-time keep-alive (default 5 min, like the server's "5m"). */
	deepPagingKeepAliveMs?: number;
	/** Added to every API request after the quota check (makes requests overlap in tests and benchmarks). */
	latencyMs?: number;
	/** Keep at most this many recorded requests (default 10000, oldest dropped). */
	maxRecorded?: number;
	/** sids whose summary/ontology is refused with the classification 403. */
	restrictedSids?: string[];
	/**
	 * The server has Terms of Service (`ui.tos` set): a user without `agreesWithTos` gets 403 on every
	 * call but whoami, help/tos, user/tos/<own name> and logout (UI api/base.py api_login).
	 */
	tos?: boolean;
	/**
	 * sids whose summary hides sections from the caller's classification: `filtered: true`, and the
	 * IoCs of the listed tag values are dropped (assemblyline-base datastore/helper.py get_summary_from_keys).
	 */
	filteredSids?: Record<string, string[]>;
	/**
	 * Run Assemblyline's workflow manager (assemblyline-core workflow/run_workflow.py) on the fake's
	 * clock: a pass every 30 s that applies the DEFAULT workflow and the stored ones, then sets
	 * workflows_completed. Off by default (true also starts it; a number is the pass interval in ms).
	 */
	workflowManager?: boolean | number;
	/** core.alerter.delay in seconds (default 300): /api/v4/alert/list/ hides younger alerts. */
	alerterDelaySec?: number;
	log?: (msg: string) => void;
}

export interface RecordedRequest {
	n: number;
	method: string;
	path: string;
	query: Record<string, string | string[]>;
	body: unknown;
	status: number;
	user: string | null;
	ts: string;
	fault?: string;
}

export interface FakeAssemblyline {
	url: string;
	port: number;
	dataset: Dataset;
	faults: Faults;
	requests: RecordedRequest[];
	users: FakeUser[];
	search: SearchEngine;
	/** Assemblyline's safelist and badlist (hashlists.ts): entries by key, as the API stores them. */
	safelist: HashList;
	badlist: HashList;
	/** The fake's clock (options.now plus any control-API adjustment). */
	now(): number;
	setClock(c: { now?: string | number; advanceMs?: number }): number;
	inFlight(user: string): number;
	/** The most requests of this user in flight at once since the start (or the last reset). */
	maxInFlight(user: string): number;
	clearRequests(): void;
	/** Data set, faults, requests, cursors, quotas and clock back to the start. */
	reset(): void;
	close(): Promise<void>;
}

export const DEFAULT_APIKEY = 'n8n_test:Xk4p!Qe7Lm2Zr9Tb6Wc3Yd8Vf5Gh1Jn0Ks4Ap7Bq2Cr6Ds9E';

export function defaultUsers(fixturesDir?: string): FakeUser[] {
	const who = loadFixtureFiles(fixturesDir).whoami.api_response as Rec;
	const roles = who.roles as string[];
	return [
		{ name: 'svc_soc', apikey: DEFAULT_APIKEY, roles, fullName: String(who.name), email: String(who.email) },
		{ name: 'viewer', apikey: 'ro_key:Vw8!Hq3Zp6Lm1Rt4Yc7Bn2Xs5Df9Gk0Jw3Ea6Ub8Ci1Ov4P', roles: ['alert_view', 'submission_view'], fullName: 'Read Only' },
		{ name: 'admin', apikey: 'admin_key:Ad9!Mn2Bv5Cx8Zl1Kj4Hg7Fd0Sa3Qw6Er9Ty2Ui5Op8As1D', roles: [...roles, 'administration', 'apikey_access'], fullName: 'Administrator', isAdmin: true },
	];
}

const INDEX_ROLE: Record<string, string> = {
	alert: 'alert_view', badlist: 'badlist_view', file: 'submission_view', heuristic: 'heuristic_view', result: 'submission_view',
	signature: 'signature_view', submission: 'submission_view', safelist: 'safelist_view', workflow: 'workflow_view', retrohunt: 'retrohunt_view',
	emptyresult: 'administration', error: 'administration', user: 'administration', apikey: 'administration',
};
const INDEX_SORT: Record<string, string> = {
	badlist: 'added desc', file: 'seen.last desc', heuristic: 'heur_id asc', result: 'created desc', signature: 'type asc',
	safelist: 'added desc', workflow: 'last_seen desc', retrohunt: 'created_time desc', emptyresult: 'expiry_ts asc', error: 'created desc', user: 'uname asc',
};

const UNAUTH_BODY = { allow_saml_login: false, allow_signup: false, allow_userpass_login: true };
const FORBIDDEN_BODY = {
	auth: { allow_2fa: true, allow_apikeys: true, allow_security_tokens: true },
	ui: { allow_url_submissions: true, read_only: false, tos: false, tos_lockout: false, tos_lockout_notify: false },
};

export interface Reply {
	status: number;
	headers: Record<string, string | string[]>;
	body: string | Buffer;
}

export function envelope(status: number, response: unknown, error = '', apiStatus = status): Reply {
	return {
		status,
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ api_error_message: error, api_response: response, api_server_version: API_SERVER_VERSION, api_status_code: apiStatus }),
	};
}
const html = (status: number, body: string): Reply => ({ status, headers: { 'content-type': 'text/html; charset=utf-8' }, body });

export interface Ctx {
	method: string;
	path: string;
	query: URLSearchParams;
	body: unknown;
	bodyError: boolean;
	rawBody: Buffer;
	contentType: string;
	user: FakeUser | null;
}

export interface Route {
	re: RegExp;
	methods: string[];
	auth: boolean;
	role?: (m: RegExpExecArray, ctx: Ctx) => string | null;
	json?: boolean;
	handle: (m: RegExpExecArray, ctx: Ctx) => Reply;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function startFakeAssemblyline(options: FakeOptions = {}): Promise<FakeAssemblyline> {
	const fixturesDir = options.fixturesDir;
	const whoamiBase = loadFixtureFiles(fixturesDir).whoami.api_response as Rec;
	const users = options.users ?? defaultUsers(fixturesDir);
	const baseNow = options.now ?? Date.now;
	const clock: { fixed?: number; offset: number } = { offset: 0 };
	const now = () => (clock.fixed !== undefined ? clock.fixed : baseNow() + clock.offset);
	const input = options.dataset === undefined ? fixturesDataset(fixturesDir) : Array.isArray(options.dataset) ? mergeDatasets(...options.dataset) : options.dataset;
	const dataset = new Dataset(input, now);
	for (const [sid, values] of Object.entries(options.filteredSids ?? {})) dataset.filtered.set(sid, values);
	if (options.workflowManager) dataset.startWorkflowManager(typeof options.workflowManager === 'number' ? options.workflowManager : 30_000);
	const alerterDelayMs = (options.alerterDelaySec ?? 300) * 1000;
	const faults = new Faults();
	const engine = new SearchEngine(options.deepPagingKeepAliveMs ?? 300_000, now);
	const requests: RecordedRequest[] = [];
	const maxRecorded = options.maxRecorded ?? 10_000;
	const inflight = new Map<string, number>();
	const maxInflight = new Map<string, number>();
	const daily = new Map<string, { day: number; count: number }>();
	const sessions = new Map<string, FakeUser>();
	const restricted = new Set(options.restrictedSids ?? []);
	const hashLists: Record<HashListName, HashList> = { safelist: new HashList('safelist', now), badlist: new HashList('badlist', now) };
	const log = options.log ?? (() => {});
	let recCounter = 0;

	const findUser = (name: string | undefined, key: string | undefined): FakeUser | null => {
		if (!name || !key) return null;
		const u = users.find((x) => x.name === name);
		return u && u.apikey === key ? u : null;
	};
	const hasRole = (u: FakeUser, role: string) => !!u.isAdmin || (u.roles ?? []).includes(role);
	const concurrencyQuotaOf = (u: FakeUser) => u.concurrencyQuota ?? options.concurrencyQuota ?? 10;
	const dailyQuotaOf = (u: FakeUser) => u.dailyQuota ?? options.dailyQuota ?? 0;

	// --- handlers ------------------------------------------------------------------------------------
	const submissionView = () => 'submission_view';
	const sid404 = (sid: string) => envelope(404, '', `Submission ID ${sid} does not exists.`);

	function searchParams(ctx: Ctx): SearchParams | Reply {
		const src: Rec = ctx.method === 'POST' ? ((ctx.body as Rec) ?? {}) : {};
		if (ctx.method === 'GET') {
			for (const k of new Set(ctx.query.keys())) src[k] = k === 'filters' ? ctx.query.getAll(k) : ctx.query.get(k);
		}
		const query = src.query;
		if (query === undefined || query === null || String(query).trim() === '') return envelope(400, '', 'There was no search query.');
		const num = (v: unknown, d: number) => (v === undefined || v === null || v === '' ? d : Number(v));
		const offset = num(src.offset, 0);
		const rows = num(src.rows, 25);
		if (!Number.isInteger(offset) || !Number.isInteger(rows)) return envelope(400, '', `invalid literal for int() with base 10: '${Number.isInteger(offset) ? src.rows : src.offset}'`);
		let filters = src.filters ?? [];
		if (typeof filters === 'string') filters = [filters];
		return {
			query: String(query), filters: (filters as unknown[]).map(String), offset, rows,
			sort: src.sort ? String(src.sort) : undefined, fl: src.fl ? String(src.fl) : undefined,
			deep_paging_id: src.deep_paging_id ? String(src.deep_paging_id) : undefined, track_total_hits: src.track_total_hits,
		};
	}

	const emptySource = (name: string): SearchSource<{ seq: number }> => ({ name, items: [], load: () => ({}), idOf: () => '', defaultSort: INDEX_SORT[name] ?? 'id asc', stored: [] });

	const routes: Route[] = [
		{ re: /^\/api\/$/, methods: ['GET'], auth: true, handle: () => envelope(200, ['v4']) },
		{
			re: /^\/api\/v4\/auth\/login\/$/, methods: ['POST'], auth: false, json: true,
			handle: (_m, ctx) => {
				const b = (ctx.body ?? {}) as Rec;
				const u = findUser(b.user as string, b.apikey as string);
				if (!u) return envelope(401, '', 'Invalid user or APIKey');
				const token = randomBytes(16).toString('hex');
				sessions.set(token, u);
				const r = envelope(200, { username: u.name, roles_limit: u.roles ?? [], session_duration: 3600 });
				r.headers['set-cookie'] = [`session=${token}; HttpOnly; Path=/`, `XSRF-TOKEN=${randomBytes(8).toString('hex')}; Path=/`];
				return r;
			},
		},
		{ re: /^\/api\/v4\/auth\/logout\/$/, methods: ['GET'], auth: true, handle: () => envelope(200, { success: true }) },
		{
			re: /^\/api\/v4\/user\/whoami\/$/, methods: ['GET'], auth: true,
			handle: (_m, ctx) => {
				const u = ctx.user!;
				const configuration = whoamiBase.configuration as Rec;
				return envelope(200, {
					...whoamiBase, username: u.name, name: u.fullName ?? u.name, email: u.email ?? `${u.name}@corp.example.com`, roles: u.roles ?? [],
					is_admin: !!u.isAdmin, type: u.isAdmin ? ['admin', 'user'] : ['user'], api_daily_quota: dailyQuotaOf(u),
					agrees_with_tos: u.agreesWithTos ?? null,
					configuration: { ...configuration, ui: { ...(configuration.ui as Rec), tos: !!options.tos } },
				});
			},
		},
		{
			// UI api/v4/user.py get_user_account: no role; another user's account needs administration.
			re: /^\/api\/v4\/user\/([^/]+)\/$/, methods: ['GET'], auth: true,
			handle: (m, ctx) => {
				const u = ctx.user!;
				const name = decodeURIComponent(m[1]);
				if (name !== u.name && !u.isAdmin) return envelope(403, {}, 'Your username does not match requested username');
				const who = users.find((x) => x.name === name);
				if (!who) return envelope(404, {}, `User ${name} does not exists`);
				return envelope(200, {
					uname: who.name, name: who.fullName ?? who.name, email: who.email ?? `${who.name}@corp.example.com`,
					type: who.isAdmin ? ['admin', 'user'] : ['user'], roles: who.roles ?? [], classification: whoamiBase.classification,
					groups: whoamiBase.groups ?? [], is_active: true, agrees_with_tos: who.agreesWithTos ?? null,
					api_quota: concurrencyQuotaOf(who), api_daily_quota: dailyQuotaOf(who), '2fa_enabled': false, has_password: false,
					security_tokens: [], security_token_enabled: false,
				});
			},
		},
		{
			re: /^\/api\/v4\/submission\/summary\/([^/]+)\/$/, methods: ['GET'], auth: true, role: submissionView,
			handle: (m) => {
				if (restricted.has(m[1])) return envelope(403, '', 'You are not allowed to view the data of this submission');
				const s = dataset.summaryFor(m[1]);
				return s === undefined ? sid404(m[1]) : envelope(200, s);
			},
		},
		{
			re: /^\/api\/v4\/submission\/is_completed\/([^/]+)\/$/, methods: ['GET'], auth: true, role: submissionView,
			handle: (m) => {
				const b = dataset.getSubmission(m[1]);
				return !b || restricted.has(m[1]) ? sid404(m[1]) : envelope(200, b.completed);
			},
		},
		{
			re: /^\/api\/v4\/submission\/([^/]+)\/$/, methods: ['GET'], auth: true, role: submissionView,
			handle: (m) => {
				if (restricted.has(m[1])) return envelope(403, '', 'You are not allowed to view the data of this submission');
				const b = dataset.getSubmission(m[1]);
				return b ? envelope(200, b.document()) : sid404(m[1]);
			},
		},
		{
			re: /^\/api\/v4\/ontology\/submission\/([^/]+)\/$/, methods: ['GET'], auth: true, role: submissionView,
			handle: (m, ctx) => {
				const sid = m[1];
				if (restricted.has(sid)) return envelope(403, '', `Your are not allowed get ontology files for this submission: ${sid}`);
				const body = dataset.ontologyFor(sid, ctx.query.getAll('sha256'), ctx.query.getAll('service'));
				if (body === undefined) return envelope(404, '', `There is no submission with sid: ${sid}`);
				return {
					status: 200,
					headers: {
						'content-type': 'application/octet-stream',
						'content-disposition': `attachment; filename=file.bin; filename*=UTF-8''submission_${sid}.ontology`,
					},
					body: Buffer.from(body, 'utf8'),
				};
			},
		},
		{
			re: /^\/api\/v4\/search\/([^/]+)\/$/, methods: ['GET', 'POST'], auth: true, json: true,
			role: (m, ctx) => {
				const r = INDEX_ROLE[m[1]];
				if (r) return r;
				return ctx.user?.isAdmin ? null : 'administration';
			},
			handle: (m, ctx) => {
				const index = m[1];
				if (!INDEX_ROLE[index] || index === 'apikey') return envelope(400, '', `Not a valid index to search in: ${index}`);
				const p = searchParams(ctx);
				if (!('query' in p)) return p;
				const src = index === 'alert' ? dataset.alertSource() : index === 'submission' ? dataset.submissionSource() : emptySource(index);
				try {
					return envelope(200, engine.search(src as SearchSource<{ seq: number }>, p, dataset.version));
				} catch (e) {
					if (e instanceof SearchError) return envelope(400, '', e.message);
					throw e;
				}
			},
		},
		{
			re: /^\/api\/v4\/submit\/$/, methods: ['POST'], auth: true, role: () => 'submission_create',
			handle: (_m, ctx) => {
				const a = submit(dataset, options, ctx.user!, ctx.rawBody, ctx.contentType, ctx.body);
				return envelope(a.status, a.response, a.error ?? '');
			},
		},
		{
			// submission.py get_report: 425 until the analysis has finished.
			re: /^\/api\/v4\/submission\/report\/([^/]+)\/$/, methods: ['GET'], auth: true, role: submissionView,
			handle: (m) => {
				const b = dataset.getSubmission(m[1]);
				if (!b || restricted.has(m[1])) return sid404(m[1]);
				if (!b.completed) return envelope(425, '', `It is too early to generate the report. Submission ID ${m[1]} is incomplete.`);
				const { results: _r, errors: _e, ...doc } = b.document() as Rec;
				void _r; void _e;
				const summary = dataset.summaryFor(m[1]) as Rec;
				const indicators: Rec = {};
				for (const [type, tuples] of Object.entries((summary.tags as Rec).ioc as Record<string, unknown[][]>)) {
					indicators[type] = Object.fromEntries(tuples.filter((t) => !t[2]).map((t) => [t[0], { h_type: t[1], files: [[b.rootFile.name, b.rootFile.sha256]] }]));
				}
				return envelope(200, { ...doc, file_tree: {}, file_info: b.rootFile, important_files: [], tags: { attributions: {}, behaviors: {}, indicators_of_compromise: indicators }, heuristics: {}, attack_matrix: {}, heuristic_sections: {}, heuristic_name_map: {}, promoted_sections: [], report_filtered: false });
			},
		},
		{
			re: /^\/api\/v4\/alert\/ownership\/([^/]+)\/$/, methods: ['GET'], auth: true, role: () => 'alert_manage',
			handle: (m, ctx) => {
				const r = dataset.takeOwnership(m[1], ctx.user!.name);
				if (r === 'missing') return envelope(404, { success: false }, `Alert ID ${m[1]} not found`);
				if (r === 'taken') return envelope(200, { success: true });
				// Even when the owner is the caller (alert.py take_ownership).
				return envelope(403, { success: false }, `Alert is already owned by ${r.owner}`);
			},
		},
		...(['label', 'status', 'priority'] as const).map((what): Route => ({
			re: new RegExp(`^/api/v4/alert/${what}/([^/]+)/$`), methods: what === 'label' ? ['POST', 'DELETE'] : ['POST'], auth: true, json: true, role: () => 'alert_manage',
			handle: (m, ctx) => {
				const id = m[1];
				const u = ctx.user!;
				const who = { name: u.name, fullName: u.fullName ?? u.name };
				let change: { labels?: string[]; labelsRemoved?: string[]; status?: string; priority?: string };
				if (what === 'label') {
					if (!Array.isArray(ctx.body) || ctx.body.some((x) => typeof x !== 'string')) return envelope(400, '', 'Invalid list of labels received.');
					const labels = [...new Set((ctx.body as string[]).map((l) => l.toUpperCase()))];
					change = ctx.method === 'DELETE' ? { labelsRemoved: labels } : { labels };
				} else {
					const v = typeof ctx.body === 'string' ? ctx.body.toUpperCase() : '';
					const ok = what === 'status' ? ['MALICIOUS', 'NON-MALICIOUS', 'ASSESS', 'TRIAGE'] : ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
					if (!ok.includes(v)) return envelope(400, '', `Invalid ${what} received.`);
					change = what === 'status' ? { status: v } : { priority: v };
				}
				return dataset.triage(id, who, change) ? envelope(200, { success: true }) : envelope(404, { success: false }, `Alert ID ${id} not found`);
			},
		})),
		...hashListRoutes({ lists: hashLists, envelope, hasRole }),
		{
			// alert.py list_alerts: without tc_start or no_delay, alerts younger than core.alerter.delay are hidden.
			re: /^\/api\/v4\/alert\/list\/$/, methods: ['GET'], auth: true, role: () => 'alert_view',
			handle: (_m, ctx) => {
				const q = ctx.query;
				const filters = q.getAll('fq').filter((f) => f.trim() !== '');
				let tcStart = q.get('tc_start') ?? undefined;
				if (tcStart === undefined && !q.has('no_delay') && alerterDelayMs) tcStart = isoMicro(now() - alerterDelayMs);
				if (tcStart !== undefined) filters.push(q.get('tc') ? `reporting_ts:[${tcStart}||-${q.get('tc')} TO ${tcStart}]` : `reporting_ts:[* TO ${tcStart}]`);
				const sort = [q.get('sort'), 'reporting_ts desc'].filter(Boolean).join(',');
				try {
					const r = engine.search(dataset.alertSource() as unknown as SearchSource<{ seq: number }>, {
						query: q.get('q') || 'alert_id:*', filters, offset: Number(q.get('offset') ?? 0), rows: Number(q.get('rows') ?? 100), sort, fl: '*',
						track_total_hits: q.get('track_total_hits') ?? undefined,
					}, dataset.version);
					return envelope(200, { offset: r.offset, rows: r.rows, total: r.total, items: r.items });
				} catch (e) {
					if (e instanceof SearchError) return envelope(400, '', e.message);
					throw e;
				}
			},
		},
		{
			re: /^\/api\/v4\/alert\/([^/]+)\/$/, methods: ['GET'], auth: true, role: () => 'alert_view',
			handle: (m) => {
				const a = dataset.getAlert(m[1]);
				return a ? envelope(200, a) : envelope(404, '', 'This alert does not exists...');
			},
		},
	];

	// --- request pipeline ---------------------------------------------------------------------------
	async function readBody(req: IncomingMessage): Promise<Buffer> {
		const chunks: Buffer[] = [];
		for await (const c of req) chunks.push(c as Buffer);
		return Buffer.concat(chunks);
	}

	function send(res: ServerResponse, r: Reply, extra: Record<string, string> = {}): void {
		const body = typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : r.body;
		res.writeHead(r.status, { ...r.headers, ...extra, 'content-length': String(body.length) });
		res.end(body);
	}

	async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer): Promise<void> {
		const method = req.method ?? 'GET';
		const path = url.pathname;
		const contentType = String(req.headers['content-type'] ?? '');
		let body: unknown;
		let bodyError = false;
		if (raw.length) {
			try {
				body = JSON.parse(raw.toString('utf8'));
			} catch {
				bodyError = true;
				body = raw.toString('utf8').slice(0, 2000);
			}
		}
		const query: Record<string, string | string[]> = {};
		for (const k of new Set(url.searchParams.keys())) {
			const all = url.searchParams.getAll(k);
			query[k] = all.length > 1 ? all : all[0];
		}
		dataset.tick();
		const xuser = req.headers['x-user'] as string | undefined;
		const xkey = req.headers['x-apikey'] as string | undefined;
		const rec: RecordedRequest = { n: ++recCounter, method, path, query, body, status: 0, user: xuser ?? null, ts: isoMicro(now()) };
		requests.push(rec);
		if (requests.length > maxRecorded) requests.splice(0, requests.length - maxRecorded);

		let user: FakeUser | null = findUser(xuser, xkey);
		if (!xuser || !xkey) {
			const cookie = /(?:^|;\s*)session=([0-9a-f]+)/.exec(String(req.headers.cookie ?? ''));
			user = cookie ? (sessions.get(cookie[1]) ?? null) : null;
			if (user) rec.user = user.name;
		}
		const sm = /^\/api\/v4\/search\/([^/]+)\/$/.exec(path);
		const dpid = sm ? (method === 'POST' ? (body as Rec | undefined)?.deep_paging_id : url.searchParams.get('deep_paging_id')) : undefined;
		const fired: ActiveRule[] = faults.match({ method, path, index: sm?.[1], user: xuser ?? user?.name, deepPagingId: typeof dpid === 'string' ? dpid : undefined });
		const slow = fired.filter((f) => f.kind === 'slow').reduce((a, f) => a + (f.delayMs ?? 1000), 0);
		const fault = fired.find((f) => f.kind !== 'slow');
		if (fired.length) rec.fault = fired.map((f) => f.kind).join('+');

		let counted: string | null = null;
		let reply: Reply;
		// A slow answer holds its quota slot while it runs, like the real handler: the slot is taken in
		// api_login and released only when the response is built (assemblyline-ui api/base.py).
		let slept = false;
		try {
			reply = await (async (): Promise<Reply> => {
				if (fault && fault.kind !== 'expire-cursor' && fault.kind !== 'reset' && fault.kind !== 'truncated-json' && slow) { slept = true; await sleep(slow); }
				if (fault) {
					switch (fault.kind) {
						case '503-concurrency':
							return envelope(503, '', `You've exceeded your maximum concurrent API calls quota of ${fault.quota ?? (user ? concurrencyQuotaOf(user) : 10) ?? 10}`);
						case '503-daily':
							return envelope(503, '', `You've exceeded your daily maximum API calls quota of ${fault.quota ?? ((user && dailyQuotaOf(user)) || 1000)}`);
						case '502':
							return html(502, NGINX_502);
						case '504':
							return html(504, NGINX_504);
						case 'html-200':
							return html(200, HTML_200);
						case 'html-500':
							return html(500, WERKZEUG_500);
						case '401':
							return envelope(401, UNAUTH_BODY, 'Invalid user or APIKey');
						case 'expire-cursor':
							if (typeof dpid === 'string') engine.expirePit(dpid);
							break;
						default:
							break; // reset / truncated-json mangle the real reply below
					}
				}
				let route: Route | undefined;
				let m: RegExpExecArray | null = null;
				for (const r of routes) {
					m = r.re.exec(path);
					if (m) { route = r; break; }
				}
				if (!route || !m) {
					if (!path.endsWith('/') && routes.some((r) => r.re.test(path + '/'))) {
						return { status: 308, headers: { location: path + '/' + url.search, 'content-type': 'text/html; charset=utf-8' }, body: `<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n<p>You should be redirected automatically to the target URL: <a href="${path}/">${path}/</a>. If not, click the link.\n` };
					}
					return envelope(404, '', `Api does not exist (${path})`);
				}
				if (!route.methods.includes(method)) return html(405, WERKZEUG_405);
				if (!route.auth && slow && !slept) { slept = true; await sleep(slow); }
				if (route.auth) {
					if (!user) return envelope(401, UNAUTH_BODY, xuser && xkey ? 'Invalid user or APIKey' : 'Session not found');
					const tosExempt = ['/api/v4/help/tos/', '/api/v4/user/whoami/', `/api/v4/user/tos/${user.name}/`, '/api/v4/auth/logout/'];
					if (options.tos && !user.agreesWithTos && !tosExempt.includes(path)) {
						return envelope(403, { ...FORBIDDEN_BODY, ui: { ...FORBIDDEN_BODY.ui, tos: true } }, `Access Denied (${path}) [Agree to Terms of Service before you can make any API calls]`);
					}
					const n = (inflight.get(user.name) ?? 0) + 1;
					inflight.set(user.name, n);
					maxInflight.set(user.name, Math.max(maxInflight.get(user.name) ?? 0, n));
					counted = user.name;
					const cq = concurrencyQuotaOf(user);
					if (cq > 0 && n > cq) return envelope(503, '', `You've exceeded your maximum concurrent API calls quota of ${cq}`);
					const dq = dailyQuotaOf(user);
					if (dq > 0) {
						const day = Math.floor(now() / 86_400_000);
						const d = daily.get(user.name);
						const cur = d && d.day === day ? d : { day, count: 0 };
						cur.count++;
						daily.set(user.name, cur);
						if (cur.count > dq) return envelope(503, '', `You've exceeded your daily maximum API calls quota of ${dq}`);
					}
					if (options.latencyMs) await sleep(options.latencyMs);
					if (slow && !slept) { slept = true; await sleep(slow); }
					const role = route.role?.(m, { method, path, query: url.searchParams, body, bodyError, rawBody: raw, contentType, user });
					if (role && !hasRole(user, role)) {
						// search.py check_role_for_index words its refusal differently from the decorator's
						const reason = sm ? `API ${path} requires the role '${role}' for request on index '${sm[1]}'` : `API ${path} requires one of the following roles: ${role}`;
						return envelope(403, FORBIDDEN_BODY, `Access Denied (${path}) [${reason}]`);
					}
				}
				if (route.json && ['POST', 'PUT', 'DELETE'].includes(method) && raw.length) {
					if (!/application\/json/i.test(contentType)) {
						// AL's 415 handler forgets the status code: HTTP 200 with an error message (§1.1)
						return envelope(200, '', "415 Unsupported Media Type: Did not attempt to load JSON data because the request Content-Type was not 'application/json'.");
					}
					if (bodyError) return envelope(400, '', "No data block provided or data block not in JSON format.'");
				}
				return route.handle(m, { method, path, query: url.searchParams, body, bodyError, rawBody: raw, contentType, user });
			})();
		} catch (e) {
			log(`error on ${method} ${path}: ${(e as Error).stack}`);
			reply = envelope(500, '', 'Internal Server Error');
		}
		const extra: Record<string, string> = {};
		if (user && dailyQuotaOf(user) > 0) {
			const d = daily.get(user.name);
			extra['x-remaining-quota-api'] = String(Math.max(0, dailyQuotaOf(user) - (d?.count ?? 0)));
		}
		rec.status = reply.status;
		// The server finishes a request whether or not the client still waits (nothing in api/base.py
		// watches for a disconnect), and frees the slot then.
		if (counted) inflight.set(counted, (inflight.get(counted) ?? 1) - 1);
		counted = null;
		// The Date header comes from the server's clock, which need not agree with the client's.
		extra.date = new Date(now()).toUTCString();
		if (fault?.kind === 'truncated-json') {
			const b = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
			send(res, { ...reply, status: 200, body: b.subarray(0, Math.floor(b.length / 2)) }, extra);
			rec.status = 200;
			return;
		}
		if (fault?.kind === 'reset') {
			const b = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
			res.writeHead(reply.status, { ...reply.headers, ...extra, 'content-length': String(Math.max(b.length, 64)) });
			res.write(b.subarray(0, Math.floor(b.length / 2)), () => {
				setTimeout(() => res.socket?.destroy(), 5);
			});
			return;
		}
		send(res, reply, extra);
	}

	// --- control API -------------------------------------------------------------------------------
	function control(method: string, path: string, url: URL, raw: Buffer): Reply {
		const json = (status: number, v: unknown): Reply => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(v) });
		let body: unknown;
		try {
			body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
		} catch {
			return json(400, { error: 'body is not JSON' });
		}
		try {
			const p = path.replace(/\/+$/, '');
			let m: RegExpExecArray | null;
			if (p === '/__fake/health') return json(200, { ok: true, url: fake.url, version: API_SERVER_VERSION });
			if (p === '/__fake/state') return json(200, { alerts: dataset.alertCount(), submissions: dataset.submissions.size, pits: engine.pits.size, requests: requests.length, now: isoMicro(now()), faults: faults.list() });
			if (p === '/__fake/requests' && method === 'GET') {
				const since = Number(url.searchParams.get('since') ?? 0);
				return json(200, { requests: requests.filter((r) => r.n > since) });
			}
			if (p === '/__fake/requests' && method === 'DELETE') { requests.length = 0; return json(200, { ok: true }); }
			if (p === '/__fake/faults' && method === 'GET') return json(200, { faults: faults.list() });
			if (p === '/__fake/faults' && method === 'POST') {
				const rules = (Array.isArray(body) ? body : [body]) as FaultRule[];
				return json(200, { ids: rules.map((r) => faults.add(r)) });
			}
			if (p === '/__fake/faults' && method === 'DELETE') { faults.clear(); return json(200, { ok: true }); }
			if ((m = /^\/__fake\/faults\/(\d+)$/.exec(p)) && method === 'DELETE') return json(200, { removed: faults.remove(Number(m[1])) });
			if (p === '/__fake/alerts' && method === 'POST') {
				const list = (Array.isArray(body) ? body : [body]) as (Rec | MakeAlertOptions)[];
				return json(200, { alert_ids: dataset.addAlerts(list) });
			}
			if ((m = /^\/__fake\/alerts\/([^/]+)$/.exec(p)) && method === 'GET') {
				const a = dataset.getAlert(m[1]);
				return a ? json(200, a) : json(404, { error: 'unknown alert' });
			}
			if ((m = /^\/__fake\/alerts\/([^/]+)\/update$/.exec(p)) && method === 'POST') return json(200, dataset.updateAlert(m[1], (body ?? {}) as AlertChanges));
			if (p === '/__fake/submissions' && method === 'POST') return json(200, { sid: dataset.addSubmission(body as SubmissionSpec) });
			if ((m = /^\/__fake\/submissions\/([^/]+)\/complete$/.exec(p)) && method === 'POST') {
				return json(200, { alert: dataset.completeSubmission(m[1], (body ?? {}) as { alert?: boolean }) ?? null });
			}
			if (p === '/__fake/workflows' && method === 'POST') {
				const list = (Array.isArray(body) ? body : [body]) as FakeWorkflow[];
				return json(200, { workflow_ids: list.map((w) => dataset.addWorkflow(w)) });
			}
			if (p === '/__fake/workflow-manager' && method === 'POST') {
				dataset.startWorkflowManager(Number((body as Rec | undefined)?.intervalMs ?? 30_000));
				return json(200, { ok: true });
			}
			if ((m = /^\/__fake\/(safelist|badlist)$/.exec(p))) {
				// Read, seed (as the admin user, through the same rules as the API) or empty a list.
				const list = hashLists[m[1] as HashListName];
				if (method === 'GET') return json(200, { entries: Object.fromEntries(list.entries()) });
				if (method === 'DELETE') { list.clear(); return json(200, { ok: true }); }
				const admin = { name: 'admin', canImport: true, canManageAll: true, skipSourceCheck: true };
				const items = (Array.isArray(body) ? body : [body]) as Rec[];
				return json(200, { hashes: items.map((it) => list.addOrUpdate(it, admin).hash) });
			}
			if (p === '/__fake/clock' && method === 'POST') return json(200, { now: isoMicro(fake.setClock((body ?? {}) as { now?: string; advanceMs?: number })) });
			if (p === '/__fake/reset' && method === 'POST') { fake.reset(); return json(200, { ok: true }); }
			return json(404, { error: `unknown control route ${method} ${p}` });
		} catch (e) {
			return json(400, { error: (e as Error).message });
		}
	}

	const sockets = new Set<Socket>();
	const server = http.createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		readBody(req).then(async (raw) => {
			if (url.pathname.startsWith('/__fake/')) {
				const ra = req.socket.remoteAddress ?? '';
				if (!/^(127\.|::1$|::ffff:127\.)/.test(ra)) return send(res, { status: 403, headers: {}, body: '' });
				return send(res, control(req.method ?? 'GET', url.pathname, url, raw));
			}
			await handleApi(req, res, url, raw);
		}).catch((e) => {
			log(`fatal on ${req.method} ${req.url}: ${(e as Error).stack}`);
			if (!res.headersSent) send(res, envelope(500, '', 'Internal Server Error'));
			else res.destroy();
		});
	});
	server.keepAliveTimeout = 5000;
	server.on('connection', (s) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
	});
	const port = (server.address() as { port: number }).port;

	const fake: FakeAssemblyline = {
		url: `http://127.0.0.1:${port}`,
		port,
		dataset,
		faults,
		requests,
		users,
		search: engine,
		safelist: hashLists.safelist,
		badlist: hashLists.badlist,
		now,
		setClock(c) {
			if (c.now !== undefined) clock.fixed = parseDate(c.now);
			if (c.advanceMs !== undefined) {
				if (clock.fixed !== undefined) clock.fixed += c.advanceMs;
				else clock.offset += c.advanceMs;
			}
			dataset.tick();
			return now();
		},
		inFlight: (u) => inflight.get(u) ?? 0,
		maxInFlight: (u) => maxInflight.get(u) ?? 0,
		clearRequests() {
			requests.length = 0;
		},
		reset() {
			dataset.reset();
			faults.clear();
			requests.length = 0;
			engine.clear();
			hashLists.safelist.clear();
			hashLists.badlist.clear();
			daily.clear();
			maxInflight.clear();
			sessions.clear();
			clock.fixed = undefined;
			clock.offset = 0;
		},
		close() {
			return new Promise<void>((resolve) => {
				server.close(() => resolve());
				for (const s of sockets) s.destroy();
			});
		},
	};
	return fake;
}
