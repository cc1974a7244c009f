import tseslint from 'typescript-eslint';
import layers from './tools/eslint/layers.js';

const local = { rules: { layers } };

export default tseslint.config(
  { ignores: ['node_modules/**', 'app/dist/**', 'build/**', 'dist/**', 'out/**', '.test-artifacts/**', 'resources/**/*.d.ts'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { local },
    rules: {
      'local/layers': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  // CommonJS entry points (bin/viommu-lab.cjs: a CommonJS start is the CLI's fastest).
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
  {
    files: ['main/engine/**/*.ts'],
    ignores: ['main/engine/**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'the engine has no wall clock: use env.now' },
        { object: 'performance', property: 'now', message: 'the engine has no wall clock: use env.now' },
        { object: 'Math', property: 'random', message: 'use a named stream: env.rng(name)' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date']", message: 'the engine has no wall clock' },
        { selector: "CallExpression[callee.name=/^(setTimeout|setInterval|setImmediate)$/]", message: 'the engine has no real timers: schedule on the environment' },
      ],
    },
  },
);
