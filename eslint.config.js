// Flat config. Type-aware rules need the TypeScript program, so .ts files are
// linted with projectService (reads tsconfig.json); plain JS gets the basics.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'common/gen/', '.cache/', '.nephele/', '.tap/', 'bench/', '.ci/out/'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // tap queues top-level and subtest `t.test(...)` calls itself; awaiting them is optional.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: '@tapjs/test', name: 'test' }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      // A switch over a union names every member or says `default:` on purpose.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // Matching control characters is the point of those regexes (terminal and input sanitising).
      'no-control-regex': 'off',
      // `let x; … () => x …; x = make()`: closures made before the value exists read it later.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // `_`-prefixed names are deliberately unused (interface conformance, destructuring to drop).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // Issue 10: small modules. Every line counts (blank and comment lines too); tests and benches are exempt.
    files: ['**/*.ts'],
    ignores: ['common/gen/**', 'test/**', 'scripts/bench/**'],
    rules: { 'max-lines': ['error', { max: 450, skipBlankLines: false, skipComments: false }] },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
