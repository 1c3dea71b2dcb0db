// The live store behind the fake: submissions, alerts (explicit documents plus a compact generated
// range), and the mutations trigger tests need. Alert entries are replaced, never edited, so a
// deep-paging snapshot keeps seeing the versions that existed when it was opened.
import { alertFromSubmission, BuiltSubmission, VERDICT_RANK } from './model.ts';
import type { DetailedItem, SectionSpec, SubmissionSpec, TagSpec, Verdict } from './model.ts';
import { fixtureJsSpec, fixturePhishSpec, fixtureStorySpec, FIXTURE_SID, loadFixtureFiles } from './fixtures.ts';
import { generatedAlertCore } from './generator.ts';
import type { DatasetInput, GeneratedAlerts } from './generator.ts';
import { compileLucene } from './lucene.ts';
import { base62Id, hex, isoMicro, normIso, parseDate, rngFor, sha256Hex, DAY_MS } from './util.ts';
import type { Rec, SearchSource } from './search.ts';

export interface AlertEntry {
	id: string;
	/** reporting_ts in epoch ms (sort fast path). */
	ms: number;
	/** Insertion sequence, the deep-paging tie-breaker. */
	seq: number;
	pos: number;
	doc?: Rec;
	gen?: number;
}

export interface SubmissionEntry {
	seq: number;
	sid: string;
}

export type IocArg = string | { value: string; verdict?: Verdict; kind?: 'static' | 'dynamic'; safelisted?: boolean };

export interface MakeAlertOptions {
	alert_id?: string;
	sid?: string;
	/** ISO string or epoch ms; default now(). */
	reporting_ts?: string | number;
	ts?: string;
	ips?: IocArg[];
	domains?: IocArg[];
	uris?: IocArg[];
	emails?: string[];
	/** Default verdict of the IoCs (default malicious). */
	verdict?: Verdict;
	/** Default tag kind (default dynamic). */
	kind?: 'static' | 'dynamic';
	file_name?: string;
	status?: string | null;
	priority?: string | null;
	owner?: string | null;
	label?: string[];
	/** Default true: the submission is completed. */
	completed?: boolean;
	/** Default 'skipped'; 'submitted' while an extended scan is pending. */
	extended_scan?: 'submitted' | 'skipped' | 'incomplete' | 'completed';
	/** Default false: set by the workflow manager's pass (FakeOptions.workflowManager). */
	workflows_completed?: boolean;
	events?: Rec[];
}

/** A stored workflow (assemblyline-base odm/models/workflow.py): query and the changes it makes. */
export interface FakeWorkflow {
	workflow_id?: string;
	name?: string;
	query: string;
	labels?: string[];
	status?: string | null;
	priority?: string | null;
}

export interface AlertChanges {
	reporting_ts?: string | number;
	sid?: string;
	ips?: IocArg[];
	domains?: IocArg[];
	uris?: IocArg[];
	status?: string | null;
	priority?: string | null;
	owner?: string | null;
	label?: string[];
	/** After the merge (default 'completed' when the IoCs or sid change). */
	extended_scan?: string;
	[key: string]: unknown;
}

const SCORE: Record<Verdict, number | null> = { malicious: 1000, suspicious: 300, info: null, safe: -100 };
const HEUR_NAME: Record<string, [string, string]> = {
	'dynamic.malicious': ['CAPE.13', 'HTTP request to IP address'],
	'dynamic.suspicious': ['CAPE.22', 'Downloads a file from the Internet'],
	'dynamic.safe': ['CAPE.3', 'Benign network traffic'],
	'static.malicious': ['FRANKENSTRINGS.9', 'Known malicious network indicator'],
	'static.suspicious': ['FRANKENSTRINGS.4', 'Suspicious network indicator'],
	'static.safe': ['FRANKENSTRINGS.1', 'Benign network indicator'],
};

function norm(arg: IocArg, verdict: Verdict, kind: 'static' | 'dynamic') {
	return typeof arg === 'string' ? { value: arg, verdict, kind, safelisted: false } : { value: arg.value, verdict: arg.verdict ?? verdict, kind: arg.kind ?? kind, safelisted: !!arg.safelisted };
}

