// The layers of the scheduler as data: each rule names what a layer must not see. `npm run depcheck`
// (part of `npm test`) fails on any import that breaks one.

/** Node's own modules that do I/O or read the process; the pure engine uses none of them. */
const NODE_IO = [
  'fs',
  'fs/promises',
  'http',
  'https',
  'http2',
  'net',
  'tls',
  'dgram',
  'dns',
  'child_process',
  'cluster',
  'worker_threads',
  'os',
  'process',
  'readline',
  'stream',
  'inspector',
  'v8',
  'vm',
];
const nodeIo = `^(node:)?(${NODE_IO.map((name) => name.replace('/', '\\/')).join('|')})$`;

/** The emulators: the local, wire-faithful stand-ins for the hosting services. */
const EMULATORS = ['^src/emulator/', '^src/providers/[^/]+/emulator/', '^src/providers/emulators\\.ts$'];

/** Who may start an emulator: tests, the bench, the simulation, the demo and `shiftctl emulator`. */
const EMULATOR_USERS = [
  '^test/',
  '^bench/',
  '^src/simulation/',
  '^src/demo/',
  '^src/cli/commands/emulator\\.ts$',
  ...EMULATORS,
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'schedule-is-pure',
      comment:
        'src/schedule is the pure engine: time comes in as an argument, data goes out. It sees no adapter, use case, front door or emulator.',
      severity: 'error',
      from: { path: '^src/schedule/' },
      to: {
        path: [
          '^src/app/',
          '^src/store/',
          '^src/hosting/',
          '^src/providers/',
          '^src/platform/',
          '^src/cli/',
          '^src/emulator/',
          '^src/simulation/',
          '^src/demo/',
          '^functions/',
        ],
      },
    },
    {
      name: 'schedule-does-no-io',
      comment: 'The pure engine reads no file, socket, process or clock through Node.',
      severity: 'error',
      from: { path: '^src/schedule/' },
      to: { dependencyTypes: ['core'], path: nodeIo },
    },
    {
      name: 'app-below-front-doors',
      comment: 'Use cases serve the CLI and the Lambdas; they never reach back up into either.',
      severity: 'error',
      from: { path: '^src/app/' },
      to: { path: ['^src/cli/', '^functions/'] },
    },
    {
      name: 'platform-below-app',
      comment:
        'The platform (env, clients, logger, errors) sits under the use cases: it knows none of them, nor the front doors.',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: ['^src/app/', '^src/cli/', '^functions/', '^src/simulation/', '^src/demo/'] },
    },
    {
      name: 'store-not-hosting',
      comment: 'Repositories and hosting adapters are siblings: neither knows the other.',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: ['^src/hosting/', '^src/providers/'] },
    },
    {
      name: 'hosting-not-store',
      comment: 'Repositories and hosting adapters are siblings: neither knows the other.',
      severity: 'error',
      from: { path: ['^src/hosting/', '^src/providers/'] },
      to: { path: '^src/store/' },
    },
    {
      name: 'emulators-stay-local',
      comment:
        'An emulator is for tests, the bench, the simulation, the demo and `shiftctl emulator`; production code never loads one.',
      severity: 'error',
      from: { pathNot: EMULATOR_USERS },
      to: { path: EMULATORS },
    },
    {
      name: 'no-cycles',
      comment:
        'Modules form a tree of layers; a cycle makes two of them one. Type-only imports are erased when compiled (verbatimModuleSyntax), so a cycle only through them loads nothing twice.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing is a typo or a missing package.',
      severity: 'error',
      from: {},
      // Type-only imports of a types package (`aws-lambda` from @types/aws-lambda) have no runtime module.
      to: { couldNotResolve: true, pathNot: '^aws-lambda$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^node_modules/', '^\\.serverless/', '^coverage/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.cjs', '.mjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
