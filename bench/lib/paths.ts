/** Where the bench loads the compiled package from. */
import { createRequire } from 'node:module';

export const require = createRequire(import.meta.url);

/** A snapshot of dist/ that bench/run.ts takes right after building (BENCH_DIST), so another
 * `gulp build` (which starts by deleting dist/) cannot pull it away mid-run; dist/ otherwise. */
export const DIST = process.env.BENCH_DIST ?? new URL('../../dist', import.meta.url).pathname;
