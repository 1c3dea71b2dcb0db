/** `npm run test:e2e`: the example workflows in a real n8n (test/e2e). The first run installs n8n into
 * the cache folder (several minutes), hence the long timeout; one worker, since each file starts n8n. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'test/tsconfig.json', diagnostics: false }],
	},
	testTimeout: 30 * 60 * 1000,
	maxWorkers: 1,
	verbose: true,
};
