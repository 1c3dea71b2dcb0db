/**
 * Assemblyline's data as its API returns it (assemblyline-base odm/models/, assemblyline-ui api/v4/), and the
 * small facts about it that several nodes need.
 */

/** `[value, verdict, safelisted, classification]`, one tag value in a submission summary. */
export type TagTuple = [string, string, boolean, string];

export interface SubmissionSummary {
	classification: string;
	filtered: boolean;
	partial: boolean;
	tags: {
		attribution: Record<string, TagTuple[]>;
		behavior: Record<string, TagTuple[]>;
		ioc: Record<string, TagTuple[]>;
	};
}

export interface OntologyRecord {
	service?: { name?: string };
	file?: { sha256?: string };
	results?: { tags?: Record<string, unknown[]> };
}

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
