// Seeded, deterministic data sets of any size. Submissions are generated eagerly (they are few);
// alerts are described by (seed, index) and only materialised when a request needs them, so
// 500,000 alerts cost a few tens of MB.
import type { FileSpec, ResultSpec, SectionSpec, SubmissionSpec, TagSpec } from './model.ts';
import { base62Id, hex, int, isoMicro, pick, rngFor } from './util.ts';
import type { Rng } from './util.ts';

export interface GenerateOptions {
	seed?: number;
	/** Number of alerts (default 100). */
	alerts?: number;
	/** Number of submissions (default min(max(alerts, 10), 2000)); every 20th one is still in progress. */
	submissions?: number;
	/** Fraction of submissions still in progress (default 0.05). They have no alert. */
	inProgressRatio?: number;
	/** First alert's reporting_ts (default 2025-03-01T00:00:00Z). */
	start?: string;
	/** Spacing of alerts in ms (default 60000); alerts are in ascending reporting_ts order by index. */
	intervalMs?: number;
	/** Submitter of generated submissions (default svc_soc). */
	submitter?: string;
}

export interface GeneratedAlerts {
	seed: number;
	count: number;
	startMs: number;
	intervalMs: number;
	/** sids of the completed submissions alerts are drawn from. */
	pool: string[];
}

export interface DatasetInput {
	submissions: SubmissionSpec[];
	/** Explicit alert documents. */
	alerts: Record<string, unknown>[];
	/** Verbatim summary payloads (api_response) served instead of the built one. */
	summaryOverrides?: Record<string, unknown>;
	/** Verbatim ontology NDJSON bodies served instead of the built one. */
	ontologyOverrides?: Record<string, string>;
	generated?: GeneratedAlerts;
}

// --- value pools ---------------------------------------------------------------------------------

