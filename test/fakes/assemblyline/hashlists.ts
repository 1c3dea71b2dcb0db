// Assemblyline's safelist and badlist: the store and the /api/v4/safelist/ and /api/v4/badlist/ routes
// (assemblyline-ui api/v4/safelist.py and api/v4/badlist.py; the key is computed as in assemblyline-core
// safelist_client.py / badlist_client.py _preprocess_object with normalize_hashlist_item from
// assemblyline_core/__init__.py). State is kept here and read by tests through `fake.safelist` /
// `fake.badlist` or the control routes `/__fake/safelist` and `/__fake/badlist`.
import { createHash } from 'node:crypto';
import type { Ctx, Reply, Route } from './server.ts';
import type { Rec } from './search.ts';
import { isoMicro, parseDate, DAY_MS } from './util.ts';

export type HashListName = 'safelist' | 'badlist';

/** One stored entry, as `GET /api/v4/<list>/<qhash>/` returns it. */
export interface HashListEntry {
	added: string;
	updated: string;
	classification: string;
	enabled: boolean;
	expiry_ts: string | null;
	hashes: Record<string, string>;
	sources: { classification: string; name: string; reason: string[]; type: 'user' | 'external' }[];
	tag: { type: string; value: string } | null;
	file: Rec | null;
	signature: { name: string } | null;
	type: 'tag' | 'file' | 'signature';
	/** Badlist only. */
	attribution?: Record<string, string[]> | null;
}

export const UNRESTRICTED = 'TLP:C';
const ATTRIBUTION_KEYS = ['actor', 'campaign', 'category', 'exploit', 'implant', 'family', 'network'];
const ISO_MICRO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * normalize_hashlist_item: a `*.domain` value is lower-cased whole; a `*.uri` value has only its
 * authority (between `//` and the next `/`) lower-cased; anything else is kept as given. A URI
 * without `//` raises (IndexError in the real code, a 500).
 */
