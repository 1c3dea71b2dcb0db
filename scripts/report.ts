// The `npm start` job, reusable by the editor script and the e2e tests: set up a real n8n with this
// package, the Assemblyline credential and report copies of the example workflows; run them; build
// {"submission_iocs", "blockable", "skipped"}. No import.meta / __dirname: paths come in.
import net from 'node:net';
import tls from 'node:tls';
import path from 'node:path';

import { ensureN8n, N8nHost, packPackage, stderrLog, type ExecuteResult, type Log } from './n8n-host.ts';
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

function failure(what: string, r: ExecuteResult): Error {
	const e = r.error ?? {};
	const node = (e as any).node?.name ?? e.node;
	const detail = [e.message, e.description].filter(Boolean).join(' — ');
	return new Error(`${what} failed in n8n${node ? ` at node "${node}"` : ''}: ${detail || `exit ${r.exitCode}`}`);
}

/** Runs the report copies of the examples in `host` (credential already imported). */
export async function runReport(host: N8nHost, repoDir: string, opts: Omit<ReportOptions, 'target'>, log: Log = stderrLog): Promise<Report> {
	const examples = loadExamples(path.join(repoDir, 'examples'));
	const query = opts.query ?? DEFAULT_ALERT_QUERY;
	const limit = opts.limit ?? DEFAULT_ALERT_LIMIT;
	await host.importWorkflows([blockingForReport(examples.blockSearch, { id: REPORT_IDS.block, query, limit })]);

	log(`Running "${examples.blockSearch.name}" (alerts: ${query}, limit ${limit})…`);
	const block = await host.execute(REPORT_IDS.block);
	if (!block.ok) throw failure(`"${examples.blockSearch.name}"`, block);
	const alerts = block.nodes[NODE.search]?.outputs[0] ?? [];
	const filter = block.nodes[NODE.filter]?.outputs ?? [[], []];
	const blockable = filter[0] ?? [];
	const skipped = filter[1] ?? [];
	log(`  ${alerts.length} alert(s) → ${blockable.length} blockable, ${skipped.length} skipped (${(block.ms / 1000).toFixed(1)} s)`);

	const sids = opts.sids ?? uniq(alerts.map((a) => a.sid).filter((s): s is string => typeof s === 'string' && s !== ''));
	const submission_iocs: Report['submission_iocs'] = {};
	if (sids.length > 0) {
		await host.importWorkflows([submissionForReport(examples.submission, { id: REPORT_IDS.submission, sids })]);
		log(`Running "${examples.submission.name}" for ${sids.length} submission(s)…`);
		const sub = await host.execute(REPORT_IDS.submission);
		if (!sub.ok) throw failure(`"${examples.submission.name}"`, sub);
		for (const item of sub.nodes[NODE.submission]?.outputs[0] ?? []) {
			submission_iocs[item.sid] = item.iocs ?? {};
		}
		log(`  ${Object.keys(submission_iocs).length} submission(s) mapped (${(sub.ms / 1000).toFixed(1)} s)`);
	} else {
		log('No submissions to map (no alerts found and AL_SID not set).');
	}
	return { submission_iocs, blockable, skipped };
}

/** A few lines for people, on stderr. */
export function summarise(report: Report): string {
	const lines: string[] = [];
	const byType = (items: Record<string, unknown>[]) => {
		const counts: Record<string, number> = {};
		for (const i of items) counts[String(i.type)] = (counts[String(i.type)] ?? 0) + 1;
		return Object.entries(counts).map(([t, n]) => `${n} ${t}`).join(', ') || 'none';
	};
	const subs = Object.entries(report.submission_iocs);
	lines.push(`Submissions: ${subs.length}`);
	for (const [sid, tags] of subs) {
		const parts = Object.entries(tags).map(([t, v]) => `${t} ${v.length}`);
		lines.push(`  ${sid}: ${parts.join(', ') || 'no network IoCs'}`);
	}
	lines.push(`Blockable: ${report.blockable.length} (${byType(report.blockable)})`);
	for (const i of report.blockable) lines.push(`  BLOCK ${String(i.type).padEnd(6)} ${i.value}  [${i.verdict}]`);
	const reasons: Record<string, number> = {};
	for (const i of report.skipped) reasons[String(i.reason)] = (reasons[String(i.reason)] ?? 0) + 1;
	lines.push(`Skipped: ${report.skipped.length}${report.skipped.length ? ` (${Object.entries(reasons).map(([r, n]) => `${r} ${n}`).join(', ')})` : ''}`);
	for (const i of report.skipped) lines.push(`  skip  ${String(i.type).padEnd(6)} ${i.value}  ${i.reason}${i.reason_text ? `: ${i.reason_text}` : ''}`);
	return lines.join('\n');
}
