/**
 * The fixture repositories (test/fixtures/*) are themselves valid repositories: their tenant files
 * type-check against lib/ in a materialized copy (tsconfig.json excludes them, since their
 * `../lib` imports only resolve there), and `npm run synth` accepts them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, fixtureRepo, removeRepo, runScript, typeCheck } from './fixture-repo';

describe.each(fs.readdirSync(FIXTURES).filter((f) => fs.existsSync(path.join(FIXTURES, f, 'platform.ts'))))('fixture repository %s', (name) => {
  it('type-checks, and synthesizes without errors', async () => {
    const dir = fixtureRepo(name);
    try {
      // `_` files are not tenants (synth skips them) but are type-checked: the check can fail.
      fs.writeFileSync(path.join(dir, 'tenants', '_typo.ts'), "import { tenant } from '../lib/tenant';\nexport default tenant({ name: 'zz', owner: { email: 'a@b.c' }, labels: {}, quotas: {} });\n");
      const r = runScript(dir, 'main.ts');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const tc = await typeCheck(dir);
      const errors = tc.output.split('\n').filter((l) => /error TS/.test(l));
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.filter((l) => !l.startsWith('tenants/_typo.ts'))).toEqual([]);
    } finally {
      removeRepo(dir);
    }
  }, 180_000);
});
