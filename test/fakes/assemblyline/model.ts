// A submission is described once (files, service results, sections, tags) and everything the API
// serves for it (summary, ontology NDJSON, submission document, alert fields) is derived from that
// description with the server's own rules (assemblyline-base datastore/helper.py, odm/models/), so the views always agree.
import { isoMicro, parseDate, sha256Hex, DAY_MS } from './util.ts';

export type Verdict = 'safe' | 'info' | 'suspicious' | 'malicious';
export type TagTuple = [string, Verdict, boolean, string];

export interface FileSpec {
	sha256: string;
	md5: string;
	sha1: string;
	size: number;
	type: string;
	/** Only files submitted directly carry names (ontology `file.names`). */
	name?: string;
}

export interface AttackSpec {
	attack_id: string;
	pattern: string;
	categories: string[];
}

export interface HeuristicSpec {
	/** Summary form, e.g. "CAPE.13". */
	heur_id: string;
	name: string;
	score: number;
	attack?: AttackSpec[];
	signature?: { name: string; frequency: number; safe: boolean }[];
}

export interface TagSpec {
	type: string;
	value: string | number;
	safelisted?: boolean;
}

export interface SectionSpec {
	title_text: string;
	body?: string;
	heuristic?: HeuristicSpec | null;
	tags: TagSpec[];
}

export interface ResultSpec {
	service: string;
	version: string;
	tool_version?: string;
	/** sha256 of the file this result is about. */
	sha256: string;
	sections: SectionSpec[];
	/** Extra ontology `results` keys (netflow, process, ...). */
	ontologyExtra?: Record<string, unknown>;
	/** false: this service attached no ontology file. */
	ontology?: boolean;
}

export interface SubmissionSpec {
	sid: string;
	/** Root file first. */
	files: FileSpec[];
	results: ResultSpec[];
	state: 'submitted' | 'completed';
	submitted: string;
	completed?: string | null;
	submitter: string;
	metadata: Record<string, string>;
	classification?: string;
	description?: string;
	generateAlert?: boolean;
	/** ingest_id, which becomes the alert_id. */
	ingestId?: string;
	/** The params sent with POST /api/v4/submit/ (merged over the defaults of the document). */
	params?: Record<string, unknown>;
}

export const VERDICT_RANK: Record<Verdict, number> = { safe: 0, info: 1, suspicious: 2, malicious: 3 };
export const VERDICTS = { malicious: 1000, suspicious: 300, info: 0 };

export function scoreVerdict(score: number | undefined | null): Verdict {
	if (score === undefined || score === null) return 'info';
	if (score >= VERDICTS.malicious) return 'malicious';
	if (score >= VERDICTS.suspicious) return 'suspicious';
	if (score >= VERDICTS.info) return 'info';
	return 'safe';
}

export const TAG_GROUPS: Record<'attribution' | 'behavior' | 'ioc', string[]> = {
	attribution: [
		'attribution.actor', 'attribution.campaign', 'attribution.exploit', 'attribution.implant', 'attribution.family',
		'attribution.network', 'av.virus_name', 'file.config', 'technique.obfuscation',
	],
	behavior: ['file.behavior'],
	ioc: [
		'network.email.address', 'network.static.ip', 'network.static.domain', 'network.static.uri',
		'network.dynamic.ip', 'network.dynamic.domain', 'network.dynamic.uri',
	],
};
const GROUP_OF = new Map<string, 'attribution' | 'behavior' | 'ioc'>();
for (const [g, types] of Object.entries(TAG_GROUPS)) for (const t of types) GROUP_OF.set(t, g as 'ioc');

/** Alerter subtypes (CORE alerter TAG_MAP). */
export const ATTRIB_SUBTYPE: Record<string, string> = {
	'attribution.exploit': 'EXP',
	'file.config': 'CFG',
	'technique.obfuscation': 'OB',
	'attribution.family': 'IMP',
	'attribution.implant': 'IMP',
	'technique.config': 'CFG',
	'attribution.actor': 'TA',
};

export interface DetailedItem {
	type: string;
	value: string;
	verdict: Verdict;
	subtype: string | null;
}

interface TagOcc {
	type: string;
	value: string | number;
	verdict: Verdict;
	safelisted: boolean;
	sha256: string;
}

