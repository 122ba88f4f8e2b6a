import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'build/**', '.tools/**', 'coverage/**']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {globals: {process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', fetch: 'readonly', structuredClone: 'readonly', setImmediate: 'readonly', performance: 'readonly'}},
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none'}],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-empty': ['error', {allowEmptyCatch: true}],
    },
  },
  {
    // CommonJS: the single executable's loader and its training run (scripts/package/), as a SEA's
    // main script is; and bin/ (bin/package.json), which Node starts sooner as CommonJS.
    files: ['**/*.cjs', 'bin/*.js', 'bin/kubectl_complete-secret'],
    languageOptions: {sourceType: 'commonjs', globals: {require: 'readonly', module: 'writable', __filename: 'readonly', __dirname: 'readonly'}},
    rules: {'@typescript-eslint/no-require-imports': 'off'},
  },
  {
    // src/ is the domain: it must stay usable without oclif (see README, Architecture).
    files: ['src/**/*.ts'],
    rules: {'no-restricted-imports': ['error', {patterns: [{group: ['@oclif/*'], message: 'src/ never imports oclif; keep it in commands/.'}]}]},
  },
  {
    // A static import would load the library with the module, on every command that loads it
    // (docs/performance.md, Start-up time); types are free.
    files: ['src/**/*.ts', 'commands/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {paths: ['yaml', 'js-yaml'].map((name) => ({name, allowTypeImports: true, message: 'call yaml() / jsyaml() from src/manifests/yaml-libs.ts (node tests: yaml-nodes.ts), which load it on first use'}))}],
    },
  },
);
