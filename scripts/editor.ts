// npm run editor: the npm start set-up, then the n8n editor stays open (Ctrl-C stops n8n and the demo
// Assemblyline) with the Assemblyline credential and the example workflows imported.
import path from 'node:path';

import { stderrLog, stoppingOnSignal, withSignals } from './n8n-host.ts';
import { EDITOR_LOGIN, FEED_LOGIN, startEditor, UNBLOCK_LOGIN, type Editor } from './editor-setup.ts';
import { FEEDS, feedUrl, UNBLOCK_PATH } from './workflows.ts';

const repoDir = path.resolve(import.meta.dirname, '..');
const log = stderrLog;
let editor: Editor | undefined;

await withSignals(async () => {
	await editor?.close();
}, async () => {
	editor = await startEditor({ repoDir, log });
	const line = '─'.repeat(72);
	log(`\n${line}`);
	log(`n8n editor: ${editor.url}`);
	log(`  sign in as ${EDITOR_LOGIN.email} / ${EDITOR_LOGIN.password} (a local account of this throw-away n8n)`);
	log(`  credential "Assemblyline API" → ${editor.target.url}`);
	for (const wf of Object.values(editor.workflows)) log(`  workflow "${wf.name}": ${editor.url}/workflow/${wf.id}`);
	if (editor.feedsLive) {
		log(`  blocklist feeds (Basic auth ${FEED_LOGIN.user} / ${FEED_LOGIN.password}), Data Table "ioc_blocklist":`);
		for (const { type, format } of FEEDS) {
			const url = feedUrl(editor.url, type, format);
			log(`    ${type} ${format}: ${url}`);
			log(`      curl -u '${FEED_LOGIN.user}:${FEED_LOGIN.password}' '${url}'`);
		}
		log(`  unblock (Basic auth ${UNBLOCK_LOGIN.user} / ${UNBLOCK_LOGIN.password}):`);
		log(`    curl -u '${UNBLOCK_LOGIN.user}:${UNBLOCK_LOGIN.password}' -H 'content-type: application/json' -d '{"type":"ip","value":"91.214.124.19","never_block":true,"by":"you","why":"test"}' '${editor.url}/webhook/${UNBLOCK_PATH}'`);
	} else {
		log('  blocklist feeds: not on this n8n (Data Tables need n8n 1.113 or later)');
	}
	log(`  n8n's own log: ${editor.host.serverLog}`);
	log('Press Ctrl-C to stop n8n (and the demo Assemblyline).');
	log(line);
	process.stdout.write(`${editor.url}\n`);
	// Stay up until a signal arrives (withSignals stops everything) or n8n itself exits.
	const code = await editor.host.serverExited();
	throw new Error(`n8n exited on its own (code ${code}); see ${editor.host.serverLog}`);
}).catch((e) => {
	if (stoppingOnSignal()) return;
	log(`\nnpm run editor failed: ${(e as Error).message ?? e}`);
	process.exitCode = 1;
});