/** The submission with everything derived from it. Derived views are computed lazily and cached. */
export class BuiltSubmission {
	spec: SubmissionSpec;
	private _tags?: TagOcc[];
	private _alertParts?: AlertParts;
	constructor(spec: SubmissionSpec) {
		this.spec = spec;
	}

	get sid(): string {
		return this.spec.sid;
	}
	get completed(): boolean {
		return this.spec.state === 'completed';
	}
	get rootFile(): FileSpec {
		return this.spec.files[0];
	}

	/** Sections of a result in the order the summary processes them: heuristic score descending (stable). */
	static orderedSections(r: ResultSpec): SectionSpec[] {
		return r.sections
			.map((s, i) => ({ s, i }))
			.sort((a, b) => (b.s.heuristic?.score ?? 0) - (a.s.heuristic?.score ?? 0) || a.i - b.i)
			.map((x) => x.s);
	}

	/**
	 * Every tag once per (type, value), in processing order (results in order, sections by score
	 * descending, tags in section order). A later occurrence with a higher verdict replaces the verdict
	 * and safelisted flag but keeps the first position; ties keep the first occurrence.
	 */
	tagOccurrences(): TagOcc[] {
		if (this._tags) return this._tags;
		const out: TagOcc[] = [];
		const index = new Map<string, number>();
		for (const r of this.spec.results) {
			for (const s of BuiltSubmission.orderedSections(r)) {
				const verdict = scoreVerdict(s.heuristic?.score);
				for (const t of s.tags) {
					const key = t.type + '\u0000' + String(t.value);
					const at = index.get(key);
					if (at === undefined) {
						index.set(key, out.length);
						out.push({ type: t.type, value: t.value, verdict, safelisted: !!t.safelisted, sha256: r.sha256 });
					} else if (VERDICT_RANK[verdict] > VERDICT_RANK[out[at].verdict]) {
						out[at] = { ...out[at], verdict, safelisted: !!t.safelisted };
					}
				}
			}
		}
		this._tags = out;
		return out;
	}

	maxScore(): number {
		if (!this.completed) return 0;
		const perFile = new Map<string, number>();
		for (const r of this.spec.results) {
			let s = 0;
			for (const sec of r.sections) s += sec.heuristic?.score ?? 0;
			perFile.set(r.sha256, (perFile.get(r.sha256) ?? 0) + s);
		}
		let max = 0;
		for (const v of perFile.values()) max = Math.max(max, v);
		return max;
	}

	resultKey(r: ResultSpec): string {
		const conf = sha256Hex(this.spec.sid + r.service + r.sha256).slice(0, 7);
		return `${r.sha256}.${r.service}.v${r.version.replace(/\./g, '_')}.c${conf}`;
	}

	classification(): string {
		return this.spec.classification ?? 'TLP:C';
	}

	/** GET /api/v4/submission/summary/<sid>/ payload (§2). */
	summary(): Record<string, unknown> {
		const tags: Record<string, Record<string, TagTuple[]>> = { attribution: {}, behavior: {}, ioc: {} };
		const empty = {
			attack_matrix: {},
			classification: this.classification(),
			filtered: false,
			heuristic_name_map: {},
			heuristic_sections: {},
			heuristics: {},
			map: {},
			partial: true,
			tags,
		};
		if (!this.completed) return empty;
		const cls = this.classification();
		const map: Record<string, string[]> = {};
		// Per file: attack patterns, then heuristics and signatures, then tags (the fixture's order).
		const perFile = new Map<string, [string[], string[], string[]]>();
		const addMap = (key: string, sha: string, bucket: 0 | 1 | 2) => {
			(map[key] ??= []).includes(sha) || map[key].push(sha);
			if (!perFile.has(sha)) perFile.set(sha, [[], [], []]);
			const b = perFile.get(sha)![bucket];
			// Tags keep the server's duplicate-key quirk (§2.4); the others are unique.
			if (bucket === 2 || !b.includes(key)) b.push(key);
		};
		for (const t of this.tagOccurrences()) {
			const g = GROUP_OF.get(t.type);
			if (!g) continue;
			(tags[g][t.type] ??= []).push([String(t.value), t.verdict, t.safelisted, cls]);
		}
		const attack: Record<string, [string, string, Verdict][]> = {};
		const heuristics: Partial<Record<Verdict, [string, string][]>> = {};
		const sections: Record<string, unknown[]> = {};
		const nameMap: Record<string, string[]> = {};
		for (const r of this.spec.results) {
			for (const s of BuiltSubmission.orderedSections(r)) {
				for (const t of s.tags) if (GROUP_OF.has(t.type)) addMap(`${t.type}__${t.value}`, r.sha256, 2);
				const h = s.heuristic;
				if (!h) continue;
				const v = scoreVerdict(h.score);
				const hl = (heuristics[v] ??= []);
				if (!hl.some((x) => x[0] === h.heur_id)) hl.push([h.heur_id, h.name]);
				addMap(`heuristic__${h.heur_id}`, r.sha256, 1);
				for (const sig of h.signature ?? []) addMap(`heuristic.signature__${sig.name}`, r.sha256, 1);
				for (const a of h.attack ?? []) {
					addMap(`attack_pattern__${a.attack_id}`, r.sha256, 0);
					for (const c of a.categories) {
						const l = (attack[c] ??= []);
						if (!l.some((x) => x[0] === a.attack_id && x[2] === v)) l.push([a.attack_id, a.pattern, v]);
					}
				}
				(sections[h.heur_id] ??= []).push(formatSection(s, cls));
				const nm = (nameMap[h.name] ??= []);
				if (!nm.includes(h.heur_id)) nm.push(h.heur_id);
			}
		}
		for (const [sha, b] of perFile) map[sha] = [...b[0], ...b[1], ...b[2]];
		return {
			attack_matrix: attack,
			classification: cls,
			filtered: false,
			heuristic_name_map: nameMap,
			heuristic_sections: sections,
			heuristics,
			map,
			partial: false,
			tags,
		};
	}

