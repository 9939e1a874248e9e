/**
 * Import rules for lib/, scripts/ and main.ts (`npm run lint:deps`, part of `npm test`).
 *
 * Type-only imports count (`tsPreCompilationDeps: true`): a type cycle is still a design cycle,
 * and it becomes a runtime one the day someone turns an `import type` into a value import.
 *
 * Layering (each layer imports only from the layers before it):
 *
 *   declarations  <-  model        <-  constructs      <-  pipeline           <-  commands
 *   lib/declarations/ lib/model/       lib/constructs/     lib/pipeline/,         main.ts,
 *   (what a tenant    (resolved:       (cdk8s: TenantBundle, lib/synth.ts,       scripts/
 *   file and          identities,      ClusterBundle,      lib/deployed.ts,
 *   platform.ts say)  grants in/out,   platform files)     diff, toolchange...
 *                     decommissioning)
 *
 * lib/capacity/ (the capacity picture: report types, the report built from the model, its text,
 * Markdown/Mermaid and SVG renderers, the PR change lines) is pipeline-level: it reads the resolved
 * model and the declarations' types, never constructs, checks or the rest of the pipeline, so
 * commands and the diff can use it without pulling synthesis in.
 *
 * Beside the model sit the checks (declaration validation): lib/validation.ts and the concept
 * modules with their resolvers (tenant, profile, quota, contributors, grants, secrets, codeowners,
 * platform, gpu, network, deprecations). The model may call their resolvers; constructs never import them:
 * a construct renders the model, it never re-reads or re-checks a declaration.
 */
/** Declaration validation: lib/validation.ts and the check modules (checks plus their resolvers). */
const VALIDATION = '^lib/(validation|tenant|profile|quota|contributors|groups|grants|secrets|codeowners|platform|gpu|network|deprecations|audit|queues|fleet|burst)\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles, type-only imports included.',
      from: { path: '^(lib/|scripts/|main\\.ts$)' },
      to: { circular: true },
    },
    {
      name: 'declarations-import-only-declarations',
      severity: 'error',
      comment:
        'lib/declarations/ is the bottom layer: types and pure-data catalogues only. It imports other declaration modules and nothing else (no concept module, no cdk8s, no node builtins).',
      from: { path: '^lib/declarations/' },
      to: { pathNot: '^lib/declarations/' },
    },
    {
      name: 'model-not-to-upper-layers',
      severity: 'error',
      comment:
        'lib/model/ is built from validated declarations: it imports declarations, other model modules and the resolvers next to the checks, never constructs, the pipeline or validation itself (lib/validation.ts).',
      from: { path: '^lib/model/' },
      to: { path: '^lib/(constructs|pipeline|capacity)/|^lib/(validation|synth|deployed|diff|toolchange|access|cli|git|inputs-digest|yaml|rbac|can-i|role-matrix)\\.ts$' },
    },
    {
      name: 'constructs-not-to-validation',
      severity: 'error',
      comment:
        'Construct modules render the resolved model; they never import declaration validation (lib/validation.ts and the check modules). What a construct needs from a declaration belongs in lib/model/.',
      from: { path: '^lib/constructs/' },
      to: { path: VALIDATION },
    },
    {
      name: 'constructs-import-only-model-and-declarations',
      severity: 'error',
      comment: 'Construct modules import lib/model/, lib/declarations/, other constructs and the leaf helpers meta.ts and quantity.ts: never the pipeline or commands.',
      from: { path: '^lib/constructs/' },
      to: { path: '^lib/', pathNot: ['^lib/(model|declarations|constructs)/', '^lib/(meta|quantity)\\.ts$', VALIDATION] },
    },
    {
      name: 'checks-not-to-constructs-or-pipeline',
      severity: 'error',
      comment: 'Declaration validation runs before the model exists: the check modules never import constructs or the pipeline.',
      from: { path: VALIDATION },
      to: { path: '^lib/(constructs|pipeline|capacity)/|^lib/(synth|deployed|diff|toolchange)\\.ts$' },
    },
    {
      name: 'capacity-imports-only-model-and-declarations',
      severity: 'error',
      comment:
        'lib/capacity/ (the capacity picture) is pipeline-level: it imports lib/model/, lib/declarations/, the leaf lib/quantity.ts and other lib/capacity/ modules only; never constructs, checks or the rest of the pipeline.',
      from: { path: '^lib/capacity/' },
      to: { path: '^lib/', pathNot: ['^lib/(model|declarations|capacity)/', '^lib/quantity\\.ts$'] },
    },
    {
      name: 'lib-not-to-commands-or-tests',
      severity: 'error',
      comment: 'lib/ is imported by main.ts, scripts/ and test/, never the other way round.',
      from: { path: '^lib/' },
      to: { path: '^(scripts/|test/|main\\.ts$)' },
    },
  ],
  options: {
    // imports/ is generated by `cdk8s import`: a leaf, listed as a dependency but not cruised.
    doNotFollow: { path: ['node_modules', '^imports/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
