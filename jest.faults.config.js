/**
 * `npm run test:faults`: the suites that need more than a minute — fault injection and long
 * hostile-input runs. Same database setup and transform as the integration suites.
 *
 * To add suites, append to FAULT_SUITES (globs from the repository root) and, when they read
 * knobs of their own, set those in test/support/faults-env.ts.
 * @type {import('jest').Config}
 */
const base = require('./jest.config.js');
const integration = base.projects.find((p) => p.displayName === 'integration');

const FAULT_SUITES = [
  // Anything written only for this run.
  'test/**/*.faults-spec.ts',
  // The generated-input suites of npm test again, with 10× the inputs (HOSTILE_RUNS), and the
  // schema-driven fuzzer over /openapi.json (test/security/openapi-fuzz.faults-spec.ts).
  'test/security/hostile-*.e2e-spec.ts',
];

module.exports = {
  maxWorkers: 2,
  // A global option (Jest ignores it inside a project): long generated runs and fault cases.
  testTimeout: 1_200_000,
  projects: [
    {
      ...integration,
      displayName: 'faults',
      testMatch: FAULT_SUITES.map((glob) => `<rootDir>/${glob}`),
      setupFiles: ['<rootDir>/test/support/faults-env.ts'],
    },
  ],
};
