/** Every emitted object, validated against the vendored CRD and core schemas, strict on unknown fields. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SynthResult } from '../lib/synth';
import { synthesize } from '../lib/synth';
import { fixtureInputs } from './fixture-repo';
import { knownKinds, manifestsOf, validateManifest } from './support/schemas';

let result: SynthResult;
beforeAll(async () => {
  const { platform, entries } = await fixtureInputs('examples');
  result = synthesize(entries, platform);
});

describe('schema validation', () => {
  it('every object of the example tenants is valid', () => {
    const manifests = manifestsOf(result.files);
    expect(manifests.length).toBe(result.objects.length);
    const problems = manifests.flatMap(({ file, manifest }) => validateManifest(manifest).map((e) => `${file}: ${e}`));
    expect(problems).toEqual([]);
  });

  it('the vendored CRDs include the MultiKueue kinds synth emits in a fleet (v1beta2, docs/fleet.md); test/multikueue.test.ts validates the objects', () => {
    for (const k of ['AdmissionCheck', 'MultiKueueCluster', 'MultiKueueConfig', 'ClusterQueue', 'LocalQueue']) expect(knownKinds()).toContain(`kueue.x-k8s.io/v1beta2/${k}`);
    expect(knownKinds()).toContain('external-secrets.io/v1/ExternalSecret');
  });

  it('the validator rejects an unknown field, a wrong type and an unknown kind (it can fail)', () => {
    const profile = result.objects.find((o) => o.manifest.kind === 'Profile')!.manifest;
    expect(validateManifest({ ...profile, spec: { ...(profile.spec as object), owners: [] } })).toEqual([
      'kubeflow.org/v1/Profile alice-research: /spec must NOT have additional properties (owners)',
    ]);
    const lr = result.objects.find((o) => o.manifest.kind === 'LimitRange')!.manifest;
    expect(validateManifest({ ...lr, spec: { limits: 'none' } })).not.toEqual([]);
    expect(validateManifest({ ...lr, metadata: { ...lr.metadata, labelz: {} } })).toEqual(['v1/LimitRange tenant-limits: /metadata must NOT have additional properties (labelz)']);
    expect(validateManifest({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 'x' } })).toEqual(['no vendored schema for example.com/v1/Thing']);
  });
});
