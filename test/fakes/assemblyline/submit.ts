// Submitting to the fake: POST /api/v4/submit/ (assemblyline-ui api/v4/submit.py, helper/submission.py),
// multipart or JSON, and the submission it creates, which completes after a delay on the fake's clock.
import { createHash } from 'node:crypto';
import type { Dataset } from './dataset.ts';
import { specFromIocs } from './dataset.ts';
import type { SubmissionSpec } from './model.ts';
import type { Rec } from './search.ts';
import { base62Id, isoMicro, rngFor } from './util.ts';

export interface SubmitOptions {
	/** How long after the submit call the analysis completes, in ms of the fake's clock (default 1500). */
	submitCompletionMs?: number;
	/** What the "analysis" finds in a file; default: the network IoCs written in its bytes (like FrankenStrings). */
	analyse?: (file: { bytes: Buffer; name: string }) => FoundIocs;
	/** ui.allow_url_submissions (default true). */
	allowUrlSubmissions?: boolean;
}

export interface FoundIocs {
	ips?: string[];
	domains?: string[];
	uris?: string[];
}

export interface Multipart {
	fields: Map<string, { data: Buffer; filename?: string; contentType?: string }>;
}

/** A multipart/form-data body (RFC 7578), as Werkzeug reads it. */
export function parseMultipart(raw: Buffer, contentType: string): Multipart | undefined {
	const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
	if (!boundary) return undefined;
	const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
	const fields: Multipart['fields'] = new Map();
	let at = raw.indexOf(delimiter);
	if (at < 0) return undefined;
	for (;;) {
		at += delimiter.length;
		if (raw.subarray(at, at + 2).toString() === '--') break;
		at += 2; // CRLF after the delimiter
		const headerEnd = raw.indexOf('\r\n\r\n', at);
		if (headerEnd < 0) return undefined;
		const headers = raw.subarray(at, headerEnd).toString('utf8');
		const next = raw.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
		if (next < 0) return undefined;
		const name = /name="([^"]*)"/i.exec(headers)?.[1];
		const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
		const type = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1];
		if (name !== undefined) fields.set(name, { data: raw.subarray(headerEnd + 4, next), filename, contentType: type });
		at = next + 2;
	}
	return { fields };
}

/** The network IoCs written in a file: URLs, and their hosts as domains or IPs. */
export function iocsInBytes(bytes: Buffer): FoundIocs {
	const text = bytes.toString('latin1');
	const uris = new Set<string>();
	const domains = new Set<string>();
	const ips = new Set<string>();
	for (const m of text.matchAll(/https?:\/\/([A-Za-z0-9.-]+)(?::\d+)?(?:\/[A-Za-z0-9._~%/?=&-]*)?/g)) {
		uris.add(m[0]);
		const host = m[1].toLowerCase();
		if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) ips.add(host);
		else if (host.includes('.')) domains.add(host);
	}
	return { ips: [...ips], domains: [...domains], uris: [...uris] };
}

const hash = (algo: string, b: Buffer) => createHash(algo).update(b).digest('hex');

type Answer = { status: number; response: unknown; error?: string };

/** POST /api/v4/submit/: the new Submission document, or the server's refusal. */
export function submit(
	dataset: Dataset,
	options: SubmitOptions,
	user: { name: string; roles?: string[]; isAdmin?: boolean },
	rawBody: Buffer,
	contentType: string,
	body: unknown,
): Answer {
	let json: Rec;
	let file: { bytes: Buffer; name: string } | undefined;
	let known: { sha256: string; md5: string; sha1: string; size: number; type: string; name?: string } | undefined;
	if (/multipart\/form-data/i.test(contentType)) {
		const parts = parseMultipart(rawBody, contentType);
		if (!parts) return { status: 400, response: '', error: 'Invalid content type' };
		try {
			json = parts.fields.has('json') ? (JSON.parse(parts.fields.get('json')!.data.toString('utf8')) as Rec) : {};
		} catch {
			return { status: 400, response: {}, error: 'Submission failed: invalid JSON in the json part' };
		}
		const bin = parts.fields.get('bin');
		if (!bin) return { status: 400, response: {}, error: 'Missing file to scan. No binary or fetching method provided.' };
		if (bin.data.length === 0) return { status: 400, response: {}, error: 'File empty.' };
		file = { bytes: Buffer.from(bin.data), name: String(json.name ?? bin.filename ?? 'file') };
	} else if (/application\/json/i.test(contentType)) {
		json = (body ?? {}) as Rec;
		if (typeof json.sha256 === 'string') {
			known = dataset.findFile(json.sha256.toLowerCase());
			if (!known) return { status: 404, response: {}, error: 'SHA256 does not exist in Assemblyline and no external sources are available.' };
			file = { bytes: Buffer.alloc(0), name: String(json.name ?? known.name ?? known.sha256) };
		} else if (typeof json.url === 'string') {
			if (options.allowUrlSubmissions === false) return { status: 400, response: {}, error: 'URL submissions are disabled in this system' };
			// An AL-URI file (assemblyline-base common/file.py make_uri_file); the name is forced to the URL.
			const url = json.url.replace(/^hxxp/i, 'http').replace(/\[\.\]/g, '.');
			file = { bytes: Buffer.from(`uri: ${url}\n`, 'utf8'), name: url };
		} else {
			return { status: 400, response: {}, error: 'Missing file to scan. No binary or fetching method provided.' };
		}
	} else {
		return { status: 400, response: '', error: 'Invalid content type' };
	}
	const customize = !!user.isAdmin || (user.roles ?? []).includes('submission_customize');
	if (!customize && !json.submission_profile) {
		return { status: 400, response: {}, error: 'You must specify a submission profile. One of: [static, static_with_dynamic, static_with_internet, static_and_dynamic_with_internet]' };
	}
	const params = { ...((json.params ?? {}) as Rec) };
	const root = known ?? {
		sha256: hash('sha256', file.bytes), md5: hash('md5', file.bytes), sha1: hash('sha1', file.bytes), size: file.bytes.length,
		type: typeof json.url === 'string' ? 'uri/http' : 'unknown', name: file.name,
	};
	const found = known ? {} : options.analyse ? options.analyse(file) : iocsInBytes(file.bytes);
	const sid = base62Id(rngFor(0x5b, 9, dataset.submissions.size + dataset.version));
	const now = dataset.now();
	const spec: SubmissionSpec = specFromIocs({
		sid, ingestId: sid, submittedMs: now + 300_000, completed: false, file_name: file.name, submitter: user.name,
		ips: found.ips, domains: found.domains, uris: found.uris, kind: 'static',
	}, dataset.submissions.size);
	const generated = spec.files[0].sha256;
	spec.files = [{ ...root, name: file.name }];
	for (const r of spec.results) if (r.sha256 === generated) r.sha256 = root.sha256;
	spec.submitted = isoMicro(now);
	spec.completed = null;
	spec.metadata = Object.fromEntries(Object.entries((json.metadata ?? {}) as Rec).map(([k, v]) => [k, String(v)]));
	spec.description = String(params.description ?? (typeof json.url === 'string' ? `Inspection of URL: ${file.name}` : `Inspection of file: ${file.name}`));
	spec.classification = typeof params.classification === 'string' ? params.classification : undefined;
	spec.generateAlert = params.generate_alert === true;
	spec.params = { ...params, submitter: user.name, ...(json.submission_profile ? { submission_profile: json.submission_profile } : {}) };
	dataset.addSubmittedSpec(spec, now + (options.submitCompletionMs ?? 1500));
	return { status: 200, response: dataset.getSubmission(sid)!.document() };
}
