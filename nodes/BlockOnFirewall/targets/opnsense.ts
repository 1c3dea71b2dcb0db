/**
 * OPNsense: IP addresses added to and deleted from an alias's pf table, one address per call, from
 * opnsense/core:src/opnsense/mvc/app/controllers/OPNsense/Firewall/Api/AliasUtilController.php
 * (`alias_util/add|delete|list/<alias>`, answers `{"status":"done"}`, `"not_an_address"`, or
 * `"failed"` with `status_msg`, all with HTTP 200) and docs.opnsense.org/manual/aliases.html.
 * Add and delete succeed whether or not the address is there, so the alias is listed first to tell
 * `added` from `already_present` and `removed` from `not_present`. OPNsense has no expiry: remove
 * blocks later (e.g. from the blocklist's expired rows). For a Host(s) or Network(s) alias the
 * change is saved in the configuration; for an External (advanced) alias only the live table
 * changes and is lost on reboot. No documented request rate: calls go one at a time.
 */
import { assumeListed, baseUrl, refuseAuth, TargetError } from './types';
import type * as T from './types';

const PAGE = 1000;

function aliasOf(settings: T.TargetSettings): string {
	return String(settings.params.alias ?? '').trim();
}

function url(settings: T.TargetSettings, action: string): string {
	return `${baseUrl(settings.credentials.url)}/api/firewall/alias_util/${action}/${encodeURIComponent(aliasOf(settings))}`;
}

function failWhole(response: T.TargetResponse, settings: T.TargetSettings): never {
	refuseAuth(response, {
		401: 'OPNsense refused the API key and secret (401). Check both in the credential (System → Access → Users → API keys).',
		403: 'OPNsense denied access (403): give the API key\'s user the privilege "Firewall: Alias: Edit" (and "Firewall: Aliases").',
	});
	const body = response.body as { status?: string; status_msg?: string } | undefined;
	if (body?.status === 'failed' && /non existing alias/.test(String(body.status_msg))) {
		throw new TargetError(
			`OPNsense has no alias "${aliasOf(settings)}". Create it under Firewall → Aliases (type Host(s) or External (advanced)) and use it in a block rule.`,
			true,
		);
	}
	throw new TargetError(
		`OPNsense answered HTTP ${response.status}${body?.status ? ` (${body.status})` : ''}. Check the URL in the credential.`,
		response.status === 404,
	);
}

/** The addresses in the alias now. */
async function list(
	io: T.Io,
	iocs: T.PushIoc[],
	operation: 'add' | 'remove',
	settings: T.TargetSettings,
): Promise<Set<string>> {
	if (!aliasOf(settings))
		throw new TargetError(
			'Set the Alias: the OPNsense alias your block rule uses (e.g. n8n_block).',
			true,
		);
	const found = new Set<string>();
	for (let current = 1; ; current++) {
		const assumed = assumeListed(io, operation, iocs, (ioc) => ({ ip: ioc.value }));
		const response = await io.send({
			method: 'POST',
			url: url(settings, 'list'),
			json: { rowCount: PAGE, current },
			bucket: 'api',
			assume: {
				status: 200,
				body: { total: assumed.length, rowCount: assumed.length, current: 1, rows: assumed },
			},
		});
		if (response.status !== 200) failWhole(response, settings);
		// Old releases answered a plain sorted array (opnsense/core commit 0529ce6).
		const body = response.body as { total?: number; rows?: Array<{ ip?: string }> } | string[];
		const rows = Array.isArray(body) ? body.map((ip) => ({ ip })) : (body?.rows ?? []);
		for (const row of rows) if (row.ip) found.add(String(row.ip).replace(/\/(32|128)$/, ''));
		if (Array.isArray(body) || rows.length < PAGE || found.size >= Number(body?.total ?? 0))
			return found;
	}
}

const change: T.Change<'add' | 'delete'> = async (io, batch, settings, prepared, action) => {
	const present = prepared as Set<string>;
	const results = new Map<string, T.PushResult>();
	for (const ioc of batch) {
		const there = present.has(ioc.value);
		if ((action === 'add' && there) || (action === 'delete' && !there)) {
			results.set(ioc.key, {
				status: action === 'add' ? 'already_present' : 'not_present',
				target_id: null,
				...(action === 'add' ? { expires_at: null } : {}),
			});
			continue;
		}
		const response = await io.send({
			method: 'POST',
			url: url(settings, action),
			json: { address: ioc.value },
			bucket: 'api',
			entries: 1,
			assume: { status: 200, body: { status: 'done' } },
		});
		const status = (response.body as { status?: string } | undefined)?.status;
		if (response.status !== 200 || status === 'failed') failWhole(response, settings);
		if (status === 'done')
			results.set(ioc.key, {
				status: action === 'add' ? 'added' : 'removed',
				target_id: null,
				...(action === 'add' ? { expires_at: null } : {}),
			});
		else
			results.set(ioc.key, {
				status: 'failed',
				error: `OPNsense refused ${ioc.value}: ${String(status ?? 'no status')}.`,
			});
	}
	return results;
};

export const opnsense: T.Target = {
	id: 'opnsense',
	name: 'OPNsense',
	credentialType: 'blockOpnsenseApi',
	secretFields: ['apiKey', 'apiSecret'],
	batch: { add: 1, remove: 1 },
	buckets: { api: {} },
	unsupported(ioc) {
		return ioc.type === 'ip'
			? null
			: `OPNsense aliases hold IP addresses; a ${ioc.type === 'uri' ? 'URL' : 'domain'} cannot be added.`;
	},
	prepare: async (io, iocs, operation, settings) => await list(io, iocs, operation, settings),
	add: async (io, batch, settings, prepared) => await change(io, batch, settings, prepared, 'add'),
	remove: async (io, batch, settings, prepared) =>
		await change(io, batch, settings, prepared, 'delete'),
};