// Routable-looking first octets; well-known resolvers (1.1.1.1, 8.8.8.8, 9.9.9.9, 208.67.x) never appear.
const PUBLIC_FIRST = [23, 31, 37, 45, 46, 62, 77, 79, 80, 85, 87, 89, 91, 92, 94, 95, 103, 104, 109, 141, 146, 151, 176, 178, 185, 188, 193, 194, 195, 212, 213, 217];
const TLDS = ['com', 'net', 'org', 'info', 'biz', 'xyz', 'top', 'online', 'site', 'ru', 'io', 'co'];
const SYL = ['cdn', 'update', 'secure', 'login', 'portal', 'files', 'sync', 'api', 'mail', 'cloud', 'data', 'track', 'micro', 'soft', 'pay', 'invoice', 'drop', 'host', 'srv', 'node', 'zen', 'nova', 'delta', 'kilo', 'mesh', 'gate'];
export const IDN_DOMAINS = ['xn--80ak6aa92e.com', 'xn--mnchen-3ya.de', 'xn--e1afmkfd.xn--p1ai', 'xn--pypal-4ve.com', 'xn--bcher-kva.ch'];
export const UNICODE_DOMAINS = ['münchen-bank.de', 'пример.рф', 'bücher-shop.com'];
export const PUBLIC_SUFFIXES = ['duckdns.org', 'blogspot.com', 'github.io', 'azurewebsites.net', 'co.uk', 'ngrok.io'];
/** Values a server-side safelist typically flags. */
export const SAFELISTED = [
	['network.static.domain', 'schemas.openxmlformats.org'],
	['network.static.uri', 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'],
	['network.static.domain', 'www.w3.org'],
	['network.static.uri', 'http://www.w3.org/1999/xhtml'],
	['network.dynamic.domain', 'ocsp.digicert.com'],
	['network.dynamic.domain', 'crl.microsoft.com'],
	['network.dynamic.ip', '127.0.0.1'],
] as const;
const BENIGN_DOMAINS = ['time.windows.com', 'ctldl.windowsupdate.com', 'fonts.googleapis.com', 'settings-win.data.microsoft.com', 'www.msftconnecttest.com'];

export function publicIpv4(rng: Rng): string {
	return `${pick(rng, PUBLIC_FIRST)}.${int(rng, 0, 255)}.${int(rng, 0, 255)}.${int(rng, 1, 254)}`;
}

export function someIp(rng: Rng): string {
	const r = rng();
	if (r < 0.55) return publicIpv4(rng);
	if (r < 0.62) return `10.${int(rng, 0, 255)}.${int(rng, 0, 255)}.${int(rng, 1, 254)}`;
	if (r < 0.66) return `192.168.${int(rng, 0, 255)}.${int(rng, 1, 254)}`;
	if (r < 0.69) return `172.${int(rng, 16, 31)}.${int(rng, 0, 255)}.${int(rng, 1, 254)}`;
	if (r < 0.71) return '127.0.0.1';
	if (r < 0.77) return `${pick(rng, ['192.0.2', '198.51.100', '203.0.113'])}.${int(rng, 1, 254)}`;
	if (r < 0.80) return `100.${int(rng, 64, 127)}.${int(rng, 0, 255)}.${int(rng, 1, 254)}`;
	if (r < 0.89) return `2a0${int(rng, 1, 9)}:${hex(rng, 4)}:${hex(rng, 3)}::${int(rng, 1, 99)}`.replace(/:0+([0-9a-f])/g, ':$1');
	if (r < 0.95) return `fd${hex(rng, 2)}:${hex(rng, 4)}:${hex(rng, 4)}::${int(rng, 1, 9)}`.replace(/:0+([0-9a-f])/g, ':$1');
	return `fe80::${hex(rng, 4)}:${hex(rng, 4)}`.replace(/:0+([0-9a-f])/g, ':$1');
}

export function ordinaryDomain(rng: Rng): string {
	const a = pick(rng, SYL);
	let b = pick(rng, SYL);
	if (b === a) b = 'x' + b;
	const sub = rng() < 0.4 ? pick(rng, ['www.', 'cdn.', 'api.', 'dl.', 'm.']) : '';
	return `${sub}${a}-${b}${int(rng, 1, 999)}.${pick(rng, TLDS)}`;
}

export function someDomain(rng: Rng): string {
	const r = rng();
	if (r < 0.62) return ordinaryDomain(rng);
	if (r < 0.70) return pick(rng, IDN_DOMAINS);
	if (r < 0.72) return pick(rng, UNICODE_DOMAINS);
	if (r < 0.79) return `${pick(rng, SYL)}${int(rng, 1, 99)}.${pick(rng, ['example.com', 'example.net', 'example.org'])}`;
	if (r < 0.83) return pick(rng, PUBLIC_SUFFIXES);
	if (r < 0.88) return `${pick(rng, SYL)}-${pick(rng, SYL)}${int(rng, 1, 99)}.${pick(rng, PUBLIC_SUFFIXES)}`;
	if (r < 0.90) return `${pick(rng, ['router', 'nas', 'printer'])}.home.arpa`;
	return pick(rng, BENIGN_DOMAINS);
}

export function someUri(rng: Rng, host?: string): string {
	const h = host ?? (rng() < 0.3 ? publicIpv4(rng) : ordinaryDomain(rng));
	const hostPart = h.includes(':') ? `[${h}]` : h;
	const scheme = rng() < 0.6 ? 'http' : 'https';
	const port = rng() < 0.3 ? `:${pick(rng, [8080, 8443, 4443, 8000, 2087])}` : '';
	const path = pick(rng, ['/gate.php', '/files/payload.bin', '/wp-content/uploads/inv.exe', '/api/v2/beacon', '/owa/auth.php', '/index.html', '/', '/dl/update.zip']);
	const query = rng() < 0.35 ? `?${pick(rng, ['id', 'v', 'token', 'u'])}=${hex(rng, 8)}` : '';
	return `${scheme}://${hostPart}${port}${path}${query}`;
}

// --- submissions ---------------------------------------------------------------------------------

const FILE_KINDS = [
	{ ext: 'docm', type: 'document/office/word', stem: 'Invoice_', svc: 'Oletools', heur: ['OLETOOLS.14', 'Auto-executing macro', 'T1059.005', 'Visual Basic', 'execution'] },
	{ ext: 'html', type: 'code/html', stem: 'Payment_Notice_', svc: 'JsJaws', heur: ['JSJAWS.8', 'Credential harvesting form', 'T1566.002', 'Spearphishing Link', 'initial-access'] },
	{ ext: 'js', type: 'code/javascript', stem: 'setup_helper_', svc: 'JsJaws', heur: ['JSJAWS.5', 'Obfuscated JavaScript', 'T1027', 'Obfuscated Files or Information', 'defense-evasion'] },
	{ ext: 'pdf', type: 'document/pdf', stem: 'Scan_', svc: 'PDFId', heur: ['PDFID.3', 'Embedded JavaScript in PDF', 'T1204.002', 'Malicious File', 'execution'] },
	{ ext: 'exe', type: 'executable/windows/pe32', stem: 'update_', svc: 'PEFile', heur: ['PEFILE.7', 'Suspicious imports', 'T1106', 'Native API', 'execution'] },
] as const;
const FAMILIES = ['AGENTTESLA', 'FORMBOOK', 'REMCOS', 'QAKBOT', 'LOKIBOT', 'ASYNCRAT'];

function fileSpec(rng: Rng, name?: string, type?: string): FileSpec {
	const f: FileSpec = { sha256: hex(rng, 64), md5: hex(rng, 32), sha1: hex(rng, 40), size: int(rng, 2_000, 900_000), type: type ?? 'executable/windows/pe32' };
	if (name !== undefined) f.name = name;
	return f;
}

function tags(type: string, values: (string | number)[], safelisted = false): TagSpec[] {
	return values.map((value) => (safelisted ? { type, value, safelisted } : { type, value }));
}

/** Submission number k of a generated set. Pure function of (seed, k). */
export function generateSubmission(seed: number, k: number, opts: { inProgress: boolean; submittedMs: number; submitter: string }): SubmissionSpec {
	const rng = rngFor(seed, 1, k);
	const sid = base62Id(rng);
	const kind = pick(rng, FILE_KINDS);
	const root = fileSpec(rng, `${kind.stem}${int(rng, 1000, 9999)}.${kind.ext}`, kind.type);
	const files: FileSpec[] = [root];
	const submitted = opts.submittedMs;
	const metadata = { ingest_id: base62Id(rng), source: pick(rng, ['mail-gateway', 'endpoint-agent', 'web-proxy', 'sandbox-upload']), ts: isoMicro(submitted - int(rng, 200, 900), int(rng, 0, 999)), type: 'INGEST' };
	const base: SubmissionSpec = {
		sid, files, results: [], state: opts.inProgress ? 'submitted' : 'completed',
		submitted: isoMicro(submitted, int(rng, 0, 999)), completed: opts.inProgress ? null : isoMicro(submitted + int(rng, 60_000, 420_000), int(rng, 0, 999)),
		submitter: opts.submitter, metadata, generateAlert: true, ingestId: metadata.ingest_id,
	};
	if (opts.inProgress) return base;

	// Static analysis of the root file.
	const staticDomains = Array.from({ length: int(rng, 1, 3) }, () => someDomain(rng));
	const staticUris = [someUri(rng, staticDomains[0]), ...(rng() < 0.5 ? [someUri(rng)] : [])];
	const staticIps = rng() < 0.5 ? [someIp(rng)] : [];
	const staticSection: SectionSpec = {
		title_text: kind.heur[1],
		heuristic: { heur_id: kind.heur[0], name: kind.heur[1], score: pick(rng, [500, 650, 800]), attack: [{ attack_id: kind.heur[2], pattern: kind.heur[3], categories: [kind.heur[4]] }] },
		tags: [...tags('network.static.domain', staticDomains), ...tags('network.static.uri', staticUris), ...tags('network.static.ip', staticIps)],
	};
	if (kind.ext === 'js' || rng() < 0.15) staticSection.tags.push({ type: 'technique.obfuscation', value: pick(rng, ['JSFuck', 'Base64', 'XOR']) });
	const sl = SAFELISTED.filter((x) => x[0].startsWith('network.static'));
	const slPick = sl.slice(int(rng, 0, 1) * 2, int(rng, 0, 1) * 2 + 2);
	const infoSection: SectionSpec = {
		title_text: 'Extracted network indicators',
		tags: [
			{ type: 'network.email.address', value: `${pick(rng, ['billing', 'hr', 'it-support', 'no-reply'])}@${ordinaryDomain(rng)}` },
			...(rng() < 0.5 ? tags('network.static.domain', [someDomain(rng)]) : []),
			...slPick.map(([type, value]) => ({ type, value, safelisted: true })),
		],
	};
	const results: ResultSpec[] = [{ service: kind.svc, version: '4.6.0.stable' + int(rng, 1, 20), tool_version: `${int(rng, 0, 3)}.${int(rng, 0, 60)}.${int(rng, 0, 9)}`, sha256: root.sha256, sections: [staticSection, infoSection] }];

	// Dynamic analysis (most submissions).
	if (rng() < 0.85) {
		const sections: SectionSpec[] = [];
		const c2Ip = rng() < 0.85 ? publicIpv4(rng) : someIp(rng);
		const c2Domain = rng() < 0.5 ? staticDomains[0] : someDomain(rng); // same value static + dynamic, different verdicts
		if (rng() < 0.65) {
			const port = pick(rng, [80, 443, 8080, 8443]);
			sections.push({
				title_text: 'Signature: HTTP request to an IP address',
				heuristic: {
					heur_id: 'CAPE.13', name: 'HTTP request to IP address', score: 1000,
					attack: [{ attack_id: 'T1071.001', pattern: 'Web Protocols', categories: ['command-and-control'] }],
					signature: [{ name: 'http_request_ip', frequency: 1, safe: false }],
				},
				tags: [
					{ type: 'file.behavior', value: 'Executes a downloaded payload' },
					{ type: 'network.dynamic.domain', value: c2Domain },
					{ type: 'network.dynamic.ip', value: c2Ip },
					{ type: 'network.dynamic.uri', value: someUri(rng, c2Ip) },
					{ type: 'network.port', value: port },
					{ type: 'network.protocol', value: port === 443 || port === 8443 ? 'https' : 'http' },
				],
			});
		}
		sections.push({
			title_text: 'Signature: Downloads a file from the Internet',
			heuristic: {
				heur_id: 'CAPE.22', name: 'Downloads a file from the Internet', score: 300,
				attack: [{ attack_id: 'T1105', pattern: 'Ingress Tool Transfer', categories: ['command-and-control'] }],
			},
			tags: [...tags('network.dynamic.domain', [someDomain(rng)]), ...tags('network.dynamic.ip', [someIp(rng), ...(rng() < 0.3 ? [someIp(rng)] : [])])],
		});
		sections.push({
			title_text: 'Benign network traffic',
			heuristic: { heur_id: 'CAPE.3', name: 'Benign network traffic', score: -100 },
			tags: [...tags('network.dynamic.domain', [pick(rng, BENIGN_DOMAINS)]), ...tags('network.dynamic.ip', [`${pick(rng, ['192.0.2', '198.51.100'])}.${int(rng, 1, 254)}`])],
		});
		sections.push({
			title_text: 'Network traffic',
			tags: [
				...tags('network.dynamic.ip', [someIp(rng)]),
				...(rng() < 0.3 ? tags('network.dynamic.uri', [someUri(rng)]) : []),
				...(rng() < 0.4 ? [{ type: SAFELISTED[4 + int(rng, 0, 2)][0], value: SAFELISTED[4 + int(rng, 0, 2)][1], safelisted: true }] : []),
				{ type: 'network.port', value: pick(rng, [53, 123, 443]) },
			],
		});
		results.push({ service: 'CAPE', version: '4.6.0.stable8', tool_version: '2.4.0', sha256: root.sha256, sections });

		// A dropped payload with an extracted config, sharing the C2 as a static IP.
		if (rng() < 0.35) {
			const pe = fileSpec(rng);
			files.push(pe);
			results.push({
				service: 'ConfigExtractor', version: '4.6.0.stable5', tool_version: '3.1.1', sha256: pe.sha256,
				sections: [{
					title_text: 'Extracted malware configuration',
					heuristic: { heur_id: 'CONFIGEXTRACTOR.1', name: 'Extracted malware configuration', score: 1000 },
					tags: [{ type: 'attribution.family', value: pick(rng, FAMILIES) }, { type: 'network.static.ip', value: c2Ip }],
				}],
			});
		}
	}
	if (rng() < 0.2) {
		results.push({
			service: 'YARA', version: '4.6.0.stable3', sha256: root.sha256,
			sections: [{ title_text: 'YARA hit', heuristic: { heur_id: 'YARA.1', name: 'YARA rule hit', score: 300 }, tags: [{ type: 'file.rule.yara', value: `community.${pick(rng, ['suspicious_macro', 'obfuscated_js', 'downloader_generic'])}` }] }],
		});
	}
	if (rng() < 0.1) {
		results.push({
			service: 'Antivirus', version: '4.6.0.stable2', sha256: root.sha256, ontology: false,
			sections: [{ title_text: 'AV detection', heuristic: { heur_id: 'ANTIVIRUS.1', name: 'AV hit', score: 1000 }, tags: [{ type: 'av.virus_name', value: `Trojan:Win32/${pick(rng, ['Wacatac', 'Agent', 'Emotet'])}.B!ml` }] }],
		});
	}
	base.results = results;
	return base;
}

/**
 * A generated data set: `submissions` submissions (some in progress, no alert) and `alerts` alerts
 * drawn from the completed ones (several alerts may share a sid, like ingest cache hits).
 */
export function generateDataset(options: GenerateOptions = {}): DatasetInput {
	const seed = options.seed ?? 1;
	const alerts = options.alerts ?? 100;
	const nsub = options.submissions ?? Math.min(Math.max(alerts, 10), 2000);
	const ratio = options.inProgressRatio ?? 0.05;
	const startMs = Date.parse(options.start ?? '2025-03-01T00:00:00Z');
	const intervalMs = options.intervalMs ?? 60_000;
	const every = ratio > 0 ? Math.max(1, Math.round(1 / ratio)) : 0;
	const submissions: SubmissionSpec[] = [];
	const pool: string[] = [];
	const span = Math.max(1, alerts) * intervalMs;
	for (let k = 0; k < nsub; k++) {
		const inProgress = every > 0 && k % every === every - 1;
		// completed submission number p finishes before alert number p is reported (submitted - 10 min, completed within 7 min)
		const submittedMs = inProgress ? startMs + span + k * 1000 : startMs + pool.length * intervalMs - 600_000;
		const s = generateSubmission(seed, k, { inProgress, submittedMs, submitter: options.submitter ?? 'svc_soc' });
		submissions.push(s);
		if (!inProgress) pool.push(s.sid);
	}
	return { submissions, alerts: [], generated: { seed, count: pool.length ? alerts : 0, startMs, intervalMs, pool } };
}

export interface GeneratedAlertCore {
	alert_id: string;
	reportingMs: number;
	sid: string;
	tsMs: number;
	status: string | null;
	priority: string | null;
	owner: string | null;
	label: string[];
}

/** Alert number i of a generated set. Pure function of (seed, i). */
export function generatedAlertCore(g: GeneratedAlerts, i: number): GeneratedAlertCore {
	const rng = rngFor(g.seed, 2, i);
	const alert_id = base62Id(rng);
	const reportingMs = g.startMs + i * g.intervalMs + Math.floor(rng() * (g.intervalMs / 2));
	// one alert per submission while they last, then ingest cache hits reuse sids
	const sid = i < g.pool.length ? g.pool[i] : g.pool[Math.floor(rng() * g.pool.length)];
	const tsMs = reportingMs - int(rng, 60_000, 600_000);
	const triaged = rng() < 0.1;
	return {
		alert_id, reportingMs, sid, tsMs,
		status: triaged ? pick(rng, ['MALICIOUS', 'NON-MALICIOUS', 'ASSESS', 'TRIAGE']) : null,
		priority: triaged ? pick(rng, ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']) : null,
		owner: triaged ? 'jdoe' : null,
		label: triaged ? [pick(rng, ['PHISHING', 'BLOCKED', 'FALSE_POSITIVE'])] : [],
	};
}
