// npm run screenshots: the example workflows open in the n8n editor, photographed with headless
// Chromium (Debian's `chromium` package, driven by playwright-core) into docs/*.png for the README;
// then the panels of Filter Blockable IoCs and IoC Enrich, and the Filter's Skipped output as a table.
// Generated once and committed; not part of CI. Needs: apt-get install -y chromium.
//   SCREENSHOT_URL=http://127.0.0.1:<port> reuses an editor that `npm run editor` keeps open.
import fs from 'node:fs';
import path from 'node:path';

import { chromium, type Page } from 'playwright-core';

import { stderrLog, stoppingOnSignal, withSignals } from './n8n-host.ts';
import { EDITOR_LOGIN, startEditor, type Editor } from './editor-setup.ts';
import { EXAMPLE_FILES, loadExamples, type ExampleKey } from './workflows.ts';

const repoDir = path.resolve(import.meta.dirname, '..');
const docsDir = path.join(repoDir, 'docs');
const log = stderrLog;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const SCREENSHOT_FILES: Record<ExampleKey, string> = {
	submission: 'example-collect-submission-iocs.png',
	blockTrigger: 'example-block-iocs-from-new-alerts.png',
	blockSearch: 'example-block-iocs-scheduled-search.png',
	enrich: 'example-enrich-before-blocking.png',
	feeds: 'example-serve-blocklist-feeds.png',
	sweep: 'example-sweep-expired-blocklist-rows.png',
	unblock: 'example-unblock-ioc.png',
};

/** Node panels: which example, which node, and whether to run the step and show one of its outputs in Table view. */
export const PANEL_SHOTS: Array<{ file: string; example: ExampleKey; node: string; output?: string }> = [
	{ file: 'panel-filter-blockable-iocs.png', example: 'blockSearch', node: 'Filter Blockable IoCs' },
	{ file: 'panel-ioc-enrich.png', example: 'enrich', node: 'IoC Enrich' },
	// Runs AL Alert Search and the Filter on the demo Assemblyline, then shows the Skipped output.
	{ file: 'panel-filter-skipped-table.png', example: 'blockSearch', node: 'Filter Blockable IoCs', output: 'Skipped' },
];

async function shoot(url: string): Promise<void> {
	if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (or set CHROMIUM_PATH)`);
	const browser = await chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	try {
		const context = await browser.newContext({ viewport: { width: 1600, height: 900 }, deviceScaleFactor: 1 });
		const login = await context.request.post(`${url}/rest/login`, {
			data: { emailOrLdapLoginId: EDITOR_LOGIN.email, password: EDITOR_LOGIN.password },
		});
		if (!login.ok()) throw new Error(`login failed: HTTP ${login.status()} ${await login.text()}`);
		const page = await context.newPage();
		const workflows = loadExamples(path.join(repoDir, 'examples'));
		for (const key of Object.keys(EXAMPLE_FILES) as ExampleKey[]) {
			const wf = workflows[key];
			const file = path.join(docsDir, SCREENSHOT_FILES[key]);
			await openWorkflow(page, `${url}/workflow/${wf.id}`, wf.nodes.length);
			await page.screenshot({ path: file });
			log(`  ${path.relative(repoDir, file)}: "${wf.name}"`);
		}
		for (const shot of PANEL_SHOTS) {
			const wf = workflows[shot.example];
			const file = path.join(docsDir, shot.file);
			await openWorkflow(page, `${url}/workflow/${wf.id}`, wf.nodes.length);
			await openPanel(page, shot.node, shot.output);
			await page.screenshot({ path: file });
			log(`  ${path.relative(repoDir, file)}: "${shot.node}" in "${wf.name}"${shot.output ? `, output ${shot.output}` : ''}`);
		}
	} finally {
		await browser.close();
	}
}

async function openWorkflow(page: Page, url: string, nodeCount: number): Promise<void> {
	// Generous: the first load compiles the editor's assets, slow on a busy machine.
	await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 180000 });
	await page.waitForSelector('[data-test-id="canvas-node"]', { timeout: 180000 });
	await page.waitForFunction((n) => document.querySelectorAll('[data-test-id="canvas-node"]').length >= n, nodeCount - 1, { timeout: 30000 });
	// Close whatever n8n opens on first visit (tours, "what's new", toasts).
	for (let i = 0; i < 3; i++) await page.keyboard.press('Escape');
	await page.evaluate(() => document.querySelectorAll('.el-notification, .el-message').forEach((e) => e.remove()));
	// Fit the canvas: the "zoom to fit" button, or the "1" shortcut.
	const fit = page.locator('[data-test-id="zoom-to-fit"]');
	if (await fit.count()) await fit.first().click();
	else await page.keyboard.press('1');
	await page.mouse.move(160, 860);
	await page.waitForTimeout(1500);
	// Keyboard-shortcut hints ("Or press L") and toasts are not part of the workflow.
	await page.evaluate(() => {
		for (const el of Array.from(document.querySelectorAll('body *'))) {
			if (/^Or press/.test((el as HTMLElement).innerText ?? '') && (el as HTMLElement).children.length <= 3) (el as HTMLElement).style.visibility = 'hidden';
		}
		document.querySelectorAll('.el-notification, .el-message').forEach((e) => e.remove());
	});
}

/** Opens a node's panel (double-click on the canvas); optionally runs the step and shows one output as a table. */
async function openPanel(page: Page, nodeName: string, output?: string): Promise<void> {
	const node = page.locator('[data-test-id="canvas-node"]').filter({ hasText: nodeName }).first();
	await node.dblclick();
	const ndv = page.locator('[data-test-id="ndv"]');
	await ndv.first().waitFor({ state: 'visible', timeout: 30000 });
	await page.waitForTimeout(1000);
	if (output) {
		await page.locator('[data-test-id="node-execute-button"]').first().click();
		// The step and its parents run on the demo Assemblyline; wait for the output's items.
		const outputPanel = page.locator('[data-test-id="output-panel"]');
		await outputPanel.locator('[data-test-id="branches"]').first().waitFor({ state: 'visible', timeout: 120000 });
		await outputPanel.locator('[data-test-id="branches"]').getByText(output, { exact: false }).first().click();
		const table = outputPanel.locator('[data-test-id="ndv-run-data-display-mode"]').getByText('Table', { exact: true });
		if (await table.count()) await table.first().click();
		await outputPanel.locator('table').first().waitFor({ state: 'visible', timeout: 30000 });
	}
	await page.mouse.move(5, 890);
	await page.waitForTimeout(1500);
	await page.evaluate(() => document.querySelectorAll('.el-notification, .el-message').forEach((e) => e.remove()));
}

let editor: Editor | undefined;
await withSignals(async () => {
	await editor?.close();
}, async () => {
	fs.mkdirSync(docsDir, { recursive: true });
	let url = process.env.SCREENSHOT_URL;
	if (!url) {
		editor = await startEditor({ repoDir, log });
		url = editor.url;
	}
	log(`Taking screenshots of ${url} with ${CHROMIUM}…`);
	await shoot(url);
}).catch((e) => {
	if (stoppingOnSignal()) return;
	log(`\nnpm run screenshots failed: ${(e as Error).message ?? e}`);
	process.exitCode = 1;
});
