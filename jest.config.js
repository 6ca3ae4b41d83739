/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
  },
];

const common = {
  // ESM-only packages (the A2A SDK's `jose`, `@nestjs/terminus`) are transpiled for jest too;
  // Node itself loads them with require(esm).
  transform: {
    '^.+\\.ts$': swc,
    '/node_modules/(jose|@nestjs/terminus)/.+\\.js$': ['@swc/jest', {}],
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|@nestjs/terminus)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testEnvironment: 'node',
};

module.exports = {
  // Two cores: one worker per core; integration files each get their own database clone.
  maxWorkers: 2,
  // A global option: Jest ignores it inside a project. Integration hooks boot whole apps, and
  // a loaded 2-core runner can take more than the 5 s default for that.
  testTimeout: 30000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
