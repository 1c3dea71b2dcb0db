// The door to zod (https://zod.dev), like nodes/shared/ioc/vendor.ts is the door to ipaddr.js and
// tldts: the gulp build bundles this file, so the package ships without runtime dependencies.
// zod 4's "mini" build (`zod/v4-mini`: the zod 3.25 devDependency ships zod 4 there, and zod 4.x
// keeps the path), re-exported by name so the bundle keeps only what is used (see
// docs/benchmarks.md for its size). Schemas are written the mini way: `z.optional(z.string())`,
// not `z.string().optional()`. Need another function? Add it to this list.
export {
	array,
	boolean,
	literal,
	looseObject,
	minLength,
	nullable,
	number,
	object,
	optional,
	record,
	regex,
	safeParse,
	string,
	tuple,
	union,
	unknown,
} from 'zod/v4-mini';
export type { infer as Infer, ZodMiniType as Schema } from 'zod/v4-mini';
