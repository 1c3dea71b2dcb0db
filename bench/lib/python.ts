/** The seed's approach as a baseline: a Python child using `requests` (bench/cases/alerts_requests.py). */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { runMeasurement } from './child.ts';
import type { Measurement } from './measure.ts';

/** Why the Python row cannot run here, or null when python3 with `requests` is there. */
export function pythonMissing(): string | null {
	try {
		execFileSync('python3', ['-c', 'import requests'], { stdio: 'pipe' });
		return null;
	} catch (error) {
		const text = String((error as { stderr?: Buffer }).stderr ?? (error as Error).message).trim().split('\n').pop();
		return `python3 with requests is not available (${text}); install Debian's python3-requests to add this row`;
	}
}

export function runPython(caseFile: string, args: unknown): Promise<Measurement> {
	const script = fileURLToPath(new URL(`../cases/${caseFile}`, import.meta.url));
	return runMeasurement(caseFile, ['python3', script, JSON.stringify(args)], args);
}