/** A submission spec whose summary yields exactly the given IoCs (one section per kind and verdict). */
export function specFromIocs(o: { sid: string; ingestId: string; submittedMs: number; completed: boolean; file_name?: string; submitter?: string; ips?: IocArg[]; domains?: IocArg[]; uris?: IocArg[]; emails?: string[]; verdict?: Verdict; kind?: 'static' | 'dynamic' }, rngSeed: number): SubmissionSpec {
	const rng = rngFor(rngSeed, 4, 0);
	const v = o.verdict ?? 'malicious';
	const k = o.kind ?? 'dynamic';
	const items: { type: string; value: string; verdict: Verdict; kind: 'static' | 'dynamic'; safelisted: boolean }[] = [];
	for (const [list, t] of [[o.ips, 'ip'], [o.domains, 'domain'], [o.uris, 'uri']] as const) {
		for (const a of list ?? []) {
			const n = norm(a, v, k);
			items.push({ ...n, type: `network.${n.kind}.${t}` });
		}
	}
	const root = { sha256: hex(rng, 64), md5: hex(rng, 32), sha1: hex(rng, 40), size: 20_000 + Math.floor(rng() * 100_000), type: 'document/office/word', name: o.file_name ?? 'sample.docm' };
	const results: SubmissionSpec['results'] = [];
	for (const kind of ['static', 'dynamic'] as const) {
		const sections: SectionSpec[] = [];
		for (const verdict of ['malicious', 'suspicious', 'info', 'safe'] as Verdict[]) {
			const tags: TagSpec[] = items.filter((i) => i.kind === kind && i.verdict === verdict && !i.safelisted).map((i) => ({ type: i.type, value: i.value }));
			if (!tags.length) continue;
			const score = SCORE[verdict];
			const h = HEUR_NAME[`${kind}.${verdict}`];
			sections.push({ title_text: h ? h[1] : 'Network indicators', heuristic: score === null ? null : { heur_id: h[0], name: h[1], score }, tags });
		}
		const sl = items.filter((i) => i.kind === kind && i.safelisted).map((i) => ({ type: i.type, value: i.value, safelisted: true }));
		const emails = kind === 'static' ? (o.emails ?? []).map((e) => ({ type: 'network.email.address', value: e.toLowerCase() })) : [];
		if (sl.length || emails.length) sections.push({ title_text: 'Other network indicators', tags: [...emails, ...sl] });
		if (sections.length) results.push({ service: kind === 'dynamic' ? 'CAPE' : 'FrankenStrings', version: '4.6.0.stable8', sha256: root.sha256, sections });
	}
	return {
		sid: o.sid, files: [root], results, state: o.completed ? 'completed' : 'submitted', submitter: o.submitter ?? 'svc_soc',
		submitted: isoMicro(o.submittedMs - 300_000), completed: o.completed ? isoMicro(o.submittedMs - 2_000) : null,
		metadata: { ingest_id: o.ingestId, source: 'fake', ts: isoMicro(o.submittedMs - 301_000), type: 'INGEST' }, generateAlert: true, ingestId: o.ingestId,
	};
}

/** The fixture story (§8): one summary/ontology sid and the three alerts of search_alert_page1.json. */
export function fixturesDataset(dir?: string): DatasetInput {
	const fx = loadFixtureFiles(dir);
	const items = (fx.searchPage1.api_response as { items: Rec[] }).items;
	return {
		submissions: [fixtureStorySpec(), fixturePhishSpec(), fixtureJsSpec()],
		alerts: items.map((a) => structuredClone(a)),
		summaryOverrides: { [FIXTURE_SID]: (fx.summary as { api_response: unknown }).api_response },
		ontologyOverrides: { [FIXTURE_SID]: fx.ontologyNdjson },
	};
}

export function mergeDatasets(...inputs: DatasetInput[]): DatasetInput {
	const gens = inputs.filter((i) => i.generated);
	if (gens.length > 1) throw new Error('only one generated alert range per data set');
	return {
		submissions: inputs.flatMap((i) => i.submissions),
		alerts: inputs.flatMap((i) => i.alerts),
		summaryOverrides: Object.assign({}, ...inputs.map((i) => i.summaryOverrides ?? {})),
		ontologyOverrides: Object.assign({}, ...inputs.map((i) => i.ontologyOverrides ?? {})),
		generated: gens[0]?.generated,
	};
}

