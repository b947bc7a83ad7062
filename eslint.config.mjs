// One lint configuration for the whole workspace (each package runs `eslint .` and finds this file).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/coverage/**',
      '**/.turbo/**',
      '**/src/generated/**',
      '.local/**',
      'infra/kafka/lib/**',
      'infra/kafka/data/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      eqeqeq: ['error', 'always'],
      'no-process-env': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The only places allowed to read process.env: each package's environment module, infrastructure
    // scripts, runnable examples, and test setup that hands resolved infrastructure to test workers.
    files: [
      '**/environment.ts',
      '**/scripts/**',
      '**/examples/**',
      'packages/testing/src/**',
      '**/*.config.ts',
      '**/bin/**',
    ],
    rules: { 'no-process-env': 'off' },
  },
  {
    // The domain boundary: rules, state machines and the events they imply load no framework and no
    // storage. A service's domain may use @platform/domain and the event contract, nothing heavier.
    files: ['services/*/src/modules/*/domain/**/*.ts', 'packages/domain/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@prisma/*', 'prisma', '**/generated/**'],
              message: 'Domain code does not use Prisma: the repository port is the seam.',
            },
            {
              group: ['@apollo/*', 'graphql', 'graphql-*', '@graphql-*/*', 'dataloader'],
              message: 'Domain code does not know GraphQL: resolvers map to and from it.',
            },
            {
              group: [
                'kafkajs',
                'pg',
                'pg-*',
                '@platform/messaging',
                '@platform/service-kit',
                '@platform/service-kit/*',
                '@platform/testing',
              ],
              message: 'Domain code does no I/O: use @platform/domain, and a port for storage.',
            },
            {
              regex: '^@platform/events$',
              message: 'Domain code decides events with @platform/events/catalog (no Kafka, no pg).',
            },
            {
              group: [
                '**/infra/**',
                '**/resolvers/**',
                '../infra',
                '../resolvers',
                '**/module',
                '**/service',
              ],
              message: 'Domain code does not depend on its infra, resolvers or wiring.',
            },
          ],
        },
      ],
    },
  },
  {
    // Resolvers take their types from the SDL (src/generated/graphql.ts): every exported resolver is a
    // constant annotated with a generated type, and no parameter is typed by hand.
    files: ['services/*/src/modules/*/resolvers/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ExportNamedDeclaration > FunctionDeclaration',
          message: 'Write resolvers as constants typed with the generated resolver types.',
        },
        {
          selector:
            'ExportNamedDeclaration > VariableDeclaration > VariableDeclarator[id.typeAnnotation=undefined]',
          message:
            "Annotate exported resolvers with the generated types (e.g. MutationResolvers['createContact']).",
        },
        {
          selector: ':function > Identifier.params[typeAnnotation]',
          message: 'Resolver parameters are typed by the generated types, not by hand.',
        },
        {
          selector: ':function > ObjectPattern.params[typeAnnotation]',
          message: 'Resolver parameters are typed by the generated types, not by hand.',
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Plain CommonJS config files (jest configs) run in Node.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
);
