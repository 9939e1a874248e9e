/**
 * Runs the generated VRL routing programs through test/vrl-harness (the `vrl` crate Vector 0.57.0
 * pins) and states the routing invariant of issue 13; shared by test/audit.test.ts and the
 * cluster tier's 99-audit suite (real audit events).
 */
import { runTool } from './tools';

type Json = Record<string, unknown>;

export interface HarnessResult {
  readonly outputs: Json[];
  readonly aborted: boolean;
  readonly error: string | null;
  readonly conditions: (boolean | string)[];
}
export interface Case {
  readonly program: string;
  readonly event: unknown;
  readonly conditions?: readonly string[];
}

/** The platform stream of the fixture repositories (the default `audit.loki.platformStream`). */
export const PLATFORM_STREAM = '_platform';

/** Runs cases through the harness; throws when a program does not compile (with VRL's diagnostics). */
export function runVrl(programs: Record<string, string>, cases: readonly Case[]): HarnessResult[] {
  const out = JSON.parse(runTool('vrl-harness', [], JSON.stringify({ programs, cases }))) as { compiled: Record<string, string | null>; results: HarnessResult[] };
  for (const [name, diag] of Object.entries(out.compiled)) if (diag !== null) throw new Error(`${name} does not compile:\n${diag}`);
  if (out.results.length !== cases.length) throw new Error(`the harness returned ${out.results.length} results for ${cases.length} cases`);
  return out.results;
}

/** The remap programs of a parsed vector.yaml, by transform id. */
export const programsOf = (vector: Json): Record<string, string> =>
  Object.fromEntries(Object.entries(vector.transforms as Record<string, Json>).map(([id, t]) => [id, t.source as string]));

/**
 * The invariant: an event routed to tenant A has namespace A, or is a Profile or Namespace named A,
 * or is a component line tagged A; everything else goes to the platform stream. Undefined when
 * `out` (a routed event) obeys it, else why not.
 */
export function routingViolation(out: Json, tenantList: readonly string[], platformStream = PLATFORM_STREAM): string | undefined {
  const t = out.tenant;
  if (t === platformStream) return undefined;
  if (typeof t !== 'string' || !tenantList.includes(t)) return `routed to ${JSON.stringify(t)}, neither a tenant nor the platform stream`;
  if (out.kft_source === 'audit') {
    const ref = (typeof out.objectRef === 'object' && out.objectRef !== null ? out.objectRef : {}) as Json;
    if (ref.namespace === t) return undefined;
    const byName = (ref.resource === 'profiles' && ref.apiGroup === 'kubeflow.org') || (ref.resource === 'namespaces' && (ref.apiGroup ?? '') === '');
    if ((ref.namespace ?? '') === '' && byName && ref.name === t) return undefined;
    return `audit event routed to ${t} names namespace ${JSON.stringify(ref.namespace)}, ${JSON.stringify(ref.resource)} ${JSON.stringify(ref.name)}`;
  }
  return out.kft_namespace === t ? undefined : `component line routed to ${t} is tagged ${JSON.stringify(out.kft_namespace)}`;
}
