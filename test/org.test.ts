/**
 * Invariants over this repository's own tenants: the only tests that read the org's tenants/,
 * platform.ts and dist/. They must hold for every valid input (any number of tenants, any
 * platform.ts), so they name no tenant, person or setting; what the tool does for particular
 * tenants is tested on the fixture repositories under test/fixtures/.
 */
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PlatformSettings } from '../lib/platform';
import { INPUTS_FILE, inputsDigest, renderInputsDigest } from '../lib/inputs-digest';
import type { SynthResult } from '../lib/synth';
import { readTree, synthesize } from '../lib/synth';
import type { TenantEntry } from '../lib/validation';
import { repoInputsOf } from './fixture-repo';
import { ROOT } from './support/fixtures';
import { isolationViolations, schemaViolations } from './support/invariants';

let platform: PlatformSettings;
let entries: TenantEntry[];
let result: SynthResult;
beforeAll(async () => {
  ({ platform, entries } = await repoInputsOf(ROOT));
  result = synthesize(entries, platform);
});

describe("invariants over this repository's own tenants", () => {
  it('every tenant file synthesizes, and every emitted object is valid against the vendored schemas', () => {
    expect(result.tenants).toBe(entries.length);
    expect(schemaViolations(result)).toEqual([]);
  });

  it('every tenant is isolated: own namespace only, default-deny ingress, STRICT mTLS, access only as declared', () => {
    expect(isolationViolations(result, entries, platform)).toEqual([]);
  });

  it('synth is deterministic: twice, and in reverse order, byte-identical', () => {
    expect([...synthesize([...entries].reverse(), platform).files]).toEqual([...result.files]);
  });

  it('the committed dist/ is exactly a fresh synth (run `npm run synth` and commit dist/ otherwise)', () => {
    const committed = readTree(path.join(ROOT, 'dist'));
    // Synth also records what dist/ was made from (lib/inputs-digest.ts); it is part of a fresh synth.
    const fresh = new Map([...result.files, [INPUTS_FILE, renderInputsDigest(inputsDigest(ROOT))]]);
    const diff = [...new Set([...committed.keys(), ...fresh.keys()])].filter((f) => committed.get(f) !== fresh.get(f));
    expect(diff).toEqual([]);
  });
});
