/**
 * Microsoft Defender for Endpoint custom indicators (IP address, domain, URL), from
 * MicrosoftDocs/defender-docs, defender-endpoint/api/:
 * - import-ti-indicators.md: `POST /api/indicators/import` `{"Indicators":[…]}`, at most 500 per call,
 *   30 calls per minute; per-item `isFailed` / `failureReason` in a 200 answer;
 * - get-ti-indicators-collection.md: `GET /api/indicators` with `$top` (≤ 10,000) and `$skip`;
 *   100 calls per minute, 1,500 per hour;
 * - batch-delete-ti-indicators.md: `POST /api/indicators/BatchDelete` `{"IndicatorIds":[…]}`, at most 500;
 *   30 calls per minute, 1,500 per hour;
 * - post-ti-indicator.md / ti-indicator.md: fields, `expirationTime` (ISO 8601 UTC), `Audit` needs `generateAlert`;
 * - ../indicator-manage.md: an indicator is deleted when it expires; 15,000 active indicators per tenant.
 * Re-adding: submitting the same value and type again updates the indicator instead of adding one
 * (a Microsoft reply in MicrosoftDocs/microsoft-365-docs issue #4927), so a re-add refreshes the expiry;
 * the node reads the tenant's indicators first to tell `added` from `already_present`.
 */
import { assumeListed, baseUrl, refuseAuth, TargetError } from './types';
import type * as T from './types';

const TYPE_OF: Record<string, string> = { ip: 'IpAddress', domain: 'DomainName', uri: 'Url' };
const PAGE = 10_000;

interface Existing {
	id: string;
	indicatorValue: string;
	indicatorType: string;
}

const keyOf = (type: string, value: string) => `${type}|${value.toLowerCase()}`;

function api(settings: T.TargetSettings, path: string): string {
	return `${baseUrl(settings.credentials.apiUrl || 'https://api.securitycenter.microsoft.com')}${path}`;
}

function errorOf(body: unknown): { code?: string; message?: string } {
	const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
	return typeof error === 'object' && error !== null ? error : {};
}

function failWhole(response: T.TargetResponse, what: string): never {
	const { code, message } = errorOf(response.body);
	const said = [code, message].filter(Boolean).join(': ').slice(0, 300);
	refuseAuth(response, {
		401: `Microsoft Defender refused the access token (401${said ? `, ${said}` : ''}). Check the Tenant ID, Client ID and Client Secret of the credential.`,
		403: `Microsoft Defender denied access (403${said ? `, ${said}` : ''}). Give the app registration the application permission Ti.ReadWrite (or Ti.ReadWrite.All) on the WindowsDefenderATP API and grant admin consent.`,
	});
	throw new TargetError(
		`Microsoft Defender could not ${what} (HTTP ${response.status}${said ? `, ${said}` : ''}).`,
		response.status === 404,
		response.status,
	);
}

/** The tenant's indicators of the three network types, by type and value. */
async function readExisting(
	io: T.Io,
	iocs: T.PushIoc[],
	operation: 'add' | 'remove',
	settings: T.TargetSettings,
): Promise<Map<string, Existing>> {
	const found = new Map<string, Existing>();
	for (let skip = 0; ; skip += PAGE) {
		const assumed = assumeListed(io, operation, iocs, (ioc) => ({
			id: `<id of ${ioc.value}>`,
			indicatorValue: ioc.value,
			indicatorType: TYPE_OF[ioc.type],
		}));
		const response = await io.send({
			method: 'GET',
			url: api(settings, '/api/indicators'),
			qs: { $top: PAGE, $skip: skip },
			bucket: 'list',
			assume: { status: 200, body: { value: assumed } },
		});
		if (response.status !== 200) failWhole(response, 'list the indicators');
		const rows = ((response.body as { value?: Existing[] })?.value ?? []) as Existing[];
		for (const row of rows) found.set(keyOf(row.indicatorType, String(row.indicatorValue)), row);
		if (rows.length < PAGE) return found;
	}
}

