// The `npm start` job, reusable by the editor script and the e2e tests: set up a real n8n with this
// package, the Assemblyline credential and report copies of the example workflows; run them; build
// {"submission_iocs", "blockable", "skipped"}. No import.meta / __dirname: paths come in.
import net from 'node:net';
import tls from 'node:tls';
import path from 'node:path';

import { ensureN8n, N8nHost, packPackage, stderrLog, type ExecuteResult, type Log, type WorkflowJson } from './n8n-host.ts';
import { AL_CREDENTIAL, blockingForReport, loadExamples, NODE, submissionForReport, uniq } from './workflows.ts';

export const DEFAULT_ALERT_QUERY = 'al.ip:* OR al.domain:* OR al.uri:*';
export const DEFAULT_ALERT_LIMIT = 1000;

export interface AlTarget {
	url: string;
	user: string;
	apikey: string;
	verifyTls: boolean;
}

export interface ReportOptions {
	target: AlTarget;
	sids?: string[];
	query?: string;
	limit?: number | 'all';
}

export interface Report {
	submission_iocs: Record<string, Record<string, unknown[]>>;
	blockable: Record<string, unknown>[];
	skipped: Record<string, unknown>[];
}

/**
 * AL_HOST → base URL. `https://AL_HOST:443` for a bare host; a scheme is kept as given; for
 * `host:port` without a scheme the port is asked: a TLS handshake that succeeds means https, a server
 * that answers the handshake in plain HTTP means http (the embedded/fake server, a lab instance on :5000).
 */
export async function resolveAlHost(raw: string, log: Log = stderrLog): Promise<string> {
	const host = raw.trim().replace(/\/+$/, '');
	if (/^https?:\/\//i.test(host)) return host;
	const m = /^(\[[^\]]+\]|[^:/]+):(\d+)$/.exec(host);
	if (!m) return `https://${host}`;
	const hostname = m[1].replace(/^\[|\]$/g, '');
	const port = Number(m[2]);
	const scheme = await probeScheme(hostname, port);
	log(`AL_HOST ${host} has a port and no scheme: the server speaks ${scheme === 'https' ? 'TLS' : 'plain HTTP'} there, using ${scheme}://${host}`);
	return `${scheme}://${host}`;
}

function probeScheme(host: string, port: number): Promise<'http' | 'https'> {
	return new Promise((resolve, reject) => {
		const socket = tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, rejectUnauthorized: false, timeout: 10000 });
		const finish = (err: Error | null, scheme?: 'http' | 'https') => {
			socket.destroy();
			if (scheme) resolve(scheme);
			else reject(err);
		};
		socket.once('secureConnect', () => finish(null, 'https'));
		socket.once('timeout', () => finish(new Error(`no answer from ${host}:${port} within 10 s`)));
		socket.once('error', (e: NodeJS.ErrnoException) => {
			if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'EHOSTUNREACH') {
				finish(new Error(`cannot reach ${host}:${port} (${e.code})`));
			} else {
				// EPROTO / wrong version number / packet length too long / reset: not TLS.
				finish(null, 'http');
			}
		});
	});
}

/** Reads AL_* from the environment; undefined when AL_HOST is not set (use the demo). */
export async function targetFromEnv(env: NodeJS.ProcessEnv, log: Log = stderrLog): Promise<AlTarget | undefined> {
	if (!env.AL_HOST) return undefined;
	const missing = ['AL_USER', 'AL_APIKEY'].filter((k) => !env[k]);
	if (missing.length) throw new Error(`AL_HOST is set, so ${missing.join(' and ')} must be set too (the Assemblyline user and its API key "name:secret")`);
	const verify = String(env.AL_VERIFY_TLS ?? 'true').trim().toLowerCase();
	return { url: await resolveAlHost(env.AL_HOST, log), user: env.AL_USER!, apikey: env.AL_APIKEY!, verifyTls: !['false', '0', 'no', 'off'].includes(verify) };
}

export function optionsFromEnv(env: NodeJS.ProcessEnv): Omit<ReportOptions, 'target'> {
	const sids = (env.AL_SID ?? '').split(',').map((s) => s.trim()).filter(Boolean);
	const rawLimit = (env.AL_ALERT_LIMIT ?? '').trim().toLowerCase();
	let limit: number | 'all' = DEFAULT_ALERT_LIMIT;
	if (rawLimit === 'all') limit = 'all';
	else if (rawLimit) {
		limit = Number(rawLimit);
		if (!Number.isInteger(limit) || limit < 1) throw new Error(`AL_ALERT_LIMIT must be a positive whole number or "all", not "${env.AL_ALERT_LIMIT}"`);
	}
	return { sids: sids.length ? sids : undefined, query: env.AL_ALERT_QUERY?.trim() || DEFAULT_ALERT_QUERY, limit };
}