export class Dataset {
	submissions = new Map<string, BuiltSubmission>();
	submissionEntries: SubmissionEntry[] = [];
	summaryOverrides = new Map<string, unknown>();
	ontologyOverrides = new Map<string, string>();
	alerts: AlertEntry[] = [];
	byId = new Map<string, AlertEntry>();
	generated?: GeneratedAlerts;
	/** Bumped on every change (search cache key). */
	version = 0;
	now: () => number;
	private seq = 0;
	private made = 0;
	private input: DatasetInput;
	/** sid → tag values hidden from the caller's classification (summary `filtered: true`). */
	filtered = new Map<string, string[]>();
	workflows: Required<FakeWorkflow>[] = [];
	private manager?: { intervalMs: number; nextPass: number; startTs: number };

	constructor(input: DatasetInput, now: () => number = Date.now) {
		this.input = input;
		this.now = now;
		this.loadInput();
	}

	/** Back to the initial data set. */
	reset(): void {
		this.submissions.clear();
		this.submissionEntries = [];
		this.summaryOverrides.clear();
		this.ontologyOverrides.clear();
		this.alerts = [];
		this.byId.clear();
		this.seq = 0;
		this.made = 0;
		this.version++;
		this.workflows = [];
		this.pending.clear();
		if (this.manager) this.startWorkflowManager(this.manager.intervalMs);
		this.loadInput();
	}

	// --- workflow manager (assemblyline-core workflow/run_workflow.py) -------------------------------

	/** Starts the pass loop on the fake's clock: the first pass now, then one every intervalMs. */
	startWorkflowManager(intervalMs = 30_000): void {
		const now = this.now();
		// The first start_ts is now-1d/d when no alert has status TRIAGE.
		const day = Math.floor((now - DAY_MS) / DAY_MS) * DAY_MS;
		this.manager = { intervalMs, nextPass: now, startTs: day };
	}

	addWorkflow(w: FakeWorkflow): string {
		const id = w.workflow_id ?? base62Id(rngFor(0xf10, 5, this.workflows.length));
		this.workflows.push({ workflow_id: id, name: w.name ?? id, query: w.query, labels: (w.labels ?? []).map((l) => l.toUpperCase()), status: w.status ?? null, priority: w.priority ?? null });
		return id;
	}

	/** Runs what is due by the clock (submissions completing, workflow passes). Called before every request. */
	tick(): void {
		this.completeDue();
		const m = this.manager;
		if (!m) return;
		const now = this.now();
		// A clock set back before the schedule (a test fixing "now") starts the manager over from there.
		if (m.nextPass - now > m.intervalMs) this.startWorkflowManager(m.intervalMs);
		while (this.manager!.nextPass <= now) {
			this.workflowPass(this.manager!.nextPass);
			this.manager!.nextPass += this.manager!.intervalMs;
		}
	}

	/**
	 * One pass: the alerts reported in [start_ts, newest], the DEFAULT workflow ("NOT status:*" →
	 * TRIAGE) then the stored ones, each appending a workflow event; reporting_ts is left alone.
	 * Finally every alert of the window gets workflows_completed: true.
	 */
	private workflowPass(passMs: number): void {
		const m = this.manager!;
		const window = this.alerts.filter((e) => e.ms >= m.startTs && e.ms <= passMs);
		if (!window.length) return;
		const endTs = Math.max(...window.map((e) => e.ms));
		const flows = [
			{ workflow_id: 'DEFAULT', name: 'Triage all with no status', query: 'NOT status:*', labels: [] as string[], status: 'TRIAGE', priority: null },
			...this.workflows.filter((w) => w.status === null || ['MALICIOUS', 'NON-MALICIOUS', 'ASSESS'].includes(w.status)),
		];
		for (const w of flows) {
			const match = compileLucene(w.query, passMs);
			for (const e of window) {
				const doc = this.load(this.byId.get(e.id)!);
				if (doc.extended_scan === 'submitted' || !match(doc)) continue;
				const labels = w.labels.filter((l) => !((doc.label as string[]) ?? []).includes(l));
				const status = w.status && doc.status !== w.status ? w.status : null;
				const priority = w.priority && doc.priority !== w.priority ? w.priority : null;
				if (!labels.length && !status && !priority) continue;
				const next = structuredClone(doc);
				next.label = [...((doc.label as string[]) ?? []), ...labels];
				if (status) next.status = status;
				if (priority) next.priority = priority;
				next.events = [...((doc.events as Rec[]) ?? []), {
					entity_id: w.workflow_id, entity_name: w.name, entity_type: 'workflow', labels: w.labels, labels_removed: [],
					priority: w.priority, status: w.status, ts: isoMicro(passMs),
				}];
				this.replaceInPlace(this.byId.get(e.id)!, next);
			}
		}
		for (const e of window) {
			const cur = this.byId.get(e.id)!;
			const doc = this.load(cur);
			if (doc.workflows_completed === true) continue;
			this.replaceInPlace(cur, { ...structuredClone(doc), workflows_completed: true });
		}
		m.startTs = endTs;
	}