	/** Ontology records (§3), one per result with an ontology, in result order. Empty while in progress. */
	ontology(sourceSystem = 'assemblyline.corp.example.com'): Record<string, unknown>[] {
		if (!this.completed) return [];
		const root = this.rootFile;
		const direct = new Set(this.spec.files.filter((f) => f.name !== undefined).map((f) => f.sha256));
		const files = new Map(this.spec.files.map((f) => [f.sha256, f]));
		const out: Record<string, unknown>[] = [];
		for (const r of this.spec.results) {
			if (r.ontology === false) continue;
			const f = files.get(r.sha256) ?? root;
			const file: Record<string, unknown> = { md5: f.md5, sha1: f.sha1, sha256: f.sha256, type: f.type, size: f.size };
			if (direct.has(f.sha256) && f.name !== undefined) file.names = [f.name];
			if (f.sha256 !== root.sha256) file.parent = root.sha256;
			const allTags = new Map<string, Set<string | number>>();
			const heuristics: Record<string, unknown>[] = [];
			let score = 0;
			for (const s of BuiltSubmission.orderedSections(r)) {
				for (const t of s.tags) {
					if (!allTags.has(t.type)) allTags.set(t.type, new Set());
					allTags.get(t.type)!.add(t.value);
				}
				if (s.heuristic) {
					score += s.heuristic.score;
					const ht = new Map<string, Set<string | number>>();
					for (const t of s.tags) {
						if (!ht.has(t.type)) ht.set(t.type, new Set());
						ht.get(t.type)!.add(t.value);
					}
					const n = s.heuristic.heur_id.split('.');
					heuristics.push({
						heur_id: `${n[0]}_${n.slice(1).join('.')}`,
						name: s.heuristic.name,
						tags: tagsObject(ht),
						score: s.heuristic.score,
						times_raised: 1,
					});
				}
			}
			const results: Record<string, unknown> = { tags: tagsObject(allTags), heuristics, score, ...(r.ontologyExtra ?? {}) };
			const service: Record<string, unknown> = { name: r.service, version: r.version };
			if (r.tool_version) service.tool_version = r.tool_version;
			out.push({
				odm_type: 'Assemblyline Result Ontology',
				odm_version: '1.10',
				classification: this.classification(),
				file,
				service,
				results,
				submission: {
					metadata: this.spec.metadata,
					date: this.spec.submitted,
					source_system: sourceSystem,
					sid: this.spec.sid,
					classification: this.classification(),
					submitter: this.spec.submitter,
					groups: ['USERS'],
					max_score: this.maxScore(),
				},
			});
		}
		return out;
	}

