// Lint rules: the recommended JS and TypeScript sets, no `any`, and the one-way house: no import
// cycles, and the layers `data → model → train → artifacts ← serve ← {bot, retrain, cli}` (an arrow
// points from the importer's side: train imports data, model and artifacts; serve imports artifacts,
// model and data types, never train; bot, retrain and cli import serve; nothing imports bot or cli but
// the entry points). model/ is the inference code training, serving and the evaluation share (the
// DNMF's forward pass, the taste fold-in, the Cholesky solve, top-k): every layer above data may
// import it, and it imports only data types and the top-level modules. eval/ is evaluation-only: it
// may read every layer but bot, retrain and commands, and only cli (and entry points, bench, tests)
// import it. no-cycle skips `import type` (erased by the compiler); the layer zones do not.
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const LAYERS = [
  'data',
  'model',
  'train',
  'artifacts',
  'serve',
  'eval',
  'bot',
  'retrain',
  'cli',
  'store',
  'posters',
];

/** Every layer `layer` may not import from (under src/, plus commands/). */
const FORBIDDEN = {
  data: ['model', 'train', 'artifacts', 'serve', 'eval', 'bot', 'retrain', 'cli', 'store', 'posters'],
  model: ['train', 'artifacts', 'serve', 'eval', 'bot', 'retrain', 'cli', 'store', 'posters'],
  artifacts: ['train', 'serve', 'eval', 'bot', 'retrain', 'cli', 'store', 'posters'],
  train: ['serve', 'eval', 'bot', 'retrain', 'cli', 'store', 'posters'],
  serve: ['train', 'eval', 'bot', 'retrain', 'cli', 'store', 'posters'],
  eval: ['bot', 'retrain', 'cli', 'posters'],
  store: ['data', 'model', 'train', 'artifacts', 'serve', 'eval', 'bot', 'retrain', 'cli', 'posters'],
  posters: ['data', 'model', 'train', 'artifacts', 'serve', 'eval', 'bot', 'retrain', 'cli', 'store'],
  retrain: ['eval', 'bot', 'cli'],
  cli: ['bot'],
  bot: ['eval', 'cli'],
};

/** Entry points may import anything: they wire the layers together. */
const ENTRY_POINTS = [
  'src/main.ts',
  'src/bot/shard-main.ts',
  'src/bot/deploy-commands.ts',
  'src/cli/index.ts',
];

const layerZones = [
  ...Object.entries(FORBIDDEN).map(([layer, forbidden]) => ({
    target: `./src/${layer}`,
    from: forbidden.map((other) => `./src/${other}`),
    message: `src/${layer}/ may not import src/{${forbidden.join(',')}}/ (one-way house: see eslint.config.js)`,
  })),
  {
    // commands/ is the bot's: only the bot's router imports it.
    target: [
      './src/data',
      './src/model',
      './src/train',
      './src/artifacts',
      './src/serve',
      './src/eval',
      './src/retrain',
      './src/cli',
    ],
    from: './commands',
    message: 'commands/ is imported by the bot only',
  },
  {
    // The top-level modules (config, logger, random, child-module) are shared by every layer, so
    // they import none above data (config validates dataset names against data/).
    target: './src/*.ts',
    from: LAYERS.filter((layer) => layer !== 'data')
      .map((layer) => `./src/${layer}`)
      .concat('./commands'),
    message: 'shared top-level modules (src/*.ts) may import src/data/ only',
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'models/', 'coverage/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js'] })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['src/**/*.ts', 'commands/**/*.ts'],
    ignores: ENTRY_POINTS,
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
    },
  },
);
