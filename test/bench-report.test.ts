/**
 * The dist/ report of `npm run bench -- --clusters N` (test/bench.ts distReport), which docs/scale.md
 * quotes: files and bytes per part, one generated Argo CD Application per tenant folder in either
 * layout, and the largest directory-type Application.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { distReport } from './bench';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kft-bench-report-'));
  dirs.push(dir);
  for (const [f, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), content);
  }
  return dir;
}

describe('distReport', () => {
  it('counts a fleet layout per cluster: tenant folders are the generated Applications; dist/argocd/ is a directory Application too', () => {
    const dist = tree({
      'argocd/Application.kubeflow-tenants.yaml': 'a',
      'argocd/ApplicationSet.kubeflow-tenants-east.yaml': 'bb',
      'argocd/ApplicationSet.kubeflow-tenants-west.yaml': 'bb',
      'argocd/AppProject.tenant-a.yaml': 'c'.repeat(300_000),
      'clusters/east/cluster/ClusterRole.x.yaml': 'x'.repeat(5000),
      'clusters/east/tenants/a/Profile.a.yaml': 'p',
      'clusters/east/tenants/b/Profile.b.yaml': 'p',
      'clusters/west/tenants/a/Profile.a.yaml': 'guest',
      'INPUTS.sha256': 'h',
    });
    const lines = distReport(dist);
    expect(lines[0]).toBe(`dist/ 9 files, ${(305_013 / 1e6).toFixed(1)} MB`);
    expect(lines).toContain('  clusters/east/tenants: 2 files, 0.0 MB, 2 folders');
    expect(lines).toContain('  clusters/west/tenants: 1 files, 0.0 MB, 1 folders');
    expect(lines.at(-1)).toBe('Argo CD: 3 generated Applications (one per tenant folder), 1 Application and 2 ApplicationSet files, 1 AppProjects; largest directory Application argocd (0.3 MB)');
  });

  it('counts the single-cluster layout the same way', () => {
    const dist = tree({
      'cluster/ApplicationSet.kubeflow-tenants.yaml': 'x',
      'cluster/Application.kubeflow-tenants.yaml': 'x',
      'tenants/a/Profile.a.yaml': 'x'.repeat(200_000),
    });
    expect(distReport(dist).at(-1)).toBe('Argo CD: 1 generated Applications (one per tenant folder), 1 Application and 1 ApplicationSet files, 0 AppProjects; largest directory Application tenants/a (0.2 MB)');
  });
});
