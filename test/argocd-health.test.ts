/**
 * The Argo CD health check for Profiles (docs/argocd-profile-health.lua), run with gopher-lua
 * exactly as Argo CD runs a health check from argocd-cm (test/argocd-health/main.go, built by
 * `npm run build:tools`), and the argocd-cm patch kept identical to the script.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLATFORM } from '../lib/platform';
import { synthesize } from '../lib/synth';
import { entry, ROOT, validSpec } from './support/fixtures';
import { runTool } from './support/tools';

const SCRIPT = path.join(ROOT, 'docs/argocd-profile-health.lua');

interface Health {
  status: string;
  message: string;
  error?: string;
}

function health(objects: object[]): Health[] {
  return JSON.parse(runTool('argocd-health', [SCRIPT], JSON.stringify(objects))) as Health[];
}

describe('Argo CD health of a Profile', () => {
  let profile: Record<string, any>;
  let results: Health[];
  beforeAll(() => {
    // The Profile exactly as synth writes it, then as the API server and the controller change it.
    const r = synthesize([entry(validSpec({ name: 'fraud' }))], DEFAULT_PLATFORM);
    profile = r.objects.find((o) => o.manifest.kind === 'Profile')!.manifest as Record<string, any>;
    const meta = (extra: object): object => ({ ...profile, metadata: { ...profile.metadata, ...extra } });
    results = health([
      profile,
      meta({ finalizers: ['profile-finalizer'] }),
      meta({ finalizers: ['some-other-finalizer'] }),
      meta({ finalizers: ['profile-finalizer'], deletionTimestamp: '2026-01-01T00:00:00Z' }),
      { ...profile, status: { conditions: [{ type: 'Failed', message: 'namespace already exist, but not owned by profile creator lead@example.com' }] } },
      { ...profile, status: { conditions: [{ type: 'Failed', message: 'old' }, { type: 'Successful' }] } },
      {},
    ]);
  });

  it('is Progressing until the Profile controller has reconciled it (its namespace exists), then Healthy', () => {
    expect(results[0]).toEqual({ status: 'Progressing', message: 'waiting for the Kubeflow Profile controller to create namespace fraud' });
    expect(results[1]).toEqual({ status: 'Healthy', message: 'reconciled by the Profile controller; namespace fraud exists' });
    expect(results[2]!.status).toBe('Progressing');
  });

  it('reports deletion in progress and controller failures', () => {
    expect(results[3]).toEqual({ status: 'Progressing', message: 'Profile is being deleted; namespace fraud and everything in it are deleted with it' });
    expect(results[4]).toEqual({ status: 'Degraded', message: 'namespace already exist, but not owned by profile creator lead@example.com' });
    expect(results[5]!.status).toBe('Progressing');
  });

  it('never errors, even on an object without metadata', () => {
    expect(results[6]).toEqual({ status: 'Progressing', message: 'waiting for the Kubeflow Profile controller to create the namespace' });
    for (const r of results) expect(r.error).toBeUndefined();
  });

  it('the argocd-cm patch carries exactly this script under the key Argo CD reads', () => {
    const cm = yaml.load(fs.readFileSync(path.join(ROOT, 'docs/argocd-cm-profile-health.yaml'), 'utf8')) as { kind: string; metadata: { name: string }; data: Record<string, string> };
    expect(cm.kind).toBe('ConfigMap');
    expect(cm.metadata.name).toBe('argocd-cm');
    expect(Object.keys(cm.data)).toEqual(['resource.customizations.health.kubeflow.org_Profile']);
    expect(cm.data['resource.customizations.health.kubeflow.org_Profile']).toBe(fs.readFileSync(SCRIPT, 'utf8'));
  });
});