	/** GET /api/v4/submission/<sid>/ document. */
	document(): Record<string, unknown> {
		const s = this.spec;
		const completed = this.completed;
		return {
			archive_ts: null,
			classification: this.classification(),
			error_count: 0,
			errors: [],
			expiry_ts: isoMicro(parseDate(s.submitted) + 30 * DAY_MS),
			file_count: s.files.length,
			files: s.files.filter((f) => f.name !== undefined).map((f) => ({ name: f.name, sha256: f.sha256, size: f.size })),
			from_archive: false,
			max_score: this.maxScore(),
			metadata: s.metadata,
			params: {
				classification: this.classification(),
				deep_scan: false,
				description: s.description ?? `[INGEST] ${this.rootFile.name ?? this.rootFile.sha256}`,
				generate_alert: !!s.generateAlert,
				groups: ['USERS'],
				ignore_cache: false,
				priority: 150,
				psid: null,
				submitter: s.submitter,
				ttl: 30,
				type: s.metadata.type ?? 'INGEST',
				...(s.params ?? {}),
			},
			results: completed ? s.results.map((r) => this.resultKey(r)) : [],
			sid: s.sid,
			state: s.state,
			times: { completed: completed ? (s.completed ?? s.submitted) : null, submitted: s.submitted },
			to_be_deleted: false,
			verdict: { malicious: [], non_malicious: [] },
		};
	}

	/** The parts of an alert that come from the submission (CORE alerter), shared by every alert of this sid. */
	alertParts(): AlertParts {
		if (this._alertParts) return this._alertParts;
		const occ = this.tagOccurrences().filter((t) => !t.safelisted && String(t.value) !== '');
		const byType = (type: string): DetailedItem[] =>
			occ.filter((t) => t.type === type).map((t) => ({ subtype: null, type: t.type, value: String(t.value), verdict: t.verdict }));
		const net = (kind: 'ip' | 'domain' | 'uri') => {
			const dyn = byType(`network.dynamic.${kind}`);
			const sta = byType(`network.static.${kind}`);
			return { detailed: [...dyn, ...sta], dynamic: uniqSorted(dyn.map((d) => d.value)), static: uniqSorted(sta.map((d) => d.value)) };
		};
		const ip = net('ip');
		const domain = net('domain');
		const uri = net('uri');
		const attrib: DetailedItem[] = occ
			.filter((t) => ATTRIB_SUBTYPE[t.type])
			.map((t) => ({ subtype: ATTRIB_SUBTYPE[t.type], type: t.type, value: String(t.value), verdict: t.verdict }));
		const av = byType('av.virus_name');
		const behavior = byType('file.behavior');
		const yara = byType('file.rule.yara');
		// Heuristics: grouped by verdict (safe, info, suspicious, malicious), processing order inside.
		const heur = new Map<string, Verdict>();
		const pattern = new Map<string, Verdict>();
		const category = new Map<string, Verdict>();
		const bump = (m: Map<string, Verdict>, k: string, v: Verdict) => {
			const old = m.get(k);
			if (old === undefined || VERDICT_RANK[v] > VERDICT_RANK[old]) m.set(k, v);
		};
		const heurOrder: { name: string; verdict: Verdict }[] = [];
		for (const r of this.spec.results) {
			for (const s of BuiltSubmission.orderedSections(r)) {
				const h = s.heuristic;
				if (!h) continue;
				const v = scoreVerdict(h.score);
				if (!heurOrder.some((x) => x.name === h.name && x.verdict === v)) heurOrder.push({ name: h.name, verdict: v });
				bump(heur, h.name, v);
				for (const a of h.attack ?? []) {
					bump(pattern, a.pattern, v);
					for (const c of a.categories) bump(category, c, v);
				}
			}
		}
		const heuristicItems: DetailedItem[] = [];
		for (const v of ['safe', 'info', 'suspicious', 'malicious'] as Verdict[]) {
			for (const h of heurOrder) if (h.verdict === v) heuristicItems.push({ subtype: null, type: 'heuristic', value: h.name, verdict: v });
		}
		const simple = (m: Map<string, Verdict>, type: string): DetailedItem[] =>
			[...m].map(([value, verdict]) => ({ subtype: null, type, value, verdict }));
		this._alertParts = {
			al: {
				attrib: uniqSorted(attrib.map((a) => `${a.value} [${a.subtype}]`)),
				av: uniqSorted(av.map((a) => a.value)),
				behavior: uniqSorted(behavior.map((a) => a.value)),
				detailed: {
					attack_category: simple(category, 'attack_category'),
					attack_pattern: simple(pattern, 'attack_pattern'),
					attrib,
					av,
					behavior,
					domain: domain.detailed,
					heuristic: heuristicItems,
					ip: ip.detailed,
					uri: uri.detailed,
					yara,
				},
				domain: uniqSorted([...domain.dynamic, ...domain.static]),
				domain_dynamic: domain.dynamic,
				domain_static: domain.static,
				ip: uniqSorted([...ip.dynamic, ...ip.static]),
				ip_dynamic: ip.dynamic,
				ip_static: ip.static,
				request_end_time: this.spec.completed ?? this.spec.submitted,
				score: this.maxScore(),
				uri: uniqSorted([...uri.dynamic, ...uri.static]),
				uri_dynamic: uri.dynamic,
				uri_static: uri.static,
				yara: uniqSorted(yara.map((a) => a.value)),
			},
			attack: { category: uniqSorted([...category.keys()]), pattern: uniqSorted([...pattern.keys()]) },
			heuristic: { name: uniqSorted([...heur.keys()]) },
			classification: this.classification(),
			file: {
				md5: this.rootFile.md5,
				name: this.rootFile.name ?? this.rootFile.sha256,
				screenshots: [],
				sha1: this.rootFile.sha1,
				sha256: this.rootFile.sha256,
				size: this.rootFile.size,
				type: this.rootFile.type,
			},
		};
		return this._alertParts;
	}
}

