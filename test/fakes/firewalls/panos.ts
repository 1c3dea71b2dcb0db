/**
 * Fake PAN-OS XML API: User-ID tag registration for Dynamic Address Groups. Written from
 * - pan.dev, "Automating IP blocking" (PaloAltoNetworks/pan.dev:products/panos/docs/tutorials/automating-ip-blocking.mdx)
 *   and docs.paloaltonetworks.com/ngfw/api/pan-os-xml-api-use-cases/apply-user-id-mapping-and-populate-dynamic-address-groups-api:
 *   `POST /api/?type=user-id` with `cmd=<uid-message>…<register>/<unregister>…`, `X-PAN-KEY`,
 *   `persistent`, `timeout` per tag member (seconds, at most 2,592,000), 5 MB per request;
 * - PaloAltoNetworks/pan-os-python:panos/userid.py: a duplicate register fails with a message ending
 *   "already exists, ignore", an unregister of a missing tag with "does not exist, ignore unreg";
 *   `<show><object><registered-ip>` lists the registrations;
 * - docs.paloaltonetworks.com/ngfw/api/getting-started/pan-os-xml-api-error-codes: code 403 for a
 *   bad key or a missing permission;
 * - docs.paloaltonetworks.com/pan-os/9-1/pan-os-panorama-api/get-started-with-the-pan-os-xml-api/get-your-api-key:
 *   `type=keygen` with `user`/`password`.
 * Not documented, so chosen here: the per-entry error XML (`<entry ip=… message=…/>` inside the
 * uid-response, with `status="error"` for the whole response while the other entries apply), that a
 * re-register keeps the running timeout, and the answer to an unparsable IP (a per-entry message).
 */
import { isIP } from 'node:net';

import { FakeServer, noteEntries, type FakeReply, type FakeRequest } from './framework.ts';

export const PANOS_KEY = 'LUFRPT1PANOSKEY-a8f3e1c9d7b5==';

const MAX_BODY = 5 * 1024 * 1024;
const MAX_TIMEOUT = 2_592_000;
/** Tags per registered IP (api-lab.paloaltonetworks.com/registered-ip.html). */
const MAX_TAGS = 32;

interface Registration {
	/** Epoch ms on the fake's clock, or null for no timeout. */
	expiresAt: number | null;
	persistent: boolean;
}

const xmlText = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
const xmlAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

export class FakePanos extends FakeServer {
	/** ip → tag → registration. */
	readonly registered = new Map<string, Map<string, Registration>>();

	keys = new Set([PANOS_KEY]);

	users = new Map([['n8n-api', 'correct horse battery']]);

	constructor() {
		super('PAN-OS');
		this.route('POST', /^\/api\/?$/, (req) => this.api(req), 'api');
		this.route('GET', /^\/api\/?$/, (req) => this.api(req), 'api');
	}

	/** The live registrations (expired ones dropped), as `{ip: {tag: expiresAt|null}}`. */
	state(): Record<string, Record<string, number | null>> {
		this.expire();
		const out: Record<string, Record<string, number | null>> = {};
		for (const [ip, tags] of this.registered) out[ip] = Object.fromEntries([...tags].map(([tag, r]) => [tag, r.expiresAt]));
		return out;
	}

	/** IPs carrying `tag`. */
	ipsWithTag(tag: string): string[] {
		this.expire();
		return [...this.registered].filter(([, tags]) => tags.has(tag)).map(([ip]) => ip);
	}

	reset(): void {
		this.registered.clear();
		this.clock.reset();
		this.resetLog();
	}

	private expire(): void {
		const now = this.clock.now();
		for (const [ip, tags] of this.registered) {
			for (const [tag, r] of tags) if (r.expiresAt !== null && r.expiresAt <= now) tags.delete(tag);
			if (tags.size === 0) this.registered.delete(ip);
		}
	}

	private param(req: FakeRequest, name: string): string | null {
		return req.form.get(name) ?? req.query.get(name);
	}

	private api(req: FakeRequest): FakeReply {
		const type = this.param(req, 'type');
		if (type === 'keygen') {
			const user = this.param(req, 'user') ?? '';
			if (this.users.get(user) !== this.param(req, 'password')) return error(403, 'Invalid Credential');
			return ok(`<result><key>${PANOS_KEY}</key></result>`);
		}
		const key = (req.headers['x-pan-key'] as string | undefined) ?? this.param(req, 'key');
		if (!key || !this.keys.has(key)) return error(403, 'Invalid Credential');
		if (Buffer.byteLength(req.rawBody) > MAX_BODY) return error(400, 'Request exceeds the 5 MB limit');
		this.expire();
		if (type === 'version') return ok('<result><sw-version>11.1.2</sw-version><model>PA-VM</model></result>');
		if (type === 'op') return this.op(this.param(req, 'cmd') ?? '');
		if (type === 'user-id') return this.userId(this.param(req, 'cmd') ?? '');
		return error(400, `Unknown request type "${type}"`);
	}

