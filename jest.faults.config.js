/**
 * `npm run test:faults`: the suites that need more than a minute — fault injection and long
 * hostile-input runs (the generated-input suites again, with 10× the inputs, and the
 * schema-driven fuzzer over /openapi.json). Same database setup as the integration suites.
 * @type {import('jest').Config}
 */
const base = require('./jest.config.js');
const integration = base.projects.find((p) => p.displayName === 'integration');

module.exports = {
  maxWorkers: 2,
  // A global option (Jest ignores it inside a project, see jest.config.js): long cases need room.
  testTimeout: 1_200_000,
  projects: [
    {
      ...integration,
      displayName: 'faults',
      testMatch: [
        '<rootDir>/test/**/*.faults-spec.ts',
        '<rootDir>/test/security/hostile-*.e2e-spec.ts',
      ],
      setupFiles: ['<rootDir>/test/support/faults-env.ts'],
    },
  ],
};