	/** A new version of an alert that keeps its reporting_ts and sort position (triage, workflows). */
	private replaceInPlace(e: AlertEntry, doc: Rec): void {
		const ne: AlertEntry = { id: e.id, ms: e.ms, seq: 0, pos: 0, doc };
		const seq = e.seq;
		this.pushEntry(ne);
		ne.seq = seq;
	}

	private loadInput(): void {
		const inp = this.input;
		for (const s of inp.submissions) this.putSubmission(structuredClone(s));
		for (const [k, v] of Object.entries(inp.summaryOverrides ?? {})) this.summaryOverrides.set(k, v);
		for (const [k, v] of Object.entries(inp.ontologyOverrides ?? {})) this.ontologyOverrides.set(k, v);
		this.generated = inp.generated;
		if (inp.generated) {
			for (let i = 0; i < inp.generated.count; i++) {
				const c = generatedAlertCore(inp.generated, i);
				this.pushEntry({ id: c.alert_id, ms: c.reportingMs, seq: 0, pos: 0, gen: i });
			}
		}
		for (const a of inp.alerts) this.pushDoc(structuredClone(a));
	}

	private putSubmission(spec: SubmissionSpec): BuiltSubmission {
		const b = new BuiltSubmission(spec);
		if (!this.submissions.has(spec.sid)) this.submissionEntries.push({ seq: ++this.seq, sid: spec.sid });
		this.submissions.set(spec.sid, b);
		this.version++;
		return b;
	}

	private pushEntry(e: AlertEntry): void {
		const old = this.byId.get(e.id);
		e.seq = ++this.seq;
		if (old) {
			e.pos = old.pos;
			this.alerts[old.pos] = e;
		} else {
			e.pos = this.alerts.length;
			this.alerts.push(e);
		}
		this.byId.set(e.id, e);
		this.version++;
	}

	private pushDoc(doc: Rec): void {
		const id = String(doc.alert_id);
		if (!id || id === 'undefined') throw new Error('alert document without alert_id');
		this.pushEntry({ id, ms: parseDate(doc.reporting_ts), seq: 0, pos: 0, doc });
	}

	/** Read-only view of an alert (shared with the store; clone before changing it). */
	load(e: AlertEntry): Rec {
		if (e.doc) return e.doc;
		const c = generatedAlertCore(this.generated!, e.gen!);
		const sub = this.submissions.get(c.sid)!;
		return alertFromSubmission(sub, {
			alert_id: c.alert_id, reporting_ts: isoMicro(c.reportingMs, e.gen! % 1000), ts: isoMicro(c.tsMs, 331),
			status: c.status, priority: c.priority, owner: c.owner, label: c.label,
		}, true);
	}

	getAlert(id: string): Rec | undefined {
		const e = this.byId.get(id);
		return e ? structuredClone(this.load(e)) : undefined;
	}

	alertCount(): number {
		return this.alerts.length;
	}

	getSubmission(sid: string): BuiltSubmission | undefined {
		return this.submissions.get(sid);
	}

	summaryFor(sid: string): unknown {
		const b = this.submissions.get(sid);
		if (!b) return undefined;
		const summary = (b.completed && this.summaryOverrides.has(sid) ? structuredClone(this.summaryOverrides.get(sid)) : b.summary()) as Rec;
		const hidden = this.filtered.get(sid);
		if (hidden) {
			// Sections the caller may not see are skipped whole, and the flag says so.
			summary.filtered = true;
			for (const group of Object.values(summary.tags as Record<string, Record<string, unknown[][]>>)) {
				for (const [type, tuples] of Object.entries(group)) {
					group[type] = tuples.filter((t) => !hidden.includes(String(t[0])));
					if (!group[type].length) delete group[type];
				}
			}
		}
		return summary;
	}

