/**
 * CrowdStrike Falcon IOC management (IPs and domains), from CrowdStrike/falconpy
 * (src/falconpy/_endpoint/_ioc.py, src/falconpy/_payload/_ioc.py) and CrowdStrike/psfalcon
 * (public/iocs.ps1, wiki New-FalconIoc): create with `POST /iocs/entities/indicators/v1`, update with
 * PATCH, delete with `DELETE …?ids=`, search with `GET /iocs/combined/indicator/v1?filter=<FQL>`;
 * `expiration` (on expiry the action becomes `no_action`). The create error for a value that exists
 * is not documented, so each batch is looked up first: new IoCs are created (`added`), existing ones
 * are updated with the new expiry (`already_present`, `expiry_refreshed`).
 * Limits: PSFalcon sends at most 2,000 indicators per request (not confirmed as a server limit);
 * batches of 500 here keep every lookup URL short (100 values each). Falcon's request rate is not
 * published (responses carry X-Ratelimit-*; 429 is retried with Retry-After).
 * URLs are not a Falcon IOC type.
 */
import { baseUrl, refuseAuth, TargetError } from './types';
import type * as T from './types';

const LOOKUP = 100;

interface Indicator {
	id: string;
	type: string;
	value: string;
}

const typeOf = (ioc: T.PushIoc) =>
	ioc.type === 'domain' ? 'domain' : ioc.ipVersion === 6 ? 'ipv6' : 'ipv4';
const keyOf = (type: string, value: string) => `${type}|${value}`;
const fql = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function api(settings: T.TargetSettings, path: string): string {
	return `${baseUrl(settings.credentials.baseUrl || 'https://api.crowdstrike.com')}${path}`;
}

function errorsOf(body: unknown): string {
	const errors = (body as { errors?: Array<{ message?: string }> } | undefined)?.errors ?? [];
	return errors
		.map((e) => String(e.message ?? ''))
		.filter(Boolean)
		.join('; ')
		.slice(0, 300);
}

function failWhole(response: T.TargetResponse, what: string): never {
	const said = errorsOf(response.body);
	refuseAuth(response, {
		401: `CrowdStrike refused the access token (401${said ? `, ${said}` : ''}). Check the Client ID, Client Secret and Cloud of the credential.`,
		403: `CrowdStrike denied access (403${said ? `, ${said}` : ''}). Give the API client the scope "IOC Manager APIs: Write" (Support → API Clients and Keys).`,
	});
	throw new TargetError(
		`CrowdStrike could not ${what} (HTTP ${response.status}${said ? `, ${said}` : ''}).`,
		response.status === 404,
		response.status,
	);
}

/** The batch's indicators that Falcon has, by type and value. */
async function lookup(
	io: T.Io,
	batch: T.PushIoc[],
	settings: T.TargetSettings,
	assumePresent: boolean,
): Promise<Map<string, Indicator>> {
	const found = new Map<string, Indicator>();
	for (let start = 0; start < batch.length; start += LOOKUP) {
		const part = batch.slice(start, start + LOOKUP);
		const response = await io.send({
			method: 'GET',
			url: api(settings, '/iocs/combined/indicator/v1'),
			qs: { filter: `value:[${part.map((ioc) => fql(ioc.value)).join(',')}]`, limit: 2000 },
			bucket: 'api',
			assume: {
				status: 200,
				body: {
					resources: assumePresent
						? part.map((ioc) => ({
								id: `<id of ${ioc.value}>`,
								type: typeOf(ioc),
								value: ioc.value,
							}))
						: [],
				},
			},
		});
		if (response.status !== 200) failWhole(response, 'search the indicators');
		for (const row of ((response.body as { resources?: Indicator[] })?.resources ??
			[]) as Indicator[])
			found.set(keyOf(row.type, row.value), row);
	}
	return found;
}

