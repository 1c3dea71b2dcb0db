// Micro benchmark of the schema checks (docs/benchmarks.md, "What zod costs"): checkShape over the
// fixture summary, a 2,000-value summary, the ontology records and a 500-alert page, on the built dist/.
// Run: npx gulp build --silent && node bench/schemas.cjs
const path = require('node:path');
const fs = require('node:fs');
const root = path.join(__dirname, "..");
const { checkShape } = require(path.join(root, 'dist/nodes/shared/schema.js'));
const { SUBMISSION_SUMMARY, ONTOLOGY_RECORD, ALERT_PAGE } = require(path.join(root, 'dist/nodes/shared/assemblyline.js'));
const fx = (n) => JSON.parse(fs.readFileSync(path.join(root, 'test/fixtures', n), 'utf8'));
const summary = fx('submission_summary.json').api_response;
// A large summary: 2,000 tag values in the ioc group.
const big = structuredClone(summary);
big.tags.ioc['network.dynamic.domain'] = Array.from({ length: 2000 }, (_, i) => [`host${i}.example.net`, 'malicious', false, 'TLP:C']);
const records = fs.readFileSync(path.join(root, 'test/fixtures/ontology_submission.ndjson'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const page = fx('search_alert_page1.json').api_response;
const bigPage = { ...page, items: Array.from({ length: 500 }, (_, i) => page.items[i % page.items.length]) };
function bench(name, fn, n) {
	for (let i = 0; i < Math.min(n, 200); i++) fn();
	const t = process.hrtime.bigint();
	for (let i = 0; i < n; i++) fn();
	const ns = Number(process.hrtime.bigint() - t) / n;
	console.log(`${name}: ${(ns / 1000).toFixed(1)} µs per parse`);
}
bench('fixture summary (18 tag values)', () => checkShape(SUBMISSION_SUMMARY, summary, 's'), 20000);
bench('summary with 2,000 tag values', () => checkShape(SUBMISSION_SUMMARY, big, 's'), 500);
bench(`ontology record (each of ${records.length})`, () => { for (const r of records) checkShape(ONTOLOGY_RECORD, r, 'o'); }, 5000);
bench('alert page of 500 alerts', () => checkShape(ALERT_PAGE, bigPage, 'p'), 200);
bench('JSON.parse of the 2,000-value summary (for scale)', () => JSON.parse(JSON.stringify(big)), 500);
