/** @type {import('jest').Config['transform']} */
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2023',
      },
      // import() stays an import: ES-module-only packages (kubernetes-models) load through it.
      module: { type: 'commonjs', ignoreDynamic: true },
    },
  ],
};

// NestJS 12 and a few of its dependencies ship ES modules, which the CommonJS application loads
// through Node's require(esm). Jest does the same natively on Node 24 through its VM modules, which
// is why `npm test` runs Node with --experimental-vm-modules: the tests run those packages as
// published, as production does, not a compiled copy.

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60_000,
  collectCoverageFrom: ['<rootDir>/src/**/*.ts', '!<rootDir>/src/**/*.spec.ts'],
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/src'],
      testMatch: ['**/*.spec.ts'],
      transform,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      transform,
    },
  ],
};
