// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Each driver library is spoken by its adapter alone, so swapping or upgrading it touches one place. `home`
 * lists where it may be imported; one flat-config block per home, because a later block replaces a rule's
 * options rather than merging them (each file lies in at most one home).
 */
/** @type {{ name: string, home: string[] }[]} */
const DRIVERS = [
  { name: 'neo4j-driver', home: ['src/graph/bolt/**'] },
  // src/insights/communities.ts runs Louvain in process for every backend on the shared-audience graph, so
  // it builds a graphology graph of its own (docs/ARCHITECTURE.md, known debt: it belongs in graph/algorithms).
  { name: 'graphology', home: ['src/insights/communities.ts'] },
  { name: 'kafkajs', home: ['src/ingest/bus/kafka-bus.ts'] },
  { name: 'tmi.js', home: ['src/ingest/twitch/tmi-connection.ts'] },
  { name: 'discord.js', home: ['src/discord/**'] },
  { name: '@napi-rs/canvas', home: ['src/render/**'] },
  { name: 'd3-force', home: ['src/render/**'] },
];

function driverRules() {
  /** @param {typeof DRIVERS} drivers */
  const restrict = (drivers) => ({
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        paths: drivers.map((d) => ({
          name: d.name,
          message: `Only ${d.home.join(' and ')} import ${d.name} (docs/ARCHITECTURE.md, "Layers").`,
        })),
      },
    ],
  });
  const homes = [...new Set(DRIVERS.flatMap((d) => d.home))];
  return [
    { files: ['src/**/*.ts'], rules: restrict(DRIVERS) },
    ...homes.map((home) => ({
      files: [home],
      rules: restrict(DRIVERS.filter((d) => !d.home.includes(home))),
    })),
  ];
}

/** Folders of src/ above the graph: the graph serves them and never calls up into them. */
const ABOVE_GRAPH = [
  'cli',
  'commands',
  'config',
  'discord',
  'generate',
  'ingest',
  'insights',
  'logging',
  'observability',
  'playground',
  'render',
  'reply',
];

/**
 * One `no-restricted-imports` block: files under `src/<folder>/` may not import paths matching `regex`.
 * @param {string} folder
 * @param {string} regex
 * @param {string} message
 * @param {object[]} [more] further patterns for the same files
 */
function forbid(folder, regex, message, more = []) {
  return {
    files: [`src/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex, message: `${message} (docs/ARCHITECTURE.md, "Layers").` }, ...more] },
      ],
    },
  };
}

function layerRules() {
  return [
    {
      files: ['src/graph/**/*.ts'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                regex: `^(\\.\\./)+(${ABOVE_GRAPH.join('|')})(/|\\.js$)`,
                message: 'src/graph/ imports nothing above it (docs/ARCHITECTURE.md, "Layers").',
              },
            ],
          },
        ],
      },
    },
    // Pictures are data the front ends hand to render: render never reaches up into the commands that ask for
    // them, and commands never draw (docs/ARCHITECTURE.md, "Commands and replies").
    forbid(
      'render',
      '^\\.\\./(?!(reply|domain|util)/)',
      'src/render/ imports nothing from commands or any other folder but reply/, domain/ and util/',
    ),
    forbid(
      'commands',
      '^\\.\\./(cli|discord|playground|render)(/|\\.js$)',
      'src/commands/ imports no front end and never render/: a reply carries its pictures as data',
      [
        {
          regex: 'graph-store\\.port\\.js$',
          importNames: ['GraphStore'],
          message:
            'Commands name the graph roles they use (CommandGraph, GraphQueries, …), not GraphStore (docs/ARCHITECTURE.md, "Ports and adapters").',
        },
      ],
    ),
    forbid('reply', '^\\.\\./(?!domain/)', 'src/reply/ imports nothing but domain/'),
    // Configuration sits below the graph: the graph layer declares the settings it needs (GraphStoreConfig)
    // and Config fits them, so neither imports the other.
    {
      files: ['src/config.ts'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                regex: '^\\./(?!(domain|util)/)',
                message:
                  'src/config.ts imports nothing but domain/ and util/ (docs/ARCHITECTURE.md, "Layers").',
              },
            ],
          },
        ],
      },
    },
    {
      files: ['src/domain/**/*.ts'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                regex: '^\\.\\./',
                message: 'src/domain/ imports no other folder of src/ (docs/ARCHITECTURE.md, "Layers").',
              },
            ],
          },
        ],
      },
    },
  ];
}

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'scratch/',
      'node_modules/',
      '.cache/',
      '.twitchgraph/',
      'bench/results/',
      'coverage/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'bin/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
    },
  },
  // The layering of docs/ARCHITECTURE.md ("Layers" and "Known debt"); test/lint/layering.test.ts shows each
  // rule failing on a deliberate violation.
  ...driverRules(),
  ...layerRules(),
  {
    files: ['src/**/*.ts'],
    ignores: ['src/config.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read settings through src/config.ts.' },
      ],
    },
  },
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  {
    // The playground page's script runs in the browser, unbundled.
    files: ['src/playground/static/**/*.js'],
    languageOptions: { globals: globals.browser, sourceType: 'module' },
  },
);
