/** Case 4 rows (placeholder until IoC Enrich is measured). */
export async function enrichCase(_options: { reps: number; quick: boolean; log: (line: string) => void }) {
	return [
		{ case: '4 Enrichment', measure: 'not measured yet', ours: '', base: '', ratio: '', goal: '≤ 1.2 × 200 ms; within 10% of the bound, no 429', met: 'not measured' },
	];
}
