/**
 * Palo Alto Networks PAN-OS: IP addresses registered to a tag, with a timeout, for Dynamic Address
 * Groups (XML API, User-ID `register` / `unregister`). Takes effect without a commit.
 * Sources:
 * - docs.paloaltonetworks.com/ngfw/api/pan-os-xml-api-use-cases/apply-user-id-mapping-and-populate-dynamic-address-groups-api
 *   and PaloAltoNetworks/pan.dev:products/panos/docs/tutorials/automating-ip-blocking.mdx: the uid-message,
 *   `persistent`, `timeout` per tag member (PAN-OS 9.0+, at most 2,592,000 s), POST for messages over 2 KB,
 *   5 MB per request;
 * - PaloAltoNetworks/pan-os-python:panos/userid.py: a duplicate register answers "… already exists, ignore",
 *   an unregister of a missing tag "… does not exist, ignore unreg" (both ignored there: success here);
 * - docs.paloaltonetworks.com/ngfw/api/getting-started/pan-os-xml-api-error-codes: 403 = bad key or no permission;
 * - docs.paloaltonetworks.com/pan-os/10-1/pan-os-panorama-api/pan-os-xml-api-request-types/apply-user-id-mapping-and-populate-dynamic-address-groups-api:
 *   "queue events and perform batch API updates" and "Limit the number of concurrent API calls to five"
 *   (the management plane's web server also serves the web interface).
 * Not documented: an entry count or request rate per message (1,000 entries stay far below 5 MB), and
 * whether a re-register refreshes a running timeout: an entry that was already there is reported with
 * `expiry_refreshed: false`.
 */
import { baseUrl, TargetError } from './types';
import type * as T from './types';

/** 30 days, the documented maximum timeout. */
export const PANOS_MAX_TIMEOUT_S = 2_592_000;