export function alCredential(target: AlTarget) {
	return {
		...AL_CREDENTIAL,
		type: 'assemblylineApi',
		data: { url: target.url, username: target.user, apiKey: target.apikey, ignoreSslIssues: !target.verifyTls },
	};
}

export interface PreparedHost {
	host: N8nHost;
	tarball: string;
}

/** ensure n8n, pack, a fresh user folder with the package and the Assemblyline credential. */
export async function prepareHost(opts: { repoDir: string; target: AlTarget; log?: Log; build?: boolean }): Promise<PreparedHost> {
	const log = opts.log ?? stderrLog;
	const install = await ensureN8n({ log });
	const host = await N8nHost.create({ install, log });
	try {
		const tarball = await packPackage({ repoDir: opts.repoDir, outDir: path.join(host.userFolder, 'pack'), build: opts.build, log });
		await host.installPackage(tarball);
		await host.importCredentials([alCredential(opts.target)]);
		return { host, tarball };
	} catch (e) {
		await host.dispose();
		throw e;
	}
}

export const REPORT_IDS = { block: 'AlStartBlockRpt1', submission: 'AlStartSubmRpt01' };

/** A failed run, in n8n's own words: its error message and description, the node and the execution. */
export function failure(what: string, r: ExecuteResult): Error {
	const e = r.error ?? {};
	const where = [r.executionId ? `execution ${r.executionId}` : '', r.failedNode ? `node "${r.failedNode}"` : ''].filter(Boolean).join(', ');
	const detail = [e.message, e.description].filter((t) => typeof t === 'string' && t.trim() !== '').join(' — ');
	return new Error(`${what} failed in n8n${where ? ` (${where})` : ''}: ${detail || `exit ${r.exitCode}`}`);
}

/** Where the time of `npm start` went, in ms (docs/benchmarks.md). */
export interface ReportTimings {
	/** n8n install check, pack, package install, credential import (prepareHost). */
	setupMs?: number;
	alerts?: StepTiming;
	submissions?: StepTiming;
	/** Building the report from the runs' output. */
	reportMs?: number;
}

export interface StepTiming {
	/** Importing the workflow (an n8n process of its own). */
	importMs: number;
	/** The whole `n8n execute`, and its parts when n8n's log has them. */
	executeMs: number;
	bootMs?: number;
	runMs?: number;
	outputMs?: number;
	/** Reading the run from n8n's output. */
	parseMs: number;
}

const secs = (ms: number | undefined) => (ms === undefined ? '?' : `${(ms / 1000).toFixed(1)} s`);

export function formatTimings(t: ReportTimings): string {
	const step = (s: StepTiming | undefined) =>
		s ? `${secs(s.importMs + s.executeMs + s.parseMs)} (import ${secs(s.importMs)}, n8n start ${secs(s.bootMs)}, run ${secs(s.runMs)}, output ${secs(s.outputMs)}, parse ${secs(s.parseMs)})` : 'not run';
	return `Timing: set-up ${secs(t.setupMs)}; alert workflow ${step(t.alerts)}; submission workflow ${step(t.submissions)}; report ${secs(t.reportMs)}`;
}

async function runStep(host: N8nHost, id: string, what: string, workflow: WorkflowJson, log: Log): Promise<{ r: ExecuteResult; timing: StepTiming }> {
	const t0 = Date.now();
	await host.importWorkflows([workflow]);
	const importMs = Date.now() - t0;
	const r = await host.execute(id, { what });
	if (!r.ok) throw failure(what, r);
	const p = r.phases;
	log(`  n8n execution ${r.executionId ?? '?'}: ${secs(r.ms)}${p ? ` (n8n start ${secs(p.bootMs)}, run ${secs(p.runMs)}, output ${secs(p.outputMs)})` : ''}`);
	return { r, timing: { importMs, executeMs: r.ms, ...r.phases, parseMs: r.parseMs ?? 0 } };
}

