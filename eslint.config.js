import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const apps = ['server', 'cli', 'agent', 'web'];

/**
 * Dependency direction: protocol ← client ← web, cli, agent; protocol ← server.
 * Apps never import each other; packages never import apps.
 */
function boundary(files, { packages = [], apps: forbiddenApps = [] }) {
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...packages.map((p) => ({
              group: [`@xem/${p}`, `@xem/${p}/*`],
              message: `this layer must not depend on @xem/${p}`,
            })),
            ...forbiddenApps.map((a) => ({
              group: [`@xem/${a}`, `@xem/${a}/*`, `**/apps/${a}/**`, `../../${a}/**`, `../../../${a}/**`],
              message: `apps never import each other (${a})`,
            })),
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '.xem/**',
      '.test-build/**',
      'test-output/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  { files: ['apps/web/src/**'], languageOptions: { globals: { ...globals.browser } } },
  boundary(['packages/protocol/**'], { packages: ['client'], apps }),
  boundary(['packages/client/**'], { apps }),
  boundary(['apps/server/**'], { packages: ['client'], apps: apps.filter((a) => a !== 'server') }),
  boundary(['apps/cli/**'], { apps: apps.filter((a) => a !== 'cli') }),
  boundary(['apps/agent/**'], { apps: apps.filter((a) => a !== 'agent') }),
  boundary(['apps/web/**'], { apps: apps.filter((a) => a !== 'web') }),
);