const xml = (s: string) =>
	// A checked IP has no character to escape: skip the five passes for 10,000 of them.
	!/[&<>"']/.test(s)
		? s
		: s
				.replace(/&/g, '&amp;')
				.replace(/</g, '&lt;')
				.replace(/>/g, '&gt;')
				.replace(/"/g, '&quot;')
				.replace(/'/g, '&apos;');
const unxml = (s: string) =>
	s
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&apos;/g, "'")
		.replace(/&amp;/g, '&');

/** Seconds until `expiresAt` (at least 1, at most 30 days), or 0 for no expiry. */
export function panosTimeout(expiresAt: string | null, now: number): number {
	if (!expiresAt) return 0;
	const seconds = Math.ceil((Date.parse(expiresAt) - now) / 1000);
	return Math.min(PANOS_MAX_TIMEOUT_S, Math.max(1, seconds));
}

/**
 * `panosTimeout` and the result of an added entry, once per distinct `expiresAt` of a run (most
 * IoCs share one): parsing and formatting dates per IoC cost more than building the message (bench
 * case 7). Results are shared between IoCs: the engine only reads them.
 */
function timeouts(now: number) {
	const seen = new Map<string | null, { timeout: number; added: T.PushResult }>();
	return (expiresAt: string | null) => {
		let known = seen.get(expiresAt);
		if (!known) {
			const timeout = panosTimeout(expiresAt, now);
			const expires = timeout > 0 ? new Date(now + timeout * 1000).toISOString() : null;
			known = { timeout, added: { status: 'added', target_id: null, expires_at: expires } };
			seen.set(expiresAt, known);
		}
		return known;
	};
}

const ALREADY_PRESENT: T.PushResult = {
	status: 'already_present',
	target_id: null,
	expiry_refreshed: false,
};
const REMOVED: T.PushResult = { status: 'removed', target_id: null };
const NOT_PRESENT: T.PushResult = { status: 'not_present', target_id: null };
const NONE: readonly string[] = [];
const IPV4_TEXT = /^[\d.]+$/;

function tagOf(settings: T.TargetSettings): string {
	return String(settings.params.tag ?? '').trim();
}

function request(
	settings: T.TargetSettings,
	section: 'register' | 'unregister',
	batch: T.PushIoc[],
	timeoutOf: ReturnType<typeof timeouts>,
) {
	// The message goes out percent-encoded (`formEncoded`), built from parts encoded once: encoding
	// the whole 100 KB message per request cost as much as the rest of the request (bench case 7).
	const enc = encodeURIComponent;
	const tag = xml(tagOf(settings));
	const open = enc('<entry ip="');
	const tails = new Map<number, string>();
	const tailOf = (ioc: T.PushIoc) => {
		const timeout = section === 'register' ? timeoutOf(ioc.expiresAt).timeout : -1;
		let tail = tails.get(timeout);
		if (tail === undefined) {
			tail = enc(
				timeout < 0
					? `"><tag><member>${tag}</member></tag></entry>`
					: // Expiring registrations are not persistent (the pan.dev example; XSOAR: timeout cannot go with persistent).
						`" persistent="${timeout > 0 ? 0 : 1}"><tag><member timeout="${timeout}">${tag}</member></tag></entry>`,
			);
			tails.set(timeout, tail);
		}
		return tail;
	};
	let cmd = enc(`<uid-message><version>2.0</version><type>update</type><payload><${section}>`);
	// An IPv4 address has nothing to escape or encode: skip both for most entries.
	for (const ioc of batch)
		cmd += open + (IPV4_TEXT.test(ioc.value) ? ioc.value : enc(xml(ioc.value))) + tailOf(ioc);
	cmd += enc(`</${section}></payload></uid-message>`);
	const vsys = String(settings.credentials.vsys ?? '').trim();
	return {
		method: 'POST' as const,
		url: `${baseUrl(settings.credentials.url)}/api/`,
		formEncoded: { type: 'user-id', cmd, ...(vsys ? { vsys: enc(vsys) } : {}) },
		bucket: 'api',
		entries: batch.length,
		assume: {
			status: 200,
			body: '<response status="success"><result><uid-response><version>2.0</version><payload/></uid-response></result></response>',
		},
	};
}

/** The per-entry messages of an error response: ip → message. */
function entryMessages(text: string): Map<string, string[]> {
	const out = new Map<string, string[]>();
	for (const m of text.matchAll(/<entry\s+ip="([^"]*)"\s+message="([^"]*)"\s*\/?>/g)) {
		const ip = unxml(m[1]);
		out.set(ip, [...(out.get(ip) ?? []), unxml(m[2])]);
	}
	return out;
}

/** The `<msg>` text of an error response. */
function errorText(text: string): string {
	const msg = /<msg>([\s\S]*?)<\/msg>/.exec(text)?.[1] ?? '';
	return unxml(
		msg
			.replace(/<[^>]+>/g, ' ')
			.replace(/\s+/g, ' ')
			.trim(),
	).slice(0, 300);
}

function failWhole(response: T.TargetResponse, text: string): never {
	const code = /<response[^>]*\bcode="(\d+)"/.exec(text)?.[1];
	const msg = errorText(text);
	if (response.status === 401 || response.status === 403 || code === '403') {
		throw new TargetError(
			`PAN-OS refused the API key (${msg || 'HTTP ' + response.status}). Generate a new key (type=keygen) for an administrator whose Admin Role allows the XML API's User-ID Agent, and update the PAN-OS credential.`,
			true,
			403,
		);
	}
	if (response.status >= 400)
		throw new TargetError(
			`PAN-OS answered HTTP ${response.status}${msg ? `: ${msg}` : ''}. Check the firewall URL in the credential.`,
			response.status === 404,
			response.status,
		);
	throw new TargetError(
		`PAN-OS refused the request${code ? ` (error code ${code})` : ''}${msg ? `: ${msg}` : ''}.`,
		false,
	);
}

async function run(
	io: T.Io,
	batch: T.PushIoc[],
	settings: T.TargetSettings,
	section: 'register' | 'unregister',
): Promise<Map<string, T.PushResult>> {
	if (!tagOf(settings))
		throw new TargetError(
			'Set the Tag: the tag your Dynamic Address Group matches (e.g. n8n-block).',
			true,
		);
	const timeoutOf = timeouts(settings.now);
	const response = await io.send(request(settings, section, batch, timeoutOf));
	const text =
		typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? '');
	const success = /<response[^>]*status="success"/.test(text);
	const messages = success ? new Map<string, string[]>() : entryMessages(text);
	if (!success && (response.status !== 200 || messages.size === 0)) failWhole(response, text);
	const results = new Map<string, T.PushResult>();
	for (const ioc of batch) {
		const said = messages.get(ioc.value) ?? NONE;
		if (section === 'register') {
			if (said.length === 0) results.set(ioc.key, timeoutOf(ioc.expiresAt).added);
			else if (said.every((m) => m.endsWith('already exists, ignore')))
				results.set(ioc.key, ALREADY_PRESENT);
			else
				results.set(ioc.key, {
					status: 'failed',
					error: `PAN-OS refused ${ioc.value}: ${said.join('; ')}`,
				});
		} else if (said.length === 0) results.set(ioc.key, REMOVED);
		else if (said.every((m) => m.endsWith('does not exist, ignore unreg')))
			results.set(ioc.key, NOT_PRESENT);
		else
			results.set(ioc.key, {
				status: 'failed',
				error: `PAN-OS refused ${ioc.value}: ${said.join('; ')}`,
			});
	}
	return results;
}

export const panos: T.Target = {
	id: 'panos',
	name: 'PAN-OS',
	credentialType: 'blockPanOsApi',
	secretFields: ['apiKey'],
	batch: { add: 1000, remove: 1000 },
	// No documented request rate for the User-ID API; at most five concurrent calls. Two: the node
	// builds the next message while the firewall applies one, and leaves the rest to the web interface.
	buckets: { api: {} },
	concurrency: 2,
	unsupported(ioc) {
		if (ioc.type !== 'ip') {
			return `PAN-OS tags IP addresses for Dynamic Address Groups; a ${ioc.type === 'uri' ? 'URL' : 'domain'} cannot be tagged. Serve it on an External Dynamic List instead.`;
		}
		return null;
	},
	add: async (io, batch, settings) => await run(io, batch, settings, 'register'),
	remove: async (io, batch, settings) => await run(io, batch, settings, 'unregister'),
};