	/** NDJSON body ('' for no records). */
	ontologyFor(sid: string, sha256: string[] = [], services: string[] = []): string | undefined {
		const b = this.submissions.get(sid);
		if (!b) return undefined;
		let records: Rec[];
		if (b.completed && this.ontologyOverrides.has(sid)) {
			records = this.ontologyOverrides.get(sid)!.split('\n').filter(Boolean).map((l) => JSON.parse(l));
		} else {
			records = b.ontology();
		}
		const keyed = records.map((r) => {
			const f = r.file as Rec;
			const s = r.service as Rec;
			return { r, key: `${f.sha256}.${s.name}.v${String(s.version).replace(/\./g, '_')}.c0` };
		});
		const kept = keyed.filter(({ key }) => (!sha256.length || sha256.some((h) => key.startsWith(h))) && (!services.length || services.some((s) => key.includes(`.${s}.`))));
		return kept.map(({ r }) => JSON.stringify(r) + '\n').join('');
	}

	alertSource(): SearchSource<AlertEntry> {
		return {
			name: 'alert',
			items: this.alerts,
			load: (e) => this.load(e),
			fastKey: (e, f) => (f === 'reporting_ts' ? e.ms : undefined),
			idOf: (d) => String(d.alert_id),
			defaultSort: 'reporting_ts desc',
			stored: [
				'alert_id', 'al.attrib', 'al.av', 'al.score', 'archive_ts', 'classification', 'extended_scan',
				'file.md5', 'file.name', 'file.sha1', 'file.sha256', 'file.type', 'filtered', 'label', 'owner', 'priority',
				'reporting_ts', 'sid', 'status', 'submission_relations', 'ts', 'type', 'workflows_completed',
			],
		};
	}

	submissionSource(): SearchSource<SubmissionEntry> {
		return {
			name: 'submission',
			items: this.submissionEntries,
			load: (e) => this.submissions.get(e.sid)!.document(),
			idOf: (d) => String(d.sid),
			defaultSort: 'times.submitted desc',
			stored: [
				'archive_ts', 'classification', 'error_count', 'file_count', 'max_score', 'params.description', 'params.submitter',
				// times.completed is indexed, not stored (assemblyline-base odm/models/submission.py Times.completed)
				'params.type', 'sid', 'state', 'times.submitted', 'to_be_deleted', 'verdict',
			],
		};
	}

	// --- mutations ---------------------------------------------------------------------------------

	private nextId(): string {
		return base62Id(rngFor(0xa1e47, 3, this.made++));
	}

	/** Adds a submission (a full spec, or IoCs like makeAlert). Returns its sid. */
	addSubmission(spec: SubmissionSpec | (MakeAlertOptions & { sid?: string })): string {
		if ('files' in spec && 'results' in spec) return this.putSubmission(structuredClone(spec as SubmissionSpec)).sid;
		const o = spec as MakeAlertOptions;
		const sid = o.sid ?? this.nextId();
		const ms = o.reporting_ts === undefined ? this.now() : parseDate(o.reporting_ts);
		this.putSubmission(specFromIocs({ ...o, sid, ingestId: o.alert_id ?? this.nextId(), submittedMs: ms, completed: o.completed ?? false }, this.made));
		return sid;
	}

	/** Marks a submission completed now; raises its alert (generate_alert) unless alert is false. */
	completeSubmission(sid: string, opts: { alert?: boolean; at?: string | number } = {}): Rec | undefined {
		const b = this.submissions.get(sid);
		if (!b) throw new Error(`unknown sid ${sid}`);
		const at = opts.at === undefined ? this.now() : parseDate(opts.at);
		const spec = { ...b.spec, state: 'completed' as const, completed: isoMicro(at) };
		const nb = this.putSubmission(spec);
		if (opts.alert === false || !spec.generateAlert) return undefined;
		const doc = alertFromSubmission(nb, { alert_id: spec.ingestId ?? this.nextId(), reporting_ts: isoMicro(at + 1000) });
		doc.workflows_completed = !this.manager;
		this.pushDoc(doc);
		return structuredClone(doc);
	}

	/** Submissions sent through POST /api/v4/submit/, and when their analysis completes (fake clock, ms). */
	pending = new Map<string, number>();