export function normalizeHashlistItem(tagType: string, value: string): string {
	if (tagType.endsWith('.domain')) return value.toLowerCase();
	if (tagType.endsWith('.uri')) {
		const i = value.indexOf('//');
		if (i < 0) throw new Error('list index out of range');
		const start = i + 2;
		const slash = value.indexOf('/', start);
		const end = slash < 0 ? value.length : slash;
		return value.slice(0, start) + value.slice(start, end).toLowerCase() + value.slice(end);
	}
	return value;
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** The key of a tag entry: sha256("<tag type>: <normalized value>"). */
export function tagQhash(tagType: string, value: string): string {
	return sha256(`${tagType}: ${normalizeHashlistItem(tagType, value)}`);
}

/** Why an add was refused, with the status and message the server sends. */
export class HashListError extends Error {
	// Plain fields, no parameter properties: the fake also runs under Node's type stripping (cli.ts).
	readonly status: number;
	readonly response: unknown;
	constructor(status: number, message: string, response: unknown = '') {
		super(message);
		this.status = status;
		this.response = response;
	}
}

export interface Caller {
	name: string;
	/** signature_import: may add `external` sources. */
	canImport: boolean;
	/** administration or signature_manage: DELETE removes the whole entry. */
	canManageAll: boolean;
	/** The bulk route checks no source against the caller. */
	skipSourceCheck?: boolean;
}

export class HashList {
	private readonly store = new Map<string, HashListEntry>();
	readonly name: HashListName;
	private readonly now: () => number;

	constructor(name: HashListName, now: () => number) {
		this.name = name;
		this.now = now;
	}

	/** The entry under this key, or undefined (expired entries are gone: the expiry service deletes them). */
	get(qhash: string): HashListEntry | undefined {
		this.sweep();
		return this.store.get(qhash);
	}

	/** Look a tag up as the node would: by normalized type and value. */
	getTag(tagType: string, value: string): HashListEntry | undefined {
		return this.get(tagQhash(tagType, value));
	}

	entries(): [string, HashListEntry][] {
		this.sweep();
		return [...this.store.entries()];
	}

	get size(): number {
		this.sweep();
		return this.store.size;
	}

	clear(): void {
		this.store.clear();
	}

	/** Run `fn`; if it throws, the store is put back as it was. */
	atomically(fn: (list: this) => void): void {
		const before = new Map(this.store);
		try {
			fn(this);
		} catch (e) {
			this.store.clear();
			for (const [k, v] of before) this.store.set(k, v);
			throw e;
		}
	}

	/** Assemblyline's expiry service deletes entries whose expiry_ts has passed (assemblyline-core expiry/run_expiry.py). */
	private sweep(): void {
		const t = this.now();
		for (const [k, e] of this.store) if (e.expiry_ts && parseDate(e.expiry_ts) <= t) this.store.delete(k);
	}

	/**
	 * PUT/POST /api/v4/<list>/: add, or merge into the existing entry (sources merged by name, reasons
	 * appended, tag replaced, `updated` moved, `added` and `enabled` kept, expiry replaced).
	 */
	addOrUpdate(data: Rec, caller: Caller): { op: 'add' | 'update'; hash: string } {
		if (!data || typeof data !== 'object' || Array.isArray(data)) throw new HashListError(500, 'Internal Server Error');
		const type = data.type;
		if (type === undefined) throw new HashListError(500, 'Internal Server Error'); // KeyError
		const allowed = this.name === 'safelist' ? ['tag', 'file', 'signature'] : ['tag', 'file'];
		if (typeof type !== 'string' || !allowed.includes(type)) throw new HashListError(400, `Invalid data provided: ${String(type)} is not a valid type`);
		const nowIso = isoMicro(this.now());
		let hashes: Record<string, string> = {};
		let tag: HashListEntry['tag'] = null;
		let file: Rec | null = null;
		let signature: HashListEntry['signature'] = null;
		if (type === 'tag') {
			const t = data.tag as Rec | undefined;
			if (!t || typeof t !== 'object' || t.type === undefined || t.value === undefined) throw new HashListError(400, 'Tag data not found', null);
			const tagType = String(t.type);
			let value: string;
			try {
				value = normalizeHashlistItem(tagType, String(t.value));
			} catch {
				throw new HashListError(500, 'Internal Server Error');
			}
			tag = { type: tagType, value };
			hashes = { sha256: sha256(`${tagType}: ${value}`) };
		} else if (type === 'signature') {
			const s = data.signature as Rec | undefined;
			if (!s || typeof s !== 'object' || s.name === undefined) throw new HashListError(400, 'Signature data not found', null);
			signature = { name: String(s.name) };
			hashes = { sha256: sha256(`signature: ${signature.name}`) };
		} else {
			const h = (data.hashes ?? {}) as Record<string, unknown>;
			for (const k of ['md5', 'sha1', 'sha256', 'ssdeep', 'tlsh']) if (typeof h[k] === 'string' && h[k]) hashes[k] = h[k] as string;
			if (this.name === 'safelist') {
				delete hashes.ssdeep;
				delete hashes.tlsh;
			}
			file = (data.file as Rec) ?? {};
		}
		const qhash = ['sha256', 'sha1', 'md5', 'tlsh', 'ssdeep'].map((k) => hashes[k]).find(Boolean);
		if (!qhash) throw new HashListError(400, 'No valid hash found', null);

		if (!Array.isArray(data.sources)) throw new HashListError(500, 'Internal Server Error'); // KeyError / TypeError
		const sources: HashListEntry['sources'] = [];
		let classification = typeof data.classification === 'string' && data.classification ? data.classification : UNRESTRICTED;
		for (const raw of data.sources as Rec[]) {
			const src = (raw ?? {}) as Rec;
			const stype = src.type === 'external' ? 'external' : 'user';
			if (!caller.skipSourceCheck && stype === 'user' && src.name !== caller.name) throw new HashListError(400, `You cannot add a source for another user. ${String(src.name)} != ${caller.name}`, {});
			if (!caller.skipSourceCheck && stype === 'external' && !caller.canImport) throw new HashListError(403, 'You do not have sufficient priviledges to add an external source.', {});
			const reason = Array.isArray(src.reason) ? (src.reason as unknown[]).map(String) : [];
			const sc = typeof src.classification === 'string' && src.classification ? src.classification : UNRESTRICTED;
			if (sc !== UNRESTRICTED) classification = sc; // the default definition normalizes everything to TLP:C
			sources.push({ classification: sc, name: String(src.name), reason, type: stype });
		}

		// dtl (days) wins; else an expiry_ts sent by the caller is kept (core.expiry.*_tag_dtl = 0 by default).
		let expiry: string | null = null;
		const dtl = Number(data.dtl ?? 0);
		if (dtl > 0) expiry = isoMicro(this.now() + dtl * DAY_MS);
		else if (data.expiry_ts !== undefined && data.expiry_ts !== null) {
			const ms = parseDate(data.expiry_ts);
			if (Number.isNaN(ms)) throw new HashListError(500, 'Internal Server Error');
			expiry = isoMicro(ms);
		}

		let attribution: Record<string, string[]> | null = null;
		if (this.name === 'badlist' && data.attribution && typeof data.attribution === 'object') {
			attribution = {};
			for (const k of ATTRIBUTION_KEYS) {
				const v = (data.attribution as Rec)[k];
				if (Array.isArray(v)) attribution[k] = v.map((x) => String(x).toUpperCase());
			}
		}

		this.sweep();
		const old = this.store.get(qhash);
		if (!old) {
			const entry: HashListEntry = {
				added: nowIso, updated: nowIso, classification, enabled: data.enabled === undefined ? true : !!data.enabled,
				expiry_ts: expiry, hashes, sources, tag, file, signature, type: type as HashListEntry['type'],
			};
			if (this.name === 'badlist') entry.attribution = attribution;
			this.store.set(qhash, entry);
			return { op: 'add', hash: qhash };
		}
		// _merge_hashes: validate everything before writing, so a refused update leaves the entry untouched.
		const merged: HashListEntry = structuredClone(old);
		for (const src of sources) {
			const o = merged.sources.find((x) => x.name === src.name);
			if (!o) {
				merged.sources.push(src);
				continue;
			}
			if (o.type !== src.type) throw new HashListError(400, `Invalid data provided: Source ${src.name} has a type conflict: ${o.type} != ${src.type}`, {});
			for (const r of src.reason) if (!o.reason.includes(r)) o.reason.push(r);
			if (src.classification) o.classification = src.classification;
		}
		merged.hashes = { ...merged.hashes, ...hashes };
		if (tag) merged.tag = tag;
		if (signature) merged.signature = signature;
		if (file) merged.file = { ...(merged.file ?? {}), ...file };
		if (classification !== UNRESTRICTED) merged.classification = classification;
		merged.updated = nowIso;
		merged.expiry_ts = expiry;
		if (this.name === 'badlist' && attribution) {
			const a = merged.attribution ?? {};
			for (const [k, v] of Object.entries(attribution)) a[k] = [...new Set([...(a[k] ?? []), ...v])];
			merged.attribution = a;
		}
		this.store.set(qhash, merged);
		return { op: 'update', hash: qhash };
	}

	/** DELETE /api/v4/<list>/<qhash>/: whole entry for managers of all entries, else the caller's own sources. */
	remove(qhash: string, caller: Caller): boolean {
		this.sweep();
		if (caller.canManageAll) {
			this.store.delete(qhash);
			return true;
		}
		const e = this.store.get(qhash);
		if (!e) return false;
		const rest = e.sources.filter((s) => s.name !== caller.name);
		if (rest.length === 0) this.store.delete(qhash);
		else this.store.set(qhash, { ...e, sources: rest });
		return true;
	}

	setEnabled(qhash: string, enabled: boolean): boolean {
		const e = this.get(qhash);
		if (!e) return false;
		this.store.set(qhash, { ...e, enabled, updated: isoMicro(this.now()) });
		return true;
	}

	setExpiry(qhash: string, expiry: string | null): boolean {
		const e = this.get(qhash);
		if (!e) return false;
		this.store.set(qhash, { ...e, expiry_ts: expiry });
		return true;
	}
}

export interface HashListDeps {
	lists: Record<HashListName, HashList>;
	envelope: (status: number, response: unknown, error?: string) => Reply;
	/** Does this user hold the role (admins hold all)? */
	hasRole: (user: NonNullable<Ctx['user']>, role: string) => boolean;
}

/** The safelist and badlist routes, in the order the server must try them. */
export function hashListRoutes({ lists, envelope, hasRole }: HashListDeps): Route[] {
	const callerOf = (ctx: Ctx): Caller => {
		const u = ctx.user!;
		return { name: u.name, canImport: hasRole(u, 'signature_import'), canManageAll: hasRole(u, 'administration') || hasRole(u, 'signature_manage') };
	};
	const listOf = (m: RegExpExecArray) => lists[m[1] as HashListName];
	const notFound = (name: HashListName) => envelope(404, null, `The hash was not found in the ${name}.`);
	// The safelist refuses keys that are not md5/sha1/sha256 long; badlist keys can be tlsh or ssdeep.
	const badLength = (name: HashListName, qhash: string) => name === 'safelist' && ![32, 40, 64].includes(qhash.length);
	// PUT bodies are parsed like POST ones: a body that is not JSON is werkzeug's BadRequest.
	const bodyRefused = (ctx: Ctx): Reply | null => (ctx.rawBody.length && ctx.bodyError ? envelope(400, '', "No data block provided or data block not in JSON format.'") : null);
	const fail = (e: unknown): Reply => {
		if (e instanceof HashListError) return envelope(e.status, e.status === 500 ? '' : e.response, e.message);
		throw e;
	};
	const manage = (m: RegExpExecArray) => `${m[1]}_manage`;
	const view = (m: RegExpExecArray) => `${m[1]}_view`;

	return [
		{
			re: /^\/api\/v4\/(safelist|badlist)\/$/, methods: ['PUT', 'POST'], auth: true, role: manage,
			handle: (m, ctx) => {
				const refused = bodyRefused(ctx);
				if (refused) return refused;
				try {
					const r = listOf(m).addOrUpdate(ctx.body as Rec, callerOf(ctx));
					return envelope(200, { success: true, op: r.op, hash: r.hash });
				} catch (e) {
					return fail(e);
				}
			},
		},
		{
			re: /^\/api\/v4\/(safelist|badlist)\/add_update_many\/$/, methods: ['PUT', 'POST'], auth: true, role: manage,
			handle: (m, ctx) => {
				const refused = bodyRefused(ctx);
				if (refused) return refused;
				if (!Array.isArray(ctx.body)) return envelope(400, '', 'Could not get the list of hashes');
				// No source check against the caller here (the bulk route skips it); one bad item fails the call.
				const caller: Caller = { ...callerOf(ctx), skipSourceCheck: true };
				const items = ctx.body as Rec[];
				try {
					listOf(m).atomically((list) => items.forEach((item) => list.addOrUpdate(item, caller)));
				} catch (e) {
					return fail(e);
				}
				return envelope(200, { success: items.length, errors: false });
			},
		},
		{
			re: /^\/api\/v4\/(safelist|badlist)\/([^/]+)\/$/, methods: ['GET', 'DELETE'], auth: true,
			role: (m, ctx) => (ctx.method === 'GET' ? view(m) : manage(m)),
			handle: (m, ctx) => {
				const list = listOf(m);
				const qhash = decodeURIComponent(m[2]);
				if (badLength(list.name, qhash)) return envelope(400, null, 'Invalid hash length');
				if (ctx.method === 'DELETE') {
					const caller = callerOf(ctx);
					const existed = list.get(qhash) !== undefined;
					if (!existed && !caller.canManageAll) return envelope(200, { success: false });
					return envelope(200, { success: list.remove(qhash, caller) });
				}
				const e = list.get(qhash);
				return e ? envelope(200, e) : notFound(list.name);
			},
		},
		{
			// enable/<qhash>, expiry/<qhash>, signature/<name> (safelist), and <tag_type>/<tag_value>.
			re: /^\/api\/v4\/(safelist|badlist)\/([^/]+)\/([^/]+)\/$/, methods: ['GET', 'PUT', 'DELETE'], auth: true,
			role: (m, ctx) => (ctx.method === 'GET' ? view(m) : manage(m)),
			handle: (m, ctx) => {
				const list = listOf(m);
				const first = decodeURIComponent(m[2]);
				const second = decodeURIComponent(m[3]);
				if (first === 'enable' && ctx.method === 'PUT') {
					const refused = bodyRefused(ctx);
					if (refused) return refused;
					if (badLength(list.name, second)) return envelope(400, null, 'Invalid hash length');
					return envelope(200, { success: list.setEnabled(second, !!ctx.body) });
				}
				if (first === 'expiry' && (ctx.method === 'PUT' || ctx.method === 'DELETE')) {
					if (ctx.method === 'DELETE') return envelope(200, { success: list.setExpiry(second, null) });
					const refused = bodyRefused(ctx);
					if (refused) return refused;
					if (typeof ctx.body !== 'string' || !ISO_MICRO.test(ctx.body)) {
						return envelope(400, null, 'Invalid date format, must match ISO9660 format (0000-00-00T00:00:00.000000Z)');
					}
					return envelope(200, { success: list.setExpiry(second, ctx.body) });
				}
				if (ctx.method !== 'GET') return envelope(404, '', `Api does not exist (${ctx.path})`);
				if (first === 'signature' && list.name === 'safelist') {
					const e = list.get(sha256(`signature: ${second}`));
					return e ? envelope(200, e) : envelope(404, null, 'The hash was not found in the safelist.');
				}
				// Werkzeug decodes the path before routing: a value holding "/" matches no route.
				if (second.includes('/')) return envelope(404, '', `Api does not exist (${decodeURIComponent(ctx.path)})`);
				// The tag route hashes the value as given, without normalization.
				const e = list.get(sha256(`${first}: ${second}`));
				return e ? envelope(200, e) : notFound(list.name);
			},
		},
	];
}
