// ESLint flat config: the architecture's import boundaries (one no-restricted-imports rule per folder) and
// typescript-eslint's recommended rules. Runs in the lint process (npm run lint, and first in npm test).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** A relative import that climbs out of its folder into one of these top-level folders. */
function into(...folders) {
  return { regex: `^(\\.\\./)+(${folders.join('|')})/`, message: undefined };
}

/** The boundaries of ARCHITECTURE.md: which top-level folders each folder may not import. */
const BOUNDARIES = [
  {
    folder: 'protocol',
    why: 'protocol/ is the contract every process imports: it imports nothing but itself.',
    patterns: [{ regex: '^\\.\\./', message: undefined }],
  },
  {
    folder: 'replay-runtime',
    why: "replay-runtime/ is preloaded into the user's program: it imports only protocol/.",
    patterns: [into('history', 'cli', 'launcher', 'debug-adapter', 'extension', 'language-server')],
  },
  {
    folder: 'history',
    why: 'history/ is the shared read side: it imports neither the runtime, the launcher, the CLI nor a client.',
    patterns: [into('replay-runtime', 'cli', 'launcher', 'debug-adapter', 'extension', 'language-server')],
  },
  {
    folder: 'launcher',
    why: 'launcher/ starts replayed programs for the CLI and the adapter: it imports history/ and protocol/ only.',
    patterns: [into('replay-runtime', 'cli', 'debug-adapter', 'extension', 'language-server')],
  },
  {
    folder: 'debug-adapter',
    why: 'debug-adapter/ runs in its own process: it never imports the extension, the CLI or the language server.',
    patterns: [into('cli', 'extension', 'language-server')],
  },
  {
    folder: 'language-server',
    why: 'language-server/ runs in its own process: it never imports the extension, the CLI or the adapter.',
    patterns: [into('cli', 'launcher', 'extension', 'debug-adapter')],
  },
  {
    folder: 'cli',
    why: 'cli/ is a client of the shared parts: it never imports the extension or the language server.',
    patterns: [into('extension', 'language-server')],
  },
];

const VSCODE_ONLY_IN_EXTENSION = {
  name: 'vscode',
  message: 'Only extension/ imports vscode (the other parts run outside VS Code).',
  allowTypeImports: true,
};

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      'dist/**',
      'out/**',
      '.cache/**',
      '.code-server/**',
      'test-artifacts/**',
      'test-fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // CommonJS files (the bin shim, test apps written as plain Node programs): require is their import.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { args: 'after-used', argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  // Tests may reach across folders to check a contract; product code may not.
  ...BOUNDARIES.map(({ folder, why, patterns }) => ({
    files: [`${folder}/**/*.ts`],
    ignores: ['**/*.test.ts', '**/test/**', '**/testing/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [VSCODE_ONLY_IN_EXTENSION],
          patterns: patterns.map((p) => ({ regex: p.regex, message: why })),
        },
      ],
    },
  })),
);