function indicator(ioc: T.PushIoc, settings: T.TargetSettings) {
	const p = settings.params;
	const action = String(p.indicatorAction ?? 'Block');
	return {
		indicatorValue: ioc.value,
		indicatorType: TYPE_OF[ioc.type],
		action,
		title: String(p.title || 'Blocked by n8n'),
		description: String(p.description || `${TYPE_OF[ioc.type]} ${ioc.value}, pushed by n8n`),
		severity: String(p.severity ?? 'High'),
		generateAlert: action === 'Audit' ? true : Boolean(p.generateAlert ?? true),
		...(ioc.expiresAt ? { expirationTime: ioc.expiresAt } : {}),
	};
}

export const defender: T.Target = {
	id: 'defender',
	name: 'Microsoft Defender for Endpoint',
	credentialType: 'blockDefenderApi',
	secretFields: ['clientSecret', 'accessToken'],
	batch: { add: 500, remove: 500 },
	buckets: {
		list: { perMinute: 100, perHour: 1500, source: 'get-ti-indicators-collection.md' },
		import: { perMinute: 30, source: 'import-ti-indicators.md' },
		batchDelete: { perMinute: 30, perHour: 1500, source: 'batch-delete-ti-indicators.md' },
	},
	tokenAuth: true,
	unsupported: () => null,
	prepare: async (io, iocs, operation, settings) =>
		await readExisting(io, iocs, operation, settings),
	async add(io, batch, settings, prepared) {
		const existing = prepared as Map<string, Existing>;
		const body = { Indicators: batch.map((ioc) => indicator(ioc, settings)) };
		const response = await io.send({
			method: 'POST',
			url: api(settings, '/api/indicators/import'),
			json: body,
			bucket: 'import',
			entries: batch.length,
			assume: {
				status: 200,
				body: {
					value: batch.map((ioc) => ({
						id: null,
						indicator: ioc.value,
						isFailed: false,
						failureReason: null,
					})),
				},
			},
		});
		if (response.status !== 200) failWhole(response, 'import the indicators');
		const rows = ((response.body as { value?: unknown[] })?.value ?? []) as Array<{
			id?: string | null;
			indicator?: string;
			isFailed?: boolean;
			failureReason?: string | null;
		}>;
		const results = new Map<string, T.PushResult>();
		batch.forEach((ioc, i) => {
			const row =
				rows[i]?.indicator === ioc.value ? rows[i] : rows.find((r) => r.indicator === ioc.value);
			const before = existing.get(keyOf(TYPE_OF[ioc.type], ioc.value));
			if (!row)
				results.set(ioc.key, {
					status: 'failed',
					error: `Microsoft Defender's answer did not mention ${ioc.value}; run again to retry it.`,
				});
			else if (row.isFailed)
				results.set(ioc.key, {
					status: 'failed',
					error: `Microsoft Defender refused ${ioc.value}: ${String(row.failureReason ?? 'no reason given').slice(0, 300)}`,
				});
			else
				results.set(ioc.key, {
					status: before ? 'already_present' : 'added',
					target_id: row.id ?? before?.id ?? null,
					expires_at: ioc.expiresAt,
					...(before ? { expiry_refreshed: true } : {}),
				});
		});
		return results;
	},
	async remove(io, batch, settings, prepared) {
		const existing = prepared as Map<string, Existing>;
		const results = new Map<string, T.PushResult>();
		const present: Array<[T.PushIoc, string]> = [];
		for (const ioc of batch) {
			const found = existing.get(keyOf(TYPE_OF[ioc.type], ioc.value));
			if (found) present.push([ioc, String(found.id)]);
			else results.set(ioc.key, { status: 'not_present', target_id: null });
		}
		if (present.length === 0) return results;
		const response = await io.send({
			method: 'POST',
			url: api(settings, '/api/indicators/BatchDelete'),
			json: { IndicatorIds: present.map(([, id]) => id) },
			bucket: 'batchDelete',
			entries: present.length,
			assume: { status: 204, body: '' },
		});
		// 404: the ids went away meanwhile (expired); they are gone either way.
		if (response.status === 404)
			for (const [ioc, id] of present)
				results.set(ioc.key, { status: 'not_present', target_id: id });
		else if (response.status >= 300) failWhole(response, 'delete the indicators');
		else
			for (const [ioc, id] of present) results.set(ioc.key, { status: 'removed', target_id: id });
		return results;
	},
};
