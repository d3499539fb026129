/**
 * The layering of src/ (shared/design.md, "Floors, top to bottom"), checked by dependency-cruiser:
 * `npm run lint:layers`, and test/architecture/layers.test.ts inside `npm test`.
 *
 * A floor may import the floors below it, never one above it, and never in a circle (type-only
 * imports included: a type both sides need moves down to where both can see it).
 * Two folders on the same floor do not import each other, except the pairs in SAME_FLOOR_ALLOWED.
 * Only `cli` and `demo` import the emulator.
 *
 * `ownership` (may this be deleted?) is a floor of its own just below `plan`: the planner, the
 * manifest rules, `cluster`, `file-tokens` and the write gate all ask it, and it asks only the floor below.
 */

/** Top to bottom. A name is a folder src/<name>/ or a file src/<name>.ts. */
const FLOORS = [
  ['cli', 'demo'],
  ['watch'],
  ['reconcile'],
  ['lease', 'apply', 'file-tokens', 'emulator'],
  ['cluster', 'manifest', 'sinks'],
  ['plan'],
  ['ownership'],
  ['model', 'es', 'errors', 'error-codes', 'support'],
];

/**
 * Imports between two folders of the same floor that are allowed: from a folder, to the modules
 * matching `to`, each with why. Every other same-floor import is forbidden.
 */
const SAME_FLOOR_ALLOWED = [
  {
    from: 'emulator',
    to: '^src/file-tokens/(bearer|hasher|service-tokens-parser)[.]ts$',
    why:
      "The emulator speaks Elasticsearch's bearer encoding, hash formats and service_tokens file with " +
      'the one implementation (pure leaf modules), not a second copy that could agree with itself only.',
  },
  {
    from: 'lease',
    to: '^src/apply/apply-ports[.]ts$',
    why: "LeasedJournal implements apply's IntentJournal port (interfaces only): the lease keeps the intents of leased clusters.",
  },
  {
    from: 'errors',
    to: '^src/error-codes[.]ts$',
    why: 'The error classes take their codes from the catalogue.',
  },
];

/** Regular expression for the modules of the named folders (or top-level files) of src/. */
function under(names) {
  return `^src/(${names.join('|')})(/|[.]ts$)`;
}

const KNOWN = FLOORS.flat();

function upwardRules() {
  return FLOORS.slice(1).map((floor, index) => ({
    name: `no-upward-from-${floor.join('-')}`,
    severity: 'error',
    comment: `${floor.join(', ')} may not import a floor above it: ${FLOORS.slice(0, index + 1).flat().join(', ')}`,
    from: { path: under(floor) },
    to: { path: under(FLOORS.slice(0, index + 1).flat()) },
  }));
}

function sameFloorRules() {
  return FLOORS.flatMap((floor) =>
    floor.flatMap((from) => {
      const others = floor.filter((to) => to !== from);
      const allowed = SAME_FLOOR_ALLOWED.filter((a) => a.from === from).map((a) => a.to);
      if (others.length === 0) return [];
      return [
        {
          name: `no-same-floor-from-${from}`,
          severity: 'error',
          comment: `${from} may not import ${others.join(', ')} (same floor)${allowed.length > 0 ? `, but ${allowed.join(', ')}` : ''}`,
          from: { path: under([from]) },
          to: { path: under(others), ...(allowed.length > 0 ? { pathNot: allowed } : {}) },
        },
      ];
    }),
  );
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle (type-only imports count): move what both sides need down a floor.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...upwardRules(),
    ...sameFloorRules(),
    {
      name: 'emulator-only-from-cli-and-demo',
      severity: 'error',
      comment: 'Only cli and demo start the emulator; the reconciler never depends on it.',
      from: { path: '^src/', pathNot: under(['cli', 'demo', 'emulator']) },
      to: { path: under(['emulator']) },
    },
    {
      name: 'not-on-a-floor',
      severity: 'error',
      comment: 'Every folder of src/ is on a floor: add it to FLOORS in .dependency-cruiser.cjs and to design.md.',
      from: { path: '^src/', pathNot: under(KNOWN) },
      to: {},
    },
    {
      name: 'to-a-folder-not-on-a-floor',
      severity: 'error',
      comment: 'Every folder of src/ is on a floor: add it to FLOORS in .dependency-cruiser.cjs and to design.md.',
      from: { path: '^src/' },
      to: { path: '^src/', pathNot: under(KNOWN) },
    },
  ],
  options: {
    // Type-only imports are dependencies too: a circle through types is still a circle.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
  },
};
