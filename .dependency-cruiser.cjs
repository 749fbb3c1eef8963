/**
 * aekit's architecture, checked in CI (`npm run lint:deps`). Each folder of src/ is a layer and
 * may import only from layers below it:
 *
 *   core                   errors, atomic files, seeded randomness, progress interfaces
 *   data · engine          bytes, files and data sets; tfjs backends and aekit's kernels
 *   layers                 custom tfjs layers and regularizers
 *   browser                the browser entry point (the aekit-layers bundles): layers + loading over HTTP
 *   models                 builders: options → Keras-style models, nothing else
 *   training               fit, custom steps, optimizers, greedy training, prediction, model I/O
 *   analysis · viz         codings, k-NN, maps, scores; pictures and the report
 *   runs                   run directories and recipes: settings → data → model → training → artifacts
 *   serve                  a run's explorer page as a set of files (the browser page in src/serve/page), served or exported
 *   cli                    flags → runs; the only place that prints, exits or uses commander
 *
 * Layers on one line (data · engine, analysis · viz) may not import each other, except viz →
 * analysis. src/browser is an entry point of its own: it imports only core and layers, reaches no
 * Node built-in module (it runs in web pages), and nothing imports it. src/testing holds test
 * support that only tests may import. src/serve/page holds the explorer page's plain browser files (HTML, CSS,
 * a script that uses the page's globals `tf` and `aekit`): nothing imports them, src/serve hands them out. Tests (*.test.ts) may import any layer, but no cycle anywhere.
 */
const LAYERS = ['core', 'data|engine', 'layers', 'browser', 'models', 'training', 'analysis', 'viz', 'runs', 'serve', 'cli'];
const folder = (names) => `^src/(${names})/`;
/** Node's built-in modules as dependency-cruiser names them (`fs`, `fs/promises`, … without `node:`). */
const NODE_BUILTINS = `^(${require('node:module').builtinModules.join('|')})$`;

/** A rule per layer: it may not import any layer above it. */
const upward = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `no-upward-from-${layer.replace('|', '-or-')}`,
  comment: `src/${layer} is below ${LAYERS.slice(i + 1).join(', ')}: it must not import them`,
  severity: 'error',
  from: { path: folder(layer), pathNot: '\\.test\\.ts$' },
  to: { path: folder(LAYERS.slice(i + 1).join('|')) },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'no-sideways-data-engine',
      comment: 'data and engine are independent',
      severity: 'error',
      from: { path: folder('data'), pathNot: '\\.test\\.ts$' },
      to: { path: folder('engine') },
    },
    {
      name: 'no-sideways-engine-data',
      comment: 'data and engine are independent',
      severity: 'error',
      from: { path: folder('engine'), pathNot: '\\.test\\.ts$' },
      to: { path: folder('data') },
    },
    {
      name: 'browser-only-layers-and-core',
      comment: 'the browser bundles hold custom layers and loading, nothing of data, engine or training',
      severity: 'error',
      from: { path: folder('browser'), pathNot: '\\.test\\.ts$' },
      to: { path: '^src/', pathNot: folder('browser|layers|core') },
    },
    {
      name: 'browser-no-node-builtins',
      comment: 'src/browser runs in web pages: nothing it reaches may import a Node built-in module',
      severity: 'error',
      from: { path: folder('browser'), pathNot: '\\.test\\.ts$' },
      to: { path: NODE_BUILTINS, reachable: true },
    },
    {
      name: 'browser-is-an-entry-point',
      comment: 'src/browser is what the browser bundles are built from: library code does not import it',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/browser/', '\\.test\\.ts$'] },
      to: { path: folder('browser') },
    },
    {
      name: 'no-cycles',
      comment: 'no module may depend on itself through others',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'testing-only-in-tests',
      comment: 'src/testing is test support: only tests import it',
      severity: 'error',
      from: { path: '^src/', pathNot: ['\\.test\\.ts$', '^src/testing/'] },
      to: { path: '^src/testing/' },
    },
    {
      name: 'commander-only-in-cli',
      comment: "the CLI's vocabulary stays in src/cli",
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: 'node_modules/(commander|cli-progress)/' },
    },
    {
      name: 'no-orphans',
      comment: 'every module is used (entry points and tests excepted)',
      severity: 'error',
      from: {
        orphan: true,
        pathNot: ['\\.test\\.ts$', '\\.d\\.ts$', '^src/cli/main\\.ts$', '^src/index\\.ts$', '(^|/)index\\.ts$', '^src/serve/page/'],
      },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