	private op(cmd: string): FakeReply {
		if (!/<show><object><registered-ip>/.test(cmd)) return error(1, 'Unknown command');
		const tag = /<tag><entry name="([^"]*)"\/><\/tag>/.exec(cmd)?.[1];
		const rows = [...this.registered]
			.filter(([, tags]) => !tag || tags.has(xmlText(tag)))
			.map(([ip, tags]) => `<entry ip="${ip}" from_agent="0" persistent="1"><tag>${[...tags.keys()].map((t) => `<member>${xmlAttr(t)}</member>`).join('')}</tag></entry>`);
		return ok(`<result>${rows.join('')}<count>${rows.length}</count></result>`);
	}

	private userId(cmd: string): FakeReply {
		const message = cmd.trim();
		if (!message.startsWith('<uid-message>')) return error(400, 'Malformed uid-message');
		const problems: string[] = [];
		let count = 0;
		for (const section of ['register', 'unregister'] as const) {
			const body = new RegExp(`<${section}>([\\s\\S]*?)</${section}>`).exec(message)?.[1];
			if (!body) continue;
			const failed: string[] = [];
			for (const entry of body.matchAll(/<entry ([^>]*?)>([\s\S]*?)<\/entry>/g)) {
				count++;
				const attrs = Object.fromEntries([...entry[1].matchAll(/(\w[\w-]*)="([^"]*)"/g)].map((m) => [m[1], xmlText(m[2])]));
				const ip = attrs.ip ?? '';
				const members = [...entry[2].matchAll(/<member([^>]*)>([^<]*)<\/member>/g)].map((m) => ({
					tag: xmlText(m[2]),
					timeout: Number(/timeout="(\d+)"/.exec(m[1])?.[1] ?? '0'),
				}));
				if (isIP(ip) === 0) {
					failed.push(`<entry ip="${xmlAttr(ip)}" message="ip ${xmlAttr(ip)} is invalid"/>`);
					continue;
				}
				for (const { tag, timeout } of members) {
					const tags = this.registered.get(ip);
					if (section === 'register') {
						if (timeout > MAX_TIMEOUT) {
							failed.push(`<entry ip="${ip}" message="timeout ${timeout} is out of range 0-${MAX_TIMEOUT}"/>`);
						} else if (tags && !tags.has(tag) && tags.size >= MAX_TAGS) {
							failed.push(`<entry ip="${ip}" message="ip ${ip} already has the maximum of ${MAX_TAGS} tags"/>`);
						} else if (tags?.has(tag)) {
							failed.push(`<entry ip="${ip}" message="tag ${xmlAttr(tag)} already exists, ignore"/>`);
						} else {
							const next = tags ?? new Map<string, Registration>();
							next.set(tag, { expiresAt: timeout > 0 ? this.clock.now() + timeout * 1000 : null, persistent: attrs.persistent !== '0' });
							this.registered.set(ip, next);
						}
					} else if (!tags?.has(tag)) {
						failed.push(`<entry ip="${ip}" message="tag ${xmlAttr(tag)} does not exist, ignore unreg"/>`);
					} else {
						tags.delete(tag);
						if (tags.size === 0) this.registered.delete(ip);
					}
				}
			}
			if (failed.length > 0) problems.push(`<${section}>${failed.join('')}</${section}>`);
		}
		noteEntries(this, count);
		if (problems.length === 0) return ok('<result><uid-response><version>2.0</version><payload><register/></payload></uid-response></result>');
		return { status: 200, body: `<response status="error"><msg><line><uid-response><version>2.0</version><payload>${problems.join('')}</payload></uid-response></line></msg></response>` };
	}
}

function ok(inner: string): FakeReply {
	return { status: 200, body: `<response status="success">${inner}</response>` };
}

function error(code: number, msg: string): FakeReply {
	return { status: code === 403 ? 403 : 200, body: `<response status="error" code="${code}"><result><msg>${xmlAttr(msg)}</msg></result></response>` };
}

export async function startFakePanos(): Promise<FakePanos> {
	return await new FakePanos().start();
}