	/** A submission from the submit API: state "submitted" until `completeAt`, then completed (no alert: /submit/ sets none). */
	addSubmittedSpec(spec: SubmissionSpec, completeAt: number): void {
		this.putSubmission(spec);
		this.pending.set(spec.sid, completeAt);
	}

	private completeDue(): void {
		if (!this.pending.size) return;
		const now = this.now();
		for (const [sid, at] of [...this.pending].sort((a, b) => a[1] - b[1])) {
			if (at > now) continue;
			this.pending.delete(sid);
			this.completeSubmission(sid, { at, alert: this.submissions.get(sid)?.spec.generateAlert === true });
		}
	}

	/** A file any submission holds, by sha256 (what "submit a known hash" finds in the filestore). */
	findFile(sha256: string): SubmissionSpec['files'][number] | undefined {
		for (const b of this.submissions.values()) {
			const f = b.spec.files.find((x) => x.sha256 === sha256);
			if (f) return f;
		}
		return undefined;
	}

	/**
	 * GET /api/v4/alert/ownership/<id>/ (assemblyline-ui api/v4/alert.py take_ownership): sets the owner when
	 * there is none; no event is written.
	 */
	takeOwnership(id: string, user: string): 'taken' | 'missing' | { owner: string } {
		const e = this.byId.get(id);
		if (!e) return 'missing';
		const doc = structuredClone(this.load(e));
		if (doc.owner) return { owner: String(doc.owner) };
		doc.owner = user;
		this.replaceInPlace(e, doc);
		return 'taken';
	}

	/** Builds a completed submission holding the IoCs and its alert, adds both, returns the alert. */
	makeAlert(o: MakeAlertOptions = {}): Rec {
		const ms = o.reporting_ts === undefined ? this.now() : parseDate(o.reporting_ts);
		const alert_id = o.alert_id ?? this.nextId();
		const sid = o.sid ?? this.nextId();
		const b = this.putSubmission(specFromIocs({ ...o, sid, ingestId: alert_id, submittedMs: ms, completed: true }, this.made));
		const doc = alertFromSubmission(b, {
			alert_id, reporting_ts: normIso(o.reporting_ts ?? ms), ts: o.ts,
			status: o.status, priority: o.priority, owner: o.owner, label: o.label, events: o.events,
		});
		if (o.extended_scan !== undefined) doc.extended_scan = o.extended_scan;
		// A fake without a workflow manager stands for one whose pass already ran.
		doc.workflows_completed = o.workflows_completed ?? !this.manager;
		this.pushDoc(doc);
		return structuredClone(doc);
	}

	/** Adds alert documents (objects with `al`) or makeAlert options; returns the alert ids. */
	addAlerts(alerts: (Rec | MakeAlertOptions)[]): string[] {
		return alerts.map((a) => {
			if ('al' in a && 'alert_id' in a) {
				this.pushDoc(structuredClone(a as Rec));
				return String((a as Rec).alert_id);
			}
			return String(this.makeAlert(a as MakeAlertOptions).alert_id);
		});
	}

