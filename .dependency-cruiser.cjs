/**
 * Import rules checked by `npm run lint` (dependency-cruiser): no cycles, counting `import type`
 * edges (tsPreCompilationDeps), and imports point inward —
 * cli/server/pipeline -> channels/sources/notify -> rules/digest/dedupe -> plain types.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle (type-only imports count): give the shared types a home of their own.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'inner-imports-outer',
      severity: 'error',
      comment: 'The rule engine, digests and dedupe are pure stages: they do not reach out to I/O shells or wiring.',
      from: { path: '^src/(rules|digest|dedupe)/' },
      to: { path: '^src/(cli|server|pipeline|notify|channels|sources)/' },
    },
    {
      name: 'stage-imports-wiring',
      severity: 'error',
      comment: 'Sources, channels and the notifier are used by the pipeline, never the other way round.',
      from: { path: '^src/(sources|channels|notify)/' },
      to: { path: '^src/(cli|server|pipeline)/' },
    },
    {
      name: 'plain-types-import-nothing',
      severity: 'error',
      comment: 'src/types.ts and src/rules/types.ts are the innermost ring: plain types only.',
      from: { path: '^src/(rules/)?types[.]ts$' },
      to: { path: '^src/', pathNot: '^src/(types|config/types|rules/(analyze|syntax|wildcard))[.]ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
