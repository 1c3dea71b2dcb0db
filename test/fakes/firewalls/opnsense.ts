/**
 * Fake OPNsense alias utility API, from opnsense/core:
 * src/opnsense/mvc/app/controllers/OPNsense/Firewall/Api/AliasUtilController.php
 * - `POST /api/firewall/alias_util/add/<alias>` and `/delete/<alias>` with `{"address": …}` →
 *   `{"status":"done"}` (also when the address was already there / absent: `pfctl -T add|delete`);
 *   an address with characters outside `[0-9a-f:./_]` → `{"status":"not_an_address"}`; an unknown
 *   alias → `{"status":"failed","status_msg":"non existing alias <name>"}`; all with HTTP 200;
 * - `POST /api/firewall/alias_util/list/<alias>` with `rowCount`, `current` → `{total, rowCount, current, rows:[{ip}]}`;
 * - `GET /api/firewall/alias_util/aliases` → the alias names.
 * Auth: the API key and secret as HTTP Basic (docs.opnsense.org/development/how-tos/api.html); a
 * wrong pair is 401, a user without the alias privileges 403.
 */
import { FakeServer, type FakeReply, type FakeRequest } from './framework.ts';

export const OPNSENSE_KEY = 'w86XNZob/8Oq8aC5r0kbNarNtdpoQU781fyoeaOBQsBwkXUt';
export const OPNSENSE_SECRET = 'XeD26XVrJ5ilAc/EmglCRC+0j2e57tRsjHwFepOseySWLM53pJASeTA3';
/** A key pair whose user lacks the alias privileges. */
export const OPNSENSE_VIEWER_KEY = 'viewerKEYa1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7r8s9t0u1';

export class FakeOpnsense extends FakeServer {
	/** alias name → addresses (the pf table). */
	readonly aliases = new Map<string, Set<string>>([['n8n_block', new Set()]]);

	constructor() {
		super('OPNsense');
		this.route('POST', /^\/api\/firewall\/alias_util\/(add|delete|list)\/([^/]+)$/, (req, m) => this.authorised(req, () => this.util(req, m[1], decodeURIComponent(m[2]))), 'api');
		this.route('GET', /^\/api\/firewall\/alias_util\/aliases$/, (req) => this.authorised(req, () => ({ status: 200, body: [...this.aliases.keys()] })), 'api');
	}

	reset(): void {
		this.aliases.clear();
		this.aliases.set('n8n_block', new Set());
		this.clock.reset();
		this.resetLog();
	}

	private authorised(req: FakeRequest, handler: () => FakeReply): FakeReply {
		const basic = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
		const [key, secret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(/:(.*)/s) : [];
		if (key === OPNSENSE_VIEWER_KEY && secret === OPNSENSE_SECRET) return { status: 403, body: { status: 403, message: 'Forbidden' } };
		if (key !== OPNSENSE_KEY || secret !== OPNSENSE_SECRET) return { status: 401, body: { status: 401, message: 'Authentication Failed' } };
		return handler();
	}

	private util(req: FakeRequest, action: string, alias: string): FakeReply {
		const table = this.aliases.get(alias);
		const body = (req.json ?? Object.fromEntries(req.form)) as Record<string, unknown>;
		if (action === 'list') {
			if (!table) return { status: 200, body: { total: 0, rowCount: 0, current: 1, rows: [] } };
			const rowCount = Number(body.rowCount ?? 500);
			const current = Number(body.current ?? 1);
			const all = [...table].sort().map((ip) => ({ ip }));
			const rows = rowCount < 0 ? all : all.slice((current - 1) * rowCount, current * rowCount);
			return { status: 200, body: { total: all.length, rowCount: rows.length, current, rows } };
		}
		if (!table) return { status: 200, body: { status: 'failed', status_msg: `non existing alias ${alias}` } };
		const address = body.address;
		if (typeof address !== 'string' || address === '') return { status: 200, body: { status: 'failed' } };
		if (!/^[0-9a-f:./_]+$/.test(address)) return { status: 200, body: { status: 'not_an_address' } };
		if (action === 'add') table.add(address);
		else table.delete(address);
		return { status: 200, body: { status: 'done' } };
	}
}

export async function startFakeOpnsense(): Promise<FakeOpnsense> {
	return await new FakeOpnsense().start();
}