	/**
	 * An Assemblyline alert update (§4.5): reporting_ts moves forward, sid may change (an extended scan
	 * gives a new submission), al.* lists are unions, and al.detailed is the new submission's view.
	 */
	updateAlert(id: string, changes: AlertChanges = {}): Rec {
		const e = this.byId.get(id);
		if (!e) throw new Error(`unknown alert ${id}`);
		const old = structuredClone(this.load(e));
		const newMs = changes.reporting_ts === undefined ? Math.max(this.now(), e.ms + 1) : parseDate(changes.reporting_ts);
		let doc: Rec = old;
		const { reporting_ts: _r, sid: newSid, ips, domains, uris, ...rest } = changes;
		void _r;
		let sub: BuiltSubmission | undefined;
		if (ips || domains || uris) {
			// Extended scan: the new submission sees the old IoCs plus the new ones.
			const detailed = (old.al as Rec).detailed as Record<string, DetailedItem[]>;
			const carry = (k: 'ip' | 'domain' | 'uri') =>
				(detailed[k] ?? []).map((d) => ({ value: d.value, verdict: d.verdict, kind: d.type.includes('.static.') ? ('static' as const) : ('dynamic' as const) }));
			const sid = newSid ?? this.nextId();
			sub = this.putSubmission(specFromIocs({
				sid, ingestId: id, submittedMs: newMs, completed: true, file_name: String((old.file as Rec).name),
				ips: [...carry('ip'), ...(ips ?? [])], domains: [...carry('domain'), ...(domains ?? [])], uris: [...carry('uri'), ...(uris ?? [])],
			}, this.made));
		} else if (newSid !== undefined) {
			sub = this.submissions.get(newSid);
			if (!sub) throw new Error(`unknown sid ${newSid}`);
		}
		if (sub) {
			const fresh = alertFromSubmission(sub, { alert_id: id, reporting_ts: isoMicro(newMs), ts: String(old.ts) });
			const oal = old.al as Rec;
			const nal = fresh.al as Rec;
			for (const f of ['attrib', 'av', 'behavior', 'domain', 'domain_dynamic', 'domain_static', 'ip', 'ip_dynamic', 'ip_static', 'uri', 'uri_dynamic', 'uri_static', 'yara']) {
				nal[f] = [...new Set([...((oal[f] as string[]) ?? []), ...((nal[f] as string[]) ?? [])])].sort();
			}
			// DetailedResults.update: every list becomes list(set(old + new)): an arbitrary order, and the
			// same (type, value) twice when the two scans gave it different verdicts.
			const od = oal.detailed as Record<string, DetailedItem[]>;
			const nd = nal.detailed as Record<string, DetailedItem[]>;
			for (const k of new Set([...Object.keys(od ?? {}), ...Object.keys(nd ?? {})])) nd[k] = setOrder([...(od?.[k] ?? []), ...(nd?.[k] ?? [])]);
			doc = { ...old, al: nal, attack: fresh.attack, heuristic: fresh.heuristic, sid: sub.sid, submission_relations: fresh.submission_relations, extended_scan: 'completed' };
		}
		// A merge always resets workflows_completed (Alert.update and create_or_update_alert).
		doc = { ...doc, ...rest, workflows_completed: false, reporting_ts: normIso(changes.reporting_ts ?? newMs), expiry_ts: isoMicro(newMs + 90 * DAY_MS) };
		this.pushDoc(doc);
		return structuredClone(doc);
	}

	/** Triage changes from the API; appends an event like the server. Returns false for unknown ids. */
	triage(id: string, user: { name: string; fullName: string }, change: { labels?: string[]; labelsRemoved?: string[]; status?: string; priority?: string }): boolean {
		const e = this.byId.get(id);
		if (!e) return false;
		const doc = structuredClone(this.load(e));
		const labels = change.labels ? change.labels.filter((l) => !(doc.label as string[]).includes(l)) : [];
		if (change.labels && labels.length === 0) return true;
		// remove_labels: the event lists the labels that were present; nothing present, no write.
		const removed = change.labelsRemoved ? change.labelsRemoved.filter((l) => (doc.label as string[]).includes(l)) : [];
		if (change.labelsRemoved && removed.length === 0) return true;
		if (change.labelsRemoved) doc.label = (doc.label as string[]).filter((l) => !removed.includes(l));
		if (change.status !== undefined && doc.status === change.status) return true;
		if (change.priority !== undefined && doc.priority === change.priority) return true;
		if (change.labels) doc.label = [...(doc.label as string[]), ...labels];
		if (change.status !== undefined) doc.status = change.status;
		if (change.priority !== undefined) doc.priority = change.priority;
		(doc.events as Rec[]).push({
			entity_id: user.name, entity_name: user.fullName, entity_type: 'user', labels, labels_removed: removed,
			priority: change.priority ?? null, status: change.status ?? null, ts: isoMicro(this.now()),
		});
		// triage does not move reporting_ts, so the entry keeps its sort position
		this.replaceInPlace(e, doc);
		return true;
	}
}

/** Python's list(set(...)) over DetailedItems: distinct by all four fields, in a hash order. */
function setOrder(items: DetailedItem[]): DetailedItem[] {
	const seen = new Map<string, DetailedItem>();
	for (const d of items) seen.set(JSON.stringify([d.type, d.value, d.verdict, d.subtype ?? null]), d);
	return [...seen.entries()].sort(([a], [b]) => (sha256Hex(a) < sha256Hex(b) ? -1 : 1)).map(([, d]) => d);
}

export { VERDICT_RANK };