/** Runs the report copies of the examples in `host` (credential already imported). */
export async function runReport(
	host: N8nHost,
	repoDir: string,
	opts: Omit<ReportOptions, 'target'>,
	log: Log = stderrLog,
	timings: ReportTimings = {},
): Promise<Report> {
	const examples = loadExamples(path.join(repoDir, 'examples'));
	const query = opts.query ?? DEFAULT_ALERT_QUERY;
	const limit = opts.limit ?? DEFAULT_ALERT_LIMIT;

	log(`Running "${examples.blockSearch.name}" (alerts: ${query}, limit ${limit})…`);
	const blockWorkflow = blockingForReport(examples.blockSearch, { id: REPORT_IDS.block, query, limit });
	const { r: block, timing: alertTiming } = await runStep(host, REPORT_IDS.block, `"${examples.blockSearch.name}"`, blockWorkflow, log);
	timings.alerts = alertTiming;
	let t0 = Date.now();
	const alerts = block.nodes[NODE.search]?.outputs[0] ?? [];
	const filter = block.nodes[NODE.filter]?.outputs ?? [[], []];
	const blockable = filter[0] ?? [];
	const skipped = filter[1] ?? [];
	log(`  ${alerts.length} alert(s) → ${blockable.length} blockable, ${skipped.length} skipped (${(block.ms / 1000).toFixed(1)} s)`);

	const sids = opts.sids ?? uniq(alerts.map((a) => a.sid).filter((s): s is string => typeof s === 'string' && s !== ''));
	let reportMs = Date.now() - t0;
	const submission_iocs: Report['submission_iocs'] = {};
	if (sids.length > 0) {
		log(`Running "${examples.submission.name}" for ${sids.length} submission(s)…`);
		const workflow = submissionForReport(examples.submission, { id: REPORT_IDS.submission, sids });
		const { r: sub, timing } = await runStep(host, REPORT_IDS.submission, `"${examples.submission.name}"`, workflow, log);
		timings.submissions = timing;
		t0 = Date.now();
		for (const item of sub.nodes[NODE.submission]?.outputs[0] ?? []) {
			submission_iocs[item.sid] = item.iocs ?? {};
		}
		reportMs += Date.now() - t0;
		log(`  ${Object.keys(submission_iocs).length} submission(s) mapped (${(sub.ms / 1000).toFixed(1)} s)`);
	} else {
		log('No submissions to map (no alerts found and AL_SID not set).');
	}
	timings.reportMs = reportMs;
	return { submission_iocs, blockable, skipped };
}

/** Lines listed in full per section; above this, the first SUMMARY_FIRST of each group and where the rest are. */
export const SUMMARY_FULL = 30;
export const SUMMARY_FIRST = 5;

/** A value from the data as it may be printed on a terminal: control, bidi and invisible
 * characters as \u escapes (IoC values are hostile), at most 200 characters. */
export function printable(value: unknown): string {
	const text = String(value).replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
	return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function countBy<T>(items: T[], key: (item: T) => string): Array<[string, number]> {
	const counts = new Map<string, number>();
	for (const i of items) counts.set(key(i), (counts.get(key(i)) ?? 0) + 1);
	return [...counts];
}

/** All lines when few; else per group its first SUMMARY_FIRST lines and "… and N more" (where). */
function listed<T>(items: T[], line: (item: T) => string, group: (item: T) => string, where: string): string[] {
	if (items.length <= SUMMARY_FULL) return items.map(line);
	const groups = new Map<string, T[]>();
	for (const i of items) {
		const g = group(i);
		if (!groups.has(g)) groups.set(g, []);
		groups.get(g)!.push(i);
	}
	const out: string[] = [];
	for (const [name, members] of groups) {
		out.push(...members.slice(0, SUMMARY_FIRST).map(line));
		if (members.length > SUMMARY_FIRST) out.push(`  … and ${members.length - SUMMARY_FIRST} more ${name} in stdout's ${where}`);
	}
	return out;
}

/** A few lines for people, on stderr: short whatever the size (the full lists are on stdout). */
export function summarise(report: Report): string {
	const lines: string[] = [];
	const byType = (items: Record<string, unknown>[]) => countBy(items, (i) => String(i.type)).map(([t, n]) => `${n} ${printable(t)}`).join(', ') || 'none';
	const subs = Object.entries(report.submission_iocs);
	lines.push(`Submissions: ${subs.length}`);
	const shownSubs = subs.length <= SUMMARY_FULL ? subs : subs.slice(0, SUMMARY_FIRST);
	for (const [sid, tags] of shownSubs) {
		const parts = Object.entries(tags).map(([t, v]) => `${printable(t)} ${v.length}`);
		lines.push(`  ${printable(sid)}: ${parts.join(', ') || 'no network IoCs'}`);
	}
	if (shownSubs.length < subs.length) lines.push(`  … and ${subs.length - shownSubs.length} more in stdout's submission_iocs`);

	lines.push(`Blockable: ${report.blockable.length} (${byType(report.blockable)})`);
	lines.push(
		...listed(
			report.blockable,
			(i) => `  BLOCK ${printable(i.type).padEnd(6)} ${printable(i.value)}  [${printable(i.verdict)}]`,
			(i) => printable(i.type),
			'blockable',
		),
	);
	const reasons = countBy(report.skipped, (i) => String(i.reason));
	lines.push(`Skipped: ${report.skipped.length}${report.skipped.length ? ` (${reasons.map(([r, n]) => `${printable(r)} ${n}`).join(', ')})` : ''}`);
	if (report.skipped.length > SUMMARY_FULL) lines.push(`  by type: ${byType(report.skipped)}`);
	lines.push(
		...listed(
			report.skipped,
			(i) => `  skip  ${printable(i.type).padEnd(6)} ${printable(i.value)}  ${printable(i.reason)}${i.reason_text ? `: ${printable(i.reason_text)}` : ''}`,
			(i) => printable(i.reason),
			'skipped',
		),
	);
	return lines.join('\n');
}
