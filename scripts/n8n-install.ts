// `npm run n8n:install`: install (or check) the cached n8n used by npm start, the editor and the e2e tests.
import { ensureN8n } from './n8n-host.ts';

const inst = await ensureN8n();
process.stderr.write(`n8n ready: ${inst.n8nBin} (node ${inst.node})\n`);
