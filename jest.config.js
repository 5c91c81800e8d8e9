/** @type {import('jest').Config['transform']} */
const transform = {
  '^.+\\.(t|j|mj)s$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2023',
      },
      module: { type: 'commonjs' },
    },
  ],
};

// NestJS 12 and a few of its dependencies ship ES modules. Node 20 loads them from CommonJS
// natively, but Jest's module loader cannot, so Jest compiles these packages to CommonJS like our
// own sources, wherever they are nested (the last node_modules segment decides).
const ESM_PACKAGES = ['@nestjs', 'uid', 'file-type', 'load-esm', 'jose', 'content-disposition'];
const transformIgnorePatterns = [
  `/node_modules/(?!(${ESM_PACKAGES.join('|')})/)(?!.*/node_modules/)`,
];

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60_000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/src'],
      testMatch: ['**/*.spec.ts'],
      transform,
      transformIgnorePatterns,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      transform,
      transformIgnorePatterns,
    },
  ],
};
