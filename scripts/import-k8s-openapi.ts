/**
 * Typed classes for built-in Kubernetes kinds from a vendored OpenAPI v3 file, offline:
 *
 *   tsx scripts/import-k8s-openapi.ts <openapi.json> <group> <out.ts>
 *
 * `cdk8s import k8s@<version>` would download the schema (no network here), and cdk8s-plus-28 has
 * only the v1alpha1/v1beta1 ValidatingAdmissionPolicy classes. So this feeds a local file to the
 * very code `cdk8s import k8s` runs (cdk8s-cli's `findApiObjectDefinitions`, `generateConstruct`,
 * the json2jsii `TypeGenerator`), after the two changes that make an OpenAPI v3 file look like
 * the v2 `definitions` that importer reads: `#/components/schemas/` refs become `#/definitions/`,
 * and the v3 `allOf: [{$ref}]` wrapper (json2jsii does not read allOf) becomes the plain `$ref`.
 * Only the kinds of `<group>` get classes (`Kube<Kind>`, as `cdk8s import k8s` names them). The
 * output depends only on the input file and the cdk8s-cli version: run by `npm run import`.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

type Json = Record<string, unknown>;

// cdk8s-cli's package "exports" hide its importer modules; load them by file path.
const cli = path.dirname(createRequire(import.meta.url).resolve('cdk8s-cli/package.json'));
const req = createRequire(path.join(cli, 'package.json'));
interface ApiObjectDefinition {
  readonly group: string;
  readonly kind: string;
  readonly fqn: string;
}
const { findApiObjectDefinitions } = req(path.join(cli, 'lib/import/k8s.js')) as {
  findApiObjectDefinitions: (schema: Json, prefix: string) => ApiObjectDefinition[];
};
const codegen = req(path.join(cli, 'lib/import/codegen.js')) as {
  emitHeader: (code: unknown, custom: boolean) => void;
  generateConstruct: (typegen: unknown, def: ApiObjectDefinition) => void;
  getTypeName: (custom: boolean, kind: string, version: string) => string;
  getPropsTypeName: (def: ApiObjectDefinition) => string;
};
const { parseApiTypeName, safeParseJsonSchema } = req(path.join(cli, 'lib/import/k8s-util.js')) as {
  parseApiTypeName: (name: string) => { basename: string; version?: { raw: string } };
  safeParseJsonSchema: (text: string) => Json;
};
const { TypeGenerator } = req('json2jsii') as {
  TypeGenerator: new (opts: { definitions: Json; renderTypeName: (def: string) => string }) => {
    addDefinition: (name: string, def: Json) => void;
    render: () => string;
  };
};
const { CodeMaker } = req('codemaker') as {
  CodeMaker: new () => {
    indentation: number;
    openFile: (f: string) => void;
    closeFile: (f: string) => void;
    line: (s?: string) => void;
    save: (dir: string) => Promise<string[]>;
  };
};

/** OpenAPI v3 -> the v2 shape cdk8s's k8s importer reads. */
function toV2(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(toV2);
  if (typeof s !== 'object' || s === null) return s;
  const o = s as Json;
  const allOf = o.allOf as Json[] | undefined;
  if (allOf && allOf.length === 1 && typeof allOf[0]!.$ref === 'string') {
    const { allOf: _drop, default: _default, ...rest } = o;
    return toV2({ ...rest, $ref: allOf[0]!.$ref });
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) out[k] = k === '$ref' && typeof v === 'string' ? v.replace('#/components/schemas/', '#/definitions/') : toV2(v);
  return out;
}

async function main(): Promise<void> {
  const [input, group, output] = process.argv.slice(2);
  if (!input || !group || !output) throw new Error('usage: tsx scripts/import-k8s-openapi.ts <openapi.json> <group> <out.ts>');
  const doc = JSON.parse(fs.readFileSync(input, 'utf8')) as { components: { schemas: Json } };
  // The same sanitising parse `cdk8s import k8s` applies to the downloaded schema.
  const schema = safeParseJsonSchema(JSON.stringify({ definitions: toV2(doc.components.schemas) }));
  const objects = findApiObjectDefinitions(schema, 'Kube').filter((o) => o.group === group);
  if (objects.length === 0) throw new Error(`no kinds of group ${group} in ${input}`);
  const typegen = new TypeGenerator({
    definitions: schema.definitions as Json,
    renderTypeName: (def: string) => {
      const parsed = parseApiTypeName(def);
      return parsed.version ? codegen.getTypeName(false, parsed.basename, parsed.version.raw) : parsed.basename;
    },
  });
  for (const o of objects) typegen.addDefinition(o.fqn, { $ref: `#/definitions/${codegen.getPropsTypeName(o)}` });
  for (const o of objects) codegen.generateConstruct(typegen, o);
  const code = new CodeMaker();
  const file = path.basename(output);
  code.openFile(file);
  code.indentation = 2;
  codegen.emitHeader(code, false);
  code.line(typegen.render());
  code.closeFile(file);
  await code.save(path.dirname(output));
  console.log(`${output}: ${objects.map((o) => o.kind).join(', ')}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
