// Flat config: typescript-eslint for all TS, eslint-plugin-vue for SFCs, prettier owns formatting.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import pluginVue from 'eslint-plugin-vue'
import prettier from 'eslint-config-prettier'
import globals from 'globals'

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'resources/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    files: ['src-renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['src-main/**', 'test/**', 'bench/**', 'bin/**', '*.config.*'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  {
    // core/ is pure (DESIGN rule 2): no Node built-ins with side effects, no native modules, no Electron.
    files: ['src-main/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'os', 'child_process'],
              message: 'core/ is pure: pass bytes or a host interface',
            },
            { group: ['electron', 'better-sqlite3', 'onnxruntime-node', 'sharp'], message: 'core/ is pure' },
            {
              group: ['**/services/**', '**/api/**', '**/host/**'],
              message: 'core/ must not depend on outer layers',
            },
          ],
        },
      ],
    },
  },
  {
    // Native modules sit behind one module each (DESIGN rule 7).
    files: ['src-main/**'],
    ignores: [
      'src-main/core/**',
      'src-main/services/store/database.ts',
      'src-main/services/inference/**',
      'src-main/services/images/**',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'better-sqlite3',
              message: 'only services/store/database.ts imports better-sqlite3',
              allowTypeImports: true,
            },
            { name: 'onnxruntime-node', message: 'only services/inference imports onnxruntime-node' },
            { name: 'sharp', message: 'only services/images imports sharp' },
          ],
        },
      ],
    },
  },
  prettier,
)
