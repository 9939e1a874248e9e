/**
 * Schema validation of emitted objects against the vendored schemas, strict on unknown fields:
 * core kinds against the Kubernetes 1.28 standalone-strict JSON schemas, kinds 1.28 lacks
 * (ValidatingAdmissionPolicy v1) against the vendored Kubernetes 1.33 OpenAPI v3 (schemas/k8s-v1.33/),
 * custom resources against
 * the openAPIV3Schema of the vendored CRD version, with `additionalProperties: false` added wherever
 * the API server would prune or (with strict field validation) reject unknown fields.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import * as yaml from 'js-yaml';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

type Json = Record<string, unknown>;

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const validators = new Map<string, ValidateFunction>();
// Compiling the large CRD schemas (Argo CD, Kyverno, ESO) takes seconds: compile on first use.
const pending = new Map<string, Json>();
let loaded = false;

/** Kubernetes ObjectMeta, strict: taken from a standalone-strict core schema. */
function objectMetaSchema(): Json {
  const cm = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/k8s-v1.28/configmap-v1.json'), 'utf8')) as Json;
  return (cm.properties as Json).metadata as Json;
}

/** Structural CRD schema -> JSON schema with the API server's unknown-field semantics. */
function strictify(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(strictify);
  if (typeof s !== 'object' || s === null) return s;
  const o: Json = {};
  for (const [k, v] of Object.entries(s as Json)) o[k] = k === 'properties' ? mapValues(v as Json, strictify) : strictify(v);
  const preserve = o['x-kubernetes-preserve-unknown-fields'] === true;
  if (o.type === 'object' && o.properties && !preserve && o.additionalProperties === undefined) o.additionalProperties = false;
  if (o['x-kubernetes-int-or-string'] === true) {
    delete o.type;
    o.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (o.nullable === true && typeof o.type === 'string') o.type = [o.type, 'null'];
  // Go's inline case-insensitive flag (Kueue's AdmissionCheck `parameters.kind`), which JavaScript
  // regular expressions lack: the same language with both cases spelled out.
  if (typeof o.pattern === 'string' && o.pattern.includes('(?i)')) o.pattern = o.pattern.replace('(?i)', '').replace(/a-z/g, 'a-zA-Z');
  return o;
}

function mapValues(o: Json, f: (v: unknown) => unknown): Json {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}

/**
 * OpenAPI v3 component schemas -> JSON schema definitions, strict like the API server with strict
 * field validation: `additionalProperties: false` on every object with properties; the v3
 * `allOf: [{$ref}]` wrapper becomes the plain `$ref`.
 */
function openApiToJsonSchema(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(openApiToJsonSchema);
  if (typeof s !== 'object' || s === null) return s;
  const src = s as Json;
  const allOf = src.allOf as Json[] | undefined;
  if (allOf && allOf.length === 1 && typeof allOf[0]!.$ref === 'string') return { $ref: (allOf[0]!.$ref as string).replace('#/components/schemas/', '#/definitions/') };
  const o: Json = {};
  for (const [k, v] of Object.entries(src)) {
    if (k === '$ref' && typeof v === 'string') o[k] = v.replace('#/components/schemas/', '#/definitions/');
    else if (k === 'properties') o[k] = mapValues(v as Json, openApiToJsonSchema);
    else if (k !== 'default') o[k] = openApiToJsonSchema(v);
  }
  if (o.type === 'object' && o.properties && o.additionalProperties === undefined) o.additionalProperties = false;
  return o;
}

function load(): void {
  if (loaded) return;
  loaded = true;
  const meta = objectMetaSchema();
  // Core kinds.
  const coreDir = path.join(ROOT, 'schemas/k8s-v1.28');
  for (const f of fs.readdirSync(coreDir).filter((x) => x.endsWith('-v1.json'))) {
    const schema = JSON.parse(fs.readFileSync(path.join(coreDir, f), 'utf8')) as Json;
    delete schema.$schema;
    const gvk = (schema['x-kubernetes-group-version-kind'] as { group: string; version: string; kind: string }[])[0]!;
    const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
    pending.set(`${apiVersion}/${gvk.kind}`, schema);
  }
  // Built-in kinds from the 1.33 OpenAPI v3 files.
  const v133 = path.join(ROOT, 'schemas/k8s-v1.33');
  for (const f of fs.readdirSync(v133).filter((x) => x.endsWith('_openapi.json'))) {
    const doc = JSON.parse(fs.readFileSync(path.join(v133, f), 'utf8')) as { components: { schemas: Json } };
    const definitions = openApiToJsonSchema(doc.components.schemas) as Json;
    for (const [fqn, def] of Object.entries(doc.components.schemas)) {
      const gvks = (def as Json)['x-kubernetes-group-version-kind'] as { group: string; version: string; kind: string }[] | undefined;
      if (!gvks || gvks.length !== 1 || !((def as Json).properties as Json | undefined)?.metadata) continue;
      const gvk = gvks[0]!;
      const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
      const key = `${apiVersion}/${gvk.kind}`;
      if (pending.has(key)) continue; // the 1.28 standalone schema of the same kind wins
      const own = definitions[fqn] as Json;
      const props = { ...(own.properties as Json), apiVersion: { type: 'string', enum: [apiVersion] }, kind: { type: 'string', enum: [gvk.kind] } };
      pending.set(key, { ...own, properties: props, required: [...new Set([...((own.required as string[] | undefined) ?? []), 'apiVersion', 'kind', 'metadata'])], definitions });
    }
  }
  // Custom resources: every served version of every vendored CRD.
  for (const f of fs.readdirSync(path.join(ROOT, 'crds')).filter((x) => x.endsWith('.yaml'))) {
    for (const doc of yaml.loadAll(fs.readFileSync(path.join(ROOT, 'crds', f), 'utf8')) as Json[]) {
      if (!doc || doc.kind !== 'CustomResourceDefinition') continue;
      const spec = doc.spec as { group: string; names: { kind: string }; versions: { name: string; served: boolean; schema?: { openAPIV3Schema: Json } }[] };
      for (const v of spec.versions) {
        if (!v.served || !v.schema) continue;
        const schema = strictify(v.schema.openAPIV3Schema) as Json;
        const apiVersion = `${spec.group}/${v.name}`;
        // Every object may carry apiVersion, kind and metadata, whatever its CRD schema lists.
        const props = {
          ...(schema.properties as Json),
          apiVersion: { type: 'string', enum: [apiVersion] },
          kind: { type: 'string', enum: [spec.names.kind] },
          metadata: meta,
        };
        pending.set(`${apiVersion}/${spec.names.kind}`, { ...schema, properties: props, required: ['apiVersion', 'kind', 'metadata'], additionalProperties: false });
      }
    }
  }
}

/** Every kind (`<apiVersion>/<kind>`) a schema is known for. */
export function knownKinds(): string[] {
  load();
  return [...new Set([...validators.keys(), ...pending.keys()])].sort();
}

/** Schema errors of one manifest; empty when valid. An object of an unknown kind is an error. */
export function validateManifest(m: object): string[] {
  load();
  const o = m as Json;
  const key = `${String(o.apiVersion)}/${String(o.kind)}`;
  let v = validators.get(key);
  const raw = pending.get(key);
  if (!v && raw) {
    v = ajv.compile(raw);
    validators.set(key, v);
    pending.delete(key);
  }
  if (!v) return [`no vendored schema for ${key}`];
  if (v(m)) return [];
  return (v.errors ?? []).map((e) => `${key} ${((o.metadata as Json | undefined)?.name as string) ?? '?'}: ${e.instancePath || '/'} ${e.message ?? ''}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
}

/** Parses every YAML document of a file map (dist/-style), skipping non-YAML files and platform/ (not manifests). */
export function manifestsOf(files: ReadonlyMap<string, string>): { file: string; manifest: Json }[] {
  const out: { file: string; manifest: Json }[] = [];
  for (const [file, content] of files) {
    if (!file.endsWith('.yaml') || file.startsWith('platform/')) continue;
    for (const doc of yaml.loadAll(content)) if (doc) out.push({ file, manifest: doc as Json });
  }
  return out;
}
