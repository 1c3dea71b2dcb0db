/**
 * Fake Microsoft Defender for Endpoint indicator API and the Entra ID token endpoint in front of it.
 * Written from MicrosoftDocs/defender-docs, defender-endpoint/api/:
 * - exposed-apis-create-app-webapp.md: `POST /<tenant>/oauth2/v2.0/token` with `grant_type=client_credentials`,
 *   `client_id`, `client_secret`, `scope` (`https://api.securitycenter.microsoft.com/.default`); the app needs the
 *   application permission `Ti.ReadWrite` or `Ti.ReadWrite.All`; tokens last about an hour;
 * - import-ti-indicators.md: `POST /api/indicators/import` `{"Indicators":[…]}`, at most 500, per-item
 *   `isFailed`/`failureReason` in a 200 body, 30 calls per minute;
 * - get-ti-indicators-collection.md: `GET /api/indicators` with OData `$filter`, `$top` (≤ 10,000), `$skip`;
 *   100 calls per minute and 1,500 per hour;
 * - batch-delete-ti-indicators.md: `POST /api/indicators/BatchDelete` `{"IndicatorIds":[…]}`, at most 500,
 *   400 for an empty or oversized list; 30 calls per minute and 1,500 per hour;
 * - post-ti-indicator.md, ti-indicator.md: indicator fields (`indicatorValue`, `indicatorType`, `action`,
 *   `title`, `description`, `severity`, `expirationTime`, `generateAlert`), `Audit` needs `generateAlert`;
 * - common-errors.md: `{"error":{"code","message","target"}}`, `InvalidIpAddress`, `MaximumBatchSizeExceeded`, 401, 403, 429
 *   with `Retry-After` in seconds;
 * - ../indicator-manage.md, ../indicator-ip-domain.md: an indicator is deleted when it expires; IP indicators
 *   are single public addresses (no CIDR, no private ranges); at most 15,000 active indicators per tenant.
 * Upsert: submitting the same value and type again updates the indicator (a Microsoft reply in
 * MicrosoftDocs/microsoft-365-docs issue #4927). Entra's error body for a wrong secret follows
 * learn.microsoft.com/entra/identity-platform/reference-error-codes (`invalid_client`, AADSTS7000215).
 */
import { isIP } from 'node:net';

import { FakeServer, noteEntries, type FakeReply, type FakeRequest } from './framework.ts';

export const DEFENDER_TENANT = '6f1c2b3a-4d5e-4f60-8a9b-0c1d2e3f4a5b';
export const DEFENDER_CLIENT_ID = '0b8e5f2a-1c3d-4e5f-9a7b-6c5d4e3f2a1b';
export const DEFENDER_SECRET = 'Qx8Q~defender.SECRET_4f9c2e7a1b3d5f';
/** An app registration without the Ti.ReadWrite permission. */
export const DEFENDER_NO_ROLE_CLIENT_ID = '9d7c5b3a-1f2e-4d6c-8b0a-2e4c6a8b0d1f';

const TYPES = new Set(['FileSha1', 'FileMd5', 'CertificateThumbprint', 'FileSha256', 'IpAddress', 'DomainName', 'Url']);
const ACTIONS = new Set(['Warn', 'Block', 'Audit', 'BlockAndRemediate', 'Allowed', 'Alert', 'AlertAndBlock']);
const MAX_BATCH = 500;
const MAX_ACTIVE = 15_000;

export interface Indicator {
	id: string;
	indicatorValue: string;
	indicatorType: string;
	action: string;
	title: string;
	description: string;
	severity?: string;
	expirationTime?: string | null;
	generateAlert?: boolean;
	creationTimeDateTimeUtc: string;
	lastUpdateTime: string;
}

const apiError = (status: number, code: string, message: string, target?: string): FakeReply => ({ status, body: { error: { code, message, target: target ?? null } } });

