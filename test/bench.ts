/**
 * `npm run bench`: synthesizes N generated tenants (3 contributors each, CPU/memory/GPU quotas)
 * through the same pipeline as `npm run synth` - validation, constructs, YAML, atomic write to a
 * temporary dist/ - and prints tenants, objects, wall time and peak memory for each size.
 *
 *   tsx test/bench.ts [sizes...]      default: 1000 5000
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { diffTrees, renderMarkdown, renderText } from '../lib/diff';
import { DEFAULT_PLATFORM } from '../lib/platform';
import { synthesize, writeDist } from '../lib/synth';
import type { TenantSpec } from '../lib/tenant';
import type { TenantEntry } from '../lib/validation';

/** N valid, distinct tenants; names never prefix one another (`team-00001` ... fixed width). */
export function generateTenants(n: number): TenantEntry[] {
  const width = String(n).length + 1;
  const out: TenantEntry[] = [];
  for (let i = 0; i < n; i++) {
    const id = String(i).padStart(width, '0');
    const name = `team-${id}`;
    const spec: TenantSpec = {
      name,
      owner: { email: `lead-${id}@example.com` },
      labels: { team: name, 'cost-centre': `cc-${i % 97}`, 'compliance-tier': i % 3 === 0 ? 'pci' : 'internal' },
      quota: { cpu: String(8 + (i % 40)), memory: `${32 + (i % 64)}Gi`, storage: '500Gi', gpu: { 'nvidia.com/gpu': i % 9 } },
      limits: { pod: { max: { cpu: '4', memory: '16Gi' } } },
      contributors: [
        { user: `dev-a-${id}@example.com`, role: 'edit' },
        { user: `dev-b-${id}@example.com`, role: 'edit' },
        { user: `viewer-${id}@example.com`, role: 'view' },
      ],
    };
    out.push({ file: `tenants/${name}.ts`, spec });
  }
  return out;
}

function run(n: number, dir: string): { objects: number; ms: number; synthMs: number } {
  const entries = generateTenants(n);
  const t0 = performance.now();
  const result = synthesize(entries, DEFAULT_PLATFORM);
  const t1 = performance.now();
  writeDist(path.join(dir, 'dist'), result.files);
  return { objects: result.objects.length, ms: performance.now() - t0, synthMs: t1 - t0 };
}

/**
 * `npm run diff` on N tenants: the pure diff of two dist/ trees (parse, compare object by object
 * and field by field, risk flags, both renderings). The "after" tree raises every tenth quota and
 * adds a contributor to every twentieth tenant, so the report has real content.
 */
function benchDiff(n: number): { ms: number; changed: number; flags: number } {
  const before = synthesize(generateTenants(n), DEFAULT_PLATFORM).files;
  const changedEntries = generateTenants(n).map((e, i) => {
    if (i % 10 === 0) return { ...e, spec: { ...e.spec, quota: { ...e.spec.quota, cpu: '64' } } };
    if (i % 20 === 5) return { ...e, spec: { ...e.spec, contributors: [...(e.spec.contributors ?? []), { user: `new-${i}@example.com`, role: 'edit' as const }] } };
    return e;
  });
  const after = synthesize(changedEntries, DEFAULT_PLATFORM).files;
  const t0 = performance.now();
  const report = diffTrees(before, after);
  renderText(report);
  renderMarkdown(report);
  const ms = performance.now() - t0;
  const changed = report.groups.length;
  return { ms, changed, flags: report.flags.length };
}

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kft-bench-'));
  try {
    run(20, path.join(tmp, 'warm-up')); // module loading and JIT are not part of the per-size numbers
    for (const n of sizes.length > 0 ? sizes : [1000, 5000]) {
      if (global.gc) global.gc();
      // A fresh folder per size, as in a fresh clone: replacing an existing dist/ adds only a
      // rename (the old tree is deleted in the background).
      const { objects, ms, synthMs } = run(n, path.join(tmp, `n${n}`));
      const peak = process.resourceUsage().maxRSS / 1024;
      console.log(
        `synth  tenants=${n} objects=${objects} wall=${(ms / 1000).toFixed(2)}s (validate+render ${(synthMs / 1000).toFixed(2)}s, write ${((ms - synthMs) / 1000).toFixed(2)}s) peakRSS=${peak.toFixed(0)}MB`,
      );
    }
    const { ms, changed, flags } = benchDiff(1000);
    console.log(`diff   tenants=1000 changed=${changed} flags=${flags} wall=${(ms / 1000).toFixed(2)}s (target < 2s)`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith("bench.ts")) await main();
