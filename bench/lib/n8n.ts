/**
 * Loads the node tests' execution context (test/harness/n8n.ts) natively under Node 24, plus the
 * compiled node classes from dist/.
 *
 * The harness is TypeScript that Node 24 runs as an ES module. Its `import … from 'n8n-workflow'`
 * would then resolve to n8n-workflow's "import" build (dist/esm), whose files use extensionless
 * relative imports that Node's ESM resolver refuses (ERR_MODULE_NOT_FOUND
 * …/n8n-workflow/dist/esm/logger-proxy); it would also be a second copy of n8n-workflow next to
 * the CommonJS one that n8n-core and dist/ load, so `instanceof NodeApiError` would break. One
 * resolve hook sends every `n8n-workflow` import to the CommonJS build: one copy, as in n8n.
 */
import { registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';

import { DIST, require } from './paths.ts';
const workflowCjs = pathToFileURL(require.resolve('n8n-workflow')).href;

registerHooks({
	resolve(specifier, context, nextResolve) {
		if (specifier === 'n8n-workflow') return { url: workflowCjs, format: 'commonjs', shortCircuit: true };
		return nextResolve(specifier, context);
	},
});

export const harness = (await import('../../test/harness/n8n.ts')) as typeof import('../../test/harness/n8n.ts');

/** A node class from the compiled package, e.g. nodeClass('AssemblylineAlertSearch'). */
export function nodeClass<T = new () => import('n8n-workflow').INodeType>(name: string): T {
	return require(`${DIST}/nodes/${name}/${name}.node.js`)[name] as T;
}

export interface Server {
	url: string;
	user: string;
	apikey: string;
}

export const credentials = (server: Server) => ({
	assemblylineApi: { url: server.url, username: server.user, apiKey: server.apikey },
});