/** Why `indicator` is invalid, the way the API would say it, or null. */
function invalid(indicator: Record<string, unknown>): { code: string; message: string } | null {
	const value = indicator.indicatorValue;
	const type = indicator.indicatorType;
	if (typeof value !== 'string' || !value) return { code: 'MissingRequiredParameter', message: 'indicatorValue is required' };
	if (typeof type !== 'string' || !TYPES.has(type)) return { code: 'InvalidRequestBody', message: `indicatorType ${String(type)} is invalid` };
	if (typeof indicator.action !== 'string' || !ACTIONS.has(indicator.action)) return { code: 'InvalidRequestBody', message: `action ${String(indicator.action)} is invalid` };
	if (typeof indicator.title !== 'string' || typeof indicator.description !== 'string') return { code: 'MissingRequiredParameter', message: 'title and description are required' };
	if (indicator.action === 'Audit' && indicator.generateAlert !== true) return { code: 'InvalidRequestBody', message: 'Audit requires generateAlert to be true' };
	if (type === 'IpAddress' && (isIP(value) === 0 || /^(10\.|127\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|fe80:|::1$)/i.test(value))) {
		return { code: 'InvalidIpAddress', message: `IP address ${value} is invalid` };
	}
	if (type === 'DomainName' && !/^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z0-9-]{2,63}$/i.test(value)) return { code: 'InvalidDomainName', message: `Domain name ${value} is invalid` };
	if (type === 'Url' && !/^(https?:\/\/)?(\[[0-9a-f:.]+\]|[^\s/[\]]+\.[^\s/[\]]+)(:\d+)?([/?#]\S*)?$/i.test(value)) return { code: 'InvalidUrl', message: `Url ${value} is invalid` };
	if (indicator.expirationTime !== undefined && indicator.expirationTime !== null && Number.isNaN(Date.parse(String(indicator.expirationTime)))) {
		return { code: 'InvalidRequestBody', message: 'expirationTime is not a valid date' };
	}
	return null;
}

export class FakeDefender extends FakeServer {
	readonly indicators = new Map<string, Indicator>();

	/** client id → [secret, roles]. */
	readonly apps = new Map<string, { secret: string; roles: string[] }>([
		[DEFENDER_CLIENT_ID, { secret: DEFENDER_SECRET, roles: ['Ti.ReadWrite'] }],
		[DEFENDER_NO_ROLE_CLIENT_ID, { secret: DEFENDER_SECRET, roles: [] }],
	]);

	/** Issued tokens → roles and expiry (epoch ms on the fake's clock). */
	private readonly tokens = new Map<string, { roles: string[]; expiresAt: number }>();

	private nextId = 1;

	tokenRequests = 0;

	constructor() {
		super('Microsoft Defender for Endpoint');
		this.route('POST', /^\/([^/]+)\/oauth2\/v2\.0\/token$/, (req, m) => this.token(req, m[1]), 'token');
		this.route('GET', /^\/api\/indicators$/, (req) => this.authorised(req, () => this.list(req)), 'list');
		this.route('POST', /^\/api\/indicators\/import$/, (req) => this.authorised(req, () => this.import(req)), 'import');
		this.route('POST', /^\/api\/indicators\/BatchDelete$/, (req) => this.authorised(req, () => this.batchDelete(req)), 'batchDelete');
		this.route('POST', /^\/api\/indicators$/, (req) => this.authorised(req, () => this.importOne(req)), 'create');
		this.route('DELETE', /^\/api\/indicators\/([^/]+)$/, (req, m) => this.authorised(req, () => this.deleteOne(m[1])), 'create');
		// The documented limits (the tests lift or tighten them with `limit`).
		this.limit('import', [{ limit: 30, windowMs: 60_000 }]);
		this.limit('batchDelete', [{ limit: 30, windowMs: 60_000 }, { limit: 1500, windowMs: 3_600_000 }]);
		this.limit('list', [{ limit: 100, windowMs: 60_000 }, { limit: 1500, windowMs: 3_600_000 }]);
		this.limit('create', [{ limit: 100, windowMs: 60_000 }, { limit: 1500, windowMs: 3_600_000 }]);
	}

	/** Live indicators (expired ones deleted first). */
	active(): Indicator[] {
		this.expire();
		return [...this.indicators.values()];
	}

	/** Lifts every rate limit (fast tests); `documentedLimits()` puts them back. */
	noLimits(): void {
		for (const bucket of ['import', 'batchDelete', 'list', 'create']) this.limit(bucket, []);
	}

	reset(): void {
		this.indicators.clear();
		this.tokens.clear();
		this.tokenRequests = 0;
		this.clock.reset();
		this.resetLog();
	}

	/** Every issued token stops working (as after an hour). */
	expireTokens(): void {
		this.tokens.clear();
	}

	private expire(): void {
		const now = this.clock.now();
		for (const [id, indicator] of this.indicators) {
			if (indicator.expirationTime && Date.parse(indicator.expirationTime) <= now) this.indicators.delete(id);
		}
	}

	private token(req: FakeRequest, tenant: string): FakeReply {
		this.tokenRequests++;
		if (tenant !== DEFENDER_TENANT) {
			return { status: 400, body: { error: 'invalid_request', error_description: `AADSTS90002: Tenant '${tenant}' not found.`, error_codes: [90002] } };
		}
		const app = this.apps.get(req.form.get('client_id') ?? '');
		if (req.form.get('grant_type') !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'AADSTS70003' } };
		if (!app) return { status: 400, body: { error: 'unauthorized_client', error_description: `AADSTS700016: Application with identifier '${req.form.get('client_id')}' was not found in the directory.`, error_codes: [700016] } };
		if (app.secret !== req.form.get('client_secret')) {
			return { status: 401, body: { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.', error_codes: [7000215] } };
		}
		const scope = req.form.get('scope') ?? '';
		if (!/^https:\/\/(api\.securitycenter\.microsoft\.com|securitycenter\.onmicrosoft\.com\/windowsatpservice)\/\.default$/.test(scope)) {
			return { status: 400, body: { error: 'invalid_scope', error_description: `AADSTS1002012: The provided value for scope ${scope} is not valid.` } };
		}
		const token = `eyJ0eXAi.fake-${Math.random().toString(36).slice(2)}-${Date.now()}`;
		this.tokens.set(token, { roles: app.roles, expiresAt: this.clock.now() + 3_599_000 });
		return { status: 200, body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token } };
	}

	private authorised(req: FakeRequest, handler: () => FakeReply): FakeReply {
		const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
		const grant = token ? this.tokens.get(token) : undefined;
		if (!grant || grant.expiresAt <= this.clock.now()) return apiError(401, 'Unauthorized', 'Authorization has been denied for this request.');
		if (!grant.roles.some((role) => role === 'Ti.ReadWrite' || role === 'Ti.ReadWrite.All')) {
			return apiError(403, 'Forbidden', 'The application does not have any of the required application permissions (Ti.ReadWrite, Ti.ReadWrite.All) to access the resource.');
		}
		this.expire();
		return handler();
	}

	private list(req: FakeRequest): FakeReply {
		let rows = [...this.indicators.values()];
		const filter = req.query.get('$filter');
		if (filter) {
			const clauses = filter.split(/\s+or\s+/i).map((c) => /^\(?\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*\)?$/.exec(c.trim()));
			if (clauses.some((c) => c === null)) return apiError(400, 'InvalidRequestBody', `Unsupported $filter: ${filter}`);
			rows = rows.filter((row) => clauses.some((c) => String((row as unknown as Record<string, unknown>)[c![1]]) === c![2].replace(/''/g, "'")));
		}
		const top = Number(req.query.get('$top') ?? 10_000);
		const skip = Number(req.query.get('$skip') ?? 0);
		if (!(top >= 1 && top <= 10_000)) return apiError(400, 'InvalidRequestBody', '$top must be between 1 and 10000');
		return { status: 200, body: { '@odata.context': 'https://api.securitycenter.microsoft.com/api/$metadata#Indicators', value: rows.slice(skip, skip + top) } };
	}

	/** Creates or updates (same value and type); the reply entry of the import API. */
	private upsert(input: Record<string, unknown>): { id: string | null; indicator: string; isFailed: boolean; failureReason: string | null } {
		const problem = invalid(input);
		const value = String(input.indicatorValue ?? '');
		if (problem) return { id: null, indicator: value, isFailed: true, failureReason: `${problem.code}: ${problem.message}` };
		const existing = [...this.indicators.values()].find((i) => i.indicatorValue === value && i.indicatorType === input.indicatorType);
		if (!existing && this.indicators.size >= MAX_ACTIVE) return { id: null, indicator: value, isFailed: true, failureReason: 'The tenant has reached its limit of 15,000 active indicators.' };
		const now = new Date(this.clock.now()).toISOString();
		const indicator: Indicator = {
			id: existing?.id ?? String(this.nextId++),
			indicatorValue: value,
			indicatorType: String(input.indicatorType),
			action: String(input.action),
			title: String(input.title),
			description: String(input.description),
			severity: input.severity as string | undefined,
			expirationTime: (input.expirationTime as string | undefined) ?? null,
			generateAlert: input.generateAlert as boolean | undefined,
			creationTimeDateTimeUtc: existing?.creationTimeDateTimeUtc ?? now,
			lastUpdateTime: now,
		};
		this.indicators.set(indicator.id, indicator);
		return { id: indicator.id, indicator: value, isFailed: false, failureReason: null };
	}

	private import(req: FakeRequest): FakeReply {
		const list = (req.json as { Indicators?: unknown } | undefined)?.Indicators;
		if (!Array.isArray(list) || list.length === 0) return apiError(400, 'InvalidRequestBody', 'Indicators must be a non-empty list');
		if (list.length > MAX_BATCH) return apiError(400, 'MaximumBatchSizeExceeded', `Maximum batch size exceeded. Received: ${list.length}, allowed: ${MAX_BATCH}`);
		noteEntries(this, list.length);
		return { status: 200, body: { '@odata.context': 'https://api.securitycenter.microsoft.com/api/$metadata#Collection(microsoft.windowsDefenderATP.api.ImportIndicatorResult)', value: list.map((i) => this.upsert(i as Record<string, unknown>)) } };
	}

	private importOne(req: FakeRequest): FakeReply {
		const input = (req.json ?? {}) as Record<string, unknown>;
		const result = this.upsert(input);
		if (result.isFailed) {
			const [code, ...rest] = String(result.failureReason).split(': ');
			return apiError(400, code, rest.join(': '), 'indicatorValue');
		}
		return { status: 200, body: this.indicators.get(result.id as string) };
	}

	private batchDelete(req: FakeRequest): FakeReply {
		const ids = (req.json as { IndicatorIds?: unknown } | undefined)?.IndicatorIds;
		if (!Array.isArray(ids) || ids.length === 0) return apiError(400, 'InvalidRequestBody', 'IndicatorIds must be a non-empty list');
		if (ids.length > MAX_BATCH) return apiError(400, 'MaximumBatchSizeExceeded', `Maximum batch size exceeded. Received: ${ids.length}, allowed: ${MAX_BATCH}`);
		if (ids.some((id) => typeof id !== 'string' || !/^\d+$/.test(id))) return apiError(400, 'InvalidRequestBody', 'IndicatorIds contains an invalid id');
		noteEntries(this, ids.length);
		for (const id of ids as string[]) this.indicators.delete(id);
		return { status: 204 };
	}

	private deleteOne(id: string): FakeReply {
		if (!this.indicators.delete(id)) return apiError(404, 'NotFound', `Indicator ${id} was not found`);
		return { status: 204 };
	}
}

export async function startFakeDefender(): Promise<FakeDefender> {
	return await new FakeDefender().start();
}
