/**
 * Assemblyline's data as its API returns it (assemblyline-base odm/models/, assemblyline-ui api/v4/), and the
 * small facts about it that several nodes need.
 */

import * as z from './zod';

/*
 * The schemas of every Assemblyline answer the package reads, checked with checkShape /
 * parseResponse (nodes/shared/schema.ts) before anything reads them. They name only the fields
 * the package uses and let every other field through (looseObject), so a newer server that adds
 * fields still works, while a field that changed type fails with its name. Sources:
 * assemblyline-base odm/models/ (alert.py, submission.py, user.py, ontology/) and assemblyline-ui
 * api/v4/ (submission.py get_summary, search.py, user.py who_am_i).
 */

/** `[value, verdict, safelisted, classification]`, one tag value in a submission summary. */
export const TAG_TUPLE = z.tuple([z.string(), z.string(), z.boolean(), z.string()]);
export type TagTuple = z.Infer<typeof TAG_TUPLE>;

const TAG_GROUP = z.optional(z.record(z.string(), z.array(TAG_TUPLE)));

/** GET /api/v4/submission/summary/<sid>/ */
export const SUBMISSION_SUMMARY = z.looseObject({
	classification: z.optional(z.string()),
	filtered: z.optional(z.boolean()),
	partial: z.optional(z.boolean()),
	tags: z.optional(z.looseObject({ attribution: TAG_GROUP, behavior: TAG_GROUP, ioc: TAG_GROUP })),
});
export type SubmissionSummary = z.Infer<typeof SUBMISSION_SUMMARY>;

/** A tag value as the ontology stores it: text, or a number for numeric tags (ports). */
const ONTOLOGY_TAG_VALUE = z.union([z.string(), z.number(), z.boolean(), z.literal(null)]);

/** One line of GET /api/v4/ontology/submission/<sid>/ (NDJSON, one record per result). */
export const ONTOLOGY_RECORD = z.looseObject({
	service: z.optional(z.looseObject({ name: z.optional(z.string()) })),
	file: z.optional(z.looseObject({ sha256: z.optional(z.string()) })),
	results: z.optional(
		z.looseObject({ tags: z.optional(z.record(z.string(), z.array(ONTOLOGY_TAG_VALUE))) }),
	),
});
export type OntologyRecord = z.Infer<typeof ONTOLOGY_RECORD>;

/** GET /api/v4/user/whoami/ */
export const WHOAMI = z.looseObject({
	username: z.string(),
	roles: z.optional(z.array(z.string())),
	classification: z.optional(z.string()),
	agrees_with_tos: z.optional(z.nullable(z.union([z.string(), z.boolean()]))),
});
export type Whoami = z.Infer<typeof WHOAMI>;

/** One `al.detailed.<group>` entry: a value with Assemblyline's verdict for it. */
const DETAILED_ENTRY = z.looseObject({
	type: z.optional(z.string()),
	value: z.string(),
	verdict: z.optional(z.nullable(z.string())),
	subtype: z.optional(z.nullable(z.string())),
});
const DETAILED_GROUP = z.optional(z.array(DETAILED_ENTRY));
const VALUE_LIST = z.optional(z.array(z.string()));

/**
 * An alert as the search returns it. Every field is optional because `fl` projects fields away;
 * `al.detailed.{ip,domain,uri}` must be lists of entries when present.
 */
export const ALERT = z.looseObject({
	alert_id: z.optional(z.string()),
	sid: z.optional(z.string()),
	reporting_ts: z.optional(z.string()),
	al: z.optional(
		z.looseObject({
			ip: VALUE_LIST,
			domain: VALUE_LIST,
			uri: VALUE_LIST,
			detailed: z.optional(
				z.looseObject({ ip: DETAILED_GROUP, domain: DETAILED_GROUP, uri: DETAILED_GROUP }),
			),
		}),
	),
});
export type Alert = z.Infer<typeof ALERT>;

/** POST /api/v4/search/<index>/: one page, with any document type. */
export const SEARCH_PAGE = z.looseObject({
	items: z.array(z.looseObject({})),
	next_deep_paging_id: z.optional(z.nullable(z.string())),
	total: z.optional(z.nullable(z.number())),
	offset: z.optional(z.number()),
	rows: z.optional(z.number()),
});

/** A page of alerts. */
export const ALERT_PAGE = z.looseObject({ ...SEARCH_PAGE.shape, items: z.array(ALERT) });

/** Assemblyline's default `ioc` tag group (`config.submission.tag_types.ioc`). */
export const DEFAULT_IOC_TAG_TYPES = Object.freeze([
	'network.email.address',
	'network.static.ip',
	'network.static.domain',
	'network.static.uri',
	'network.dynamic.ip',
	'network.dynamic.domain',
	'network.dynamic.uri',
]);

/** Assemblyline ids (sid, alert_id) are base62; anything else is refused before it reaches a URL path. */
const ID_PATTERN = /^[0-9A-Za-z]{1,64}$/;

export function isAssemblylineId(value: unknown): value is string {
	return typeof value === 'string' && ID_PATTERN.test(value);
}