export const crowdstrike: T.Target = {
	id: 'crowdstrike',
	name: 'CrowdStrike Falcon',
	credentialType: 'blockCrowdStrikeApi',
	secretFields: ['clientSecret', 'accessToken'],
	batch: { add: 500, remove: 500 },
	buckets: { api: {} },
	tokenAuth: true,
	unsupported(ioc) {
		return ioc.type === 'uri'
			? 'CrowdStrike Falcon IOCs are IP addresses, domains and file hashes; a URL is not an IOC type. Block its domain instead.'
			: null;
	},
	async add(io, batch, settings) {
		const existing = await lookup(io, batch, settings, false);
		const p = settings.params;
		const fields = (ioc: T.PushIoc) => ({
			action: String(p.falconAction ?? 'detect'),
			severity: String(p.falconSeverity ?? 'high'),
			platforms: ['windows', 'mac', 'linux'],
			description: 'Pushed by n8n',
			...(ioc.expiresAt ? { expiration: ioc.expiresAt.replace(/\.\d+Z$/, 'Z') } : {}),
		});
		const results = new Map<string, T.PushResult>();
		const fresh = batch.filter((ioc) => !existing.has(keyOf(typeOf(ioc), ioc.value)));
		const known = batch.filter((ioc) => existing.has(keyOf(typeOf(ioc), ioc.value)));
		if (fresh.length > 0) {
			const response = await io.send({
				method: 'POST',
				url: api(settings, '/iocs/entities/indicators/v1'),
				json: {
					comment: 'n8n',
					indicators: fresh.map((ioc) => ({
						type: typeOf(ioc),
						value: ioc.value,
						applied_globally: true,
						source: 'n8n',
						...fields(ioc),
					})),
				},
				bucket: 'api',
				entries: fresh.length,
				assume: {
					status: 201,
					body: {
						resources: fresh.map((ioc) => ({ id: null, type: typeOf(ioc), value: ioc.value })),
						errors: [],
					},
				},
			});
			if (response.status >= 300 && !(response.status === 400 && errorsOf(response.body)))
				failWhole(response, 'create the indicators');
			const made = new Map(
				((response.body as { resources?: Indicator[] })?.resources ?? []).map((r) => [
					keyOf(r.type, r.value),
					r,
				]),
			);
			const why = errorsOf(response.body) || 'not created';
			for (const ioc of fresh) {
				const row = made.get(keyOf(typeOf(ioc), ioc.value));
				results.set(
					ioc.key,
					row
						? { status: 'added', target_id: row.id, expires_at: ioc.expiresAt }
						: { status: 'failed', error: `CrowdStrike refused ${ioc.value}: ${why}` },
				);
			}
		}
		if (known.length > 0) {
			const response = await io.send({
				method: 'PATCH',
				url: api(settings, '/iocs/entities/indicators/v1'),
				json: {
					comment: 'n8n',
					indicators: known.map((ioc) => ({
						id: existing.get(keyOf(typeOf(ioc), ioc.value))!.id,
						...fields(ioc),
					})),
				},
				bucket: 'api',
				entries: known.length,
				assume: { status: 200, body: { resources: [], errors: [] } },
			});
			if (response.status >= 300) failWhole(response, 'update the indicators');
			for (const ioc of known)
				results.set(ioc.key, {
					status: 'already_present',
					target_id: existing.get(keyOf(typeOf(ioc), ioc.value))!.id,
					expires_at: ioc.expiresAt,
					expiry_refreshed: true,
				});
		}
		return results;
	},
	async remove(io, batch, settings) {
		const existing = await lookup(io, batch, settings, io.dryRun);
		const results = new Map<string, T.PushResult>();
		const present = batch.filter((ioc) => existing.has(keyOf(typeOf(ioc), ioc.value)));
		for (const ioc of batch)
			if (!present.includes(ioc)) results.set(ioc.key, { status: 'not_present', target_id: null });
		for (let start = 0; start < present.length; start += LOOKUP) {
			const part = present.slice(start, start + LOOKUP);
			const ids = part.map((ioc) => existing.get(keyOf(typeOf(ioc), ioc.value))!.id);
			const response = await io.send({
				method: 'DELETE',
				url: `${api(settings, '/iocs/entities/indicators/v1')}?${ids.map((id) => `ids=${encodeURIComponent(id)}`).join('&')}&comment=n8n`,
				bucket: 'api',
				entries: ids.length,
				assume: { status: 200, body: { resources: ids, errors: [] } },
			});
			if (response.status >= 300) failWhole(response, 'delete the indicators');
			part.forEach((ioc, i) => results.set(ioc.key, { status: 'removed', target_id: ids[i] }));
		}
		return results;
	},
};
