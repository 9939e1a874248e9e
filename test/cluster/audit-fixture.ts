// Writes the audit files synth emits for the `audit` fixture repository (dist/platform/audit/ of
// test/fixtures/audit) into the directory given as argument: run.sh starts kube-apiserver with
// its policy.yaml, and 99-audit.cluster.test.ts reads routing.json and vector.yaml from there.
// Usage (from the repository root): tsx test/cluster/audit-fixture.ts <dir>
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fixtureRepo, removeRepo, synthFixture } from '../fixture-repo';

const out = process.argv[2];
if (!out) throw new Error('usage: tsx test/cluster/audit-fixture.ts <dir>');
mkdirSync(out, { recursive: true });
const dir = fixtureRepo('audit');
try {
  const r = await synthFixture(dir);
  const files = [...r.result.files].filter(([f]) => f.startsWith('platform/audit/'));
  if (!files.some(([f]) => f.endsWith('/policy.yaml'))) throw new Error('the audit fixture emitted no platform/audit/policy.yaml');
  for (const [f, content] of files) writeFileSync(join(out, basename(f)), content);
} finally {
  removeRepo(dir);
}
