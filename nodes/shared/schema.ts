/**
 * Schemas at the boundary: every answer the package reads from outside (Assemblyline, threat-intel
 * providers, firewalls) and every node parameter with structure is checked against one zod schema
 * before any code reads it. A changed or hostile shape then fails with a message that names the
 * endpoint (or parameter) and the field, instead of a TypeError deep inside or a silently empty
 * result.
 *
 * The value is checked, not rebuilt: on success the caller gets the value exactly as it came (a
 * JSON key such as "__proto__" stays a plain own key; zod's copy would drop it or turn it into a
 * prototype), typed by the schema.
 */
import type { IExecuteFunctions, IPollFunctions, ITriggerFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import * as z from './zod';
import { safeParse, type Infer, type Schema } from './zod';

export type { Infer, Schema };

type PathKey = PropertyKey;

/** One problem zod found: where, and what was expected there. */
export interface ShapeProblem {
	/** `tags.ioc["network.static.ip"][0][3]`; empty for the whole value. */
	field: string;
	/** `expected text, got nothing` */
	problem: string;
}

/** A value from outside that does not have the shape the package relies on. No n8n types, so the
 * IoC Enrich providers and scripts can use it too; nodes use parseResponse/parseParameter. */
export class ShapeError extends Error {
	constructor(
		/** What was read: `GET /api/v4/submission/summary/<sid>/`, `the "Allowlist" parameter`. */
		readonly source: string,
		readonly problems: ShapeProblem[],
	) {
		const [first] = problems;
		const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
		const where = first.field === '' ? 'the whole answer' : `field ${first.field}`;
		super(`Unexpected answer from ${source}: ${where}: ${first.problem}${more}`);
		this.name = 'ShapeError';
	}

	/** The first problem's field, `""` for the whole value. */
	get field(): string {
		return this.problems[0].field;
	}
}

/** What is wrong with `value` against `schema` (at most 10 problems), or undefined when it fits. */
export function shapeProblems(schema: Schema, value: unknown): ShapeProblem[] | undefined {
	const result = safeParse(schema, value);
	if (result.success) return undefined;
	return result.error.issues.slice(0, 10).map((issue) => ({
		field: formatPath(issue.path),
		problem: describeIssue(issue as IssueLike, valueAt(value, issue.path)),
	}));
}

/** Returns `value`, typed, when it fits `schema`; throws a ShapeError naming `source` and the field. */
export function checkShape<S extends Schema>(schema: S, value: unknown, source: string): Infer<S> {
	const problems = shapeProblems(schema, value);
	if (problems) throw new ShapeError(source, problems);
	return value as Infer<S>;
}

/** Where an answer came from: `{ endpoint: 'GET /api/v4/submission/summary/x/', itemIndex }`. */
export interface ResponseSource {
	/** The method and path (or the provider and endpoint) the answer came from. */
	endpoint: string;
	itemIndex?: number;
}

/**
 * checkShape for an HTTP answer inside a node: a misfit is a NodeApiError naming the endpoint and
 * the field, with what to do about it.
 */
export function parseResponse<S extends Schema>(
	context: IExecuteFunctions | IPollFunctions | ITriggerFunctions,
	schema: S,
	value: unknown,
	source: ResponseSource,
): Infer<S> {
	const problems = shapeProblems(schema, value);
	if (!problems) return value as Infer<S>;
	const error = new ShapeError(source.endpoint, problems);
	throw new NodeApiError(
		context.getNode(),
		{ message: 'Unexpected answer', field: error.field },
		{
			itemIndex: source.itemIndex,
			message: error.message,
			description: `${problems
				.map((problem) => `${problem.field || '(whole answer)'}: ${problem.problem}`)
				.join(
					'\n',
				)}\nThe server answered in a shape this node does not know, so nothing from this answer was used. Check that the URL points at the right server and that its version is supported; a proxy that rewrites answers can cause this too.`,
		},
	);
}

/** checkShape for a node parameter with structure: a misfit is a NodeOperationError naming it. */
export function parseParameter<S extends Schema>(
	context: IExecuteFunctions | IPollFunctions | ITriggerFunctions,
	schema: S,
	value: unknown,
	parameter: { displayName: string; itemIndex?: number; hint?: string },
): Infer<S> {
	const problems = shapeProblems(schema, value);
	if (!problems) return value as Infer<S>;
	const [{ field, problem }] = problems;
	throw new NodeOperationError(
		context.getNode(),
		`"${parameter.displayName}"${field ? ` (${field})` : ''}: ${problem}`,
		{
			itemIndex: parameter.itemIndex,
			description: parameter.hint,
		},
	);
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `["tags", "ioc", "network.static.ip", 0, 3]` → `tags.ioc["network.static.ip"][0][3]` */
export function formatPath(path: readonly PathKey[]): string {
	let text = '';
	for (const key of path) {
		if (typeof key === 'number') text += `[${key}]`;
		else if (typeof key === 'string' && IDENTIFIER.test(key)) text += text === '' ? key : `.${key}`;
		else text += `[${JSON.stringify(String(key))}]`;
	}
	return text;
}

function valueAt(value: unknown, path: readonly PathKey[]): unknown {
	let here = value;
	for (const key of path) {
		if (
			here === null ||
			typeof here !== 'object' ||
			!Object.prototype.hasOwnProperty.call(here, key)
		)
			return undefined;
		here = (here as Record<PropertyKey, unknown>)[key];
	}
	return here;
}

/** What JSON holds, in words. */
function kindOf(value: unknown): string {
	if (value === undefined) return 'nothing';
	if (value === null) return 'null';
	if (Array.isArray(value)) return `a list of ${value.length}`;
	if (typeof value === 'string')
		return value.length > 40 ? 'text' : `text ${JSON.stringify(value)}`;
	if (typeof value === 'object') return 'an object';
	return `${typeof value} ${String(value)}`;
}

const EXPECTED: Readonly<Record<string, string>> = {
	string: 'text',
	number: 'a number',
	boolean: 'true or false',
	object: 'an object',
	array: 'a list',
	tuple: 'a list',
	record: 'an object',
};

/** The parts of a zod issue the message uses (zod's own messages need a locale the mini build
 * does not load). */
interface IssueLike {
	code: string;
	expected?: string;
	origin?: string;
	maximum?: number | bigint;
	minimum?: number | bigint;
	values?: unknown[];
	keys?: string[];
}

function describeIssue(issue: IssueLike, found: unknown): string {
	switch (issue.code) {
		case 'invalid_type':
			return `expected ${EXPECTED[issue.expected ?? ''] ?? issue.expected}, got ${kindOf(found)}`;
		case 'too_big':
			return issue.origin === 'array'
				? `expected at most ${issue.maximum} entries, got ${kindOf(found)}`
				: `expected at most ${issue.maximum}, got ${kindOf(found)}`;
		case 'too_small':
			return issue.origin === 'array'
				? `expected at least ${issue.minimum} entries, got ${kindOf(found)}`
				: `expected at least ${issue.minimum}, got ${kindOf(found)}`;
		case 'invalid_value':
			return `expected one of ${(issue.values ?? []).map((value) => JSON.stringify(value)).join(', ')}, got ${kindOf(found)}`;
		case 'unrecognized_keys':
			return `unexpected key${(issue.keys ?? []).length === 1 ? '' : 's'} ${(issue.keys ?? []).join(', ')}`;
		case 'invalid_union':
			return `does not match any accepted shape (got ${kindOf(found)})`;
		default:
			return `is not valid (${issue.code}, got ${kindOf(found)})`;
	}
}

/** A comma-separated list parameter: text, or a list when an expression gives one. */
const COMMA_LIST = z.optional(
	z.nullable(z.union([z.string(), z.array(z.union([z.string(), z.number()]))])),
);

/** A comma-separated list parameter, checked, split and trimmed, without empty entries. */
export function readCommaList(
	context: IExecuteFunctions,
	value: unknown,
	parameter: { displayName: string; itemIndex?: number },
): string[] {
	const list = parseParameter(context, COMMA_LIST, value, {
		...parameter,
		hint: `"${parameter.displayName}" takes values separated by commas, e.g. "a, b".`,
	});
	const parts = Array.isArray(list) ? list.map(String) : String(list ?? '').split(',');
	return parts.map((part) => part.trim()).filter(Boolean);
}