export interface AlertParts {
	al: Record<string, unknown> & { detailed: Record<string, DetailedItem[]> };
	attack: { category: string[]; pattern: string[] };
	heuristic: { name: string[] };
	classification: string;
	file: Record<string, unknown>;
}

export interface AlertInit {
	alert_id: string;
	reporting_ts: string;
	ts?: string;
	type?: string;
	status?: string | null;
	priority?: string | null;
	owner?: string | null;
	label?: string[];
	events?: unknown[];
}

/** A full alert document (§5) for a completed submission. Shares nothing mutable with the submission. */
export function alertFromSubmission(sub: BuiltSubmission, init: AlertInit, shareParts = false): Record<string, unknown> {
	// shareParts: read-only views for search over large generated sets skip the deep copy
	const parts = shareParts ? sub.alertParts() : structuredClone(sub.alertParts());
	const meta = { ...sub.spec.metadata };
	const type = init.type ?? meta.type ?? 'INGEST';
	const ts = init.ts ?? meta.ts ?? sub.spec.submitted;
	delete meta.type;
	delete meta.ts;
	meta.ingest_id = init.alert_id; // the ingest's own id, also on cache hits that reuse a sid
	return {
		al: parts.al,
		alert_id: init.alert_id,
		archive_ts: null,
		attack: parts.attack,
		classification: parts.classification,
		events: init.events ?? [],
		expiry_ts: isoMicro(parseDate(init.reporting_ts) + 90 * DAY_MS),
		extended_scan: 'skipped',
		file: parts.file,
		filtered: false,
		heuristic: parts.heuristic,
		label: init.label ?? [],
		metadata: meta,
		owner: init.owner ?? null,
		priority: init.priority ?? null,
		reporting_ts: init.reporting_ts,
		sid: sub.sid,
		status: init.status ?? null,
		submission_relations: [{ child: sub.sid, parent: null }],
		ts,
		type,
		verdict: { malicious: [], non_malicious: [] },
		workflows_completed: true,
	};
}

function formatSection(s: SectionSpec, cls: string): Record<string, unknown> {
	const h = s.heuristic!;
	const tags = [...s.tags.filter((t) => !t.safelisted), ...s.tags.filter((t) => t.safelisted)];
	return {
		auto_collapse: false,
		body: s.body ?? s.title_text,
		body_config: null,
		body_format: 'TEXT',
		classification: cls,
		depth: 0,
		heuristic: { attack: h.attack ?? [], heur_id: h.heur_id, name: h.name, score: h.score, signature: h.signature ?? [] },
		promote_to: null,
		tags: tags.map((t) => ({ safelisted: !!t.safelisted, short_type: t.type.split('.').pop(), type: t.type, value: t.value })),
		title_text: s.title_text,
	};
}

function tagsObject(m: Map<string, Set<string | number>>): Record<string, (string | number)[]> {
	const o: Record<string, (string | number)[]> = {};
	for (const [k, set] of m) o[k] = [...set].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
	return o;
}

function uniqSorted(list: string[]): string[] {
	return [...new Set(list)].sort();
}
