/** Tests live in test/ (outside the build's tsconfig, so they never reach dist/).
 * ts-jest only transpiles here; `npm run typecheck` does the type checking. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// The real-n8n tests run with `npm run test:e2e` (jest.e2e.config.js).
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
	setupFiles: ['<rootDir>/test/setup-env.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'test/tsconfig.json', diagnostics: false }],
	},
	testTimeout: 30000,
	// HTTP keep-alive sockets (fetch's pool, n8n's agent) outlive the last test by a few seconds.
	forceExit: true,
};
