/**
 * Credentials: the checks of a tenant's `credentials` and their resolution (defaults, full Vault
 * keys) into the model. The objects are rendered by lib/constructs/credentials.ts.
 *
 * Every remote key lives under the tenant's own Vault prefix (`<vault.pathPrefix>/<tenant>/`). The
 * platform team applies two policies from `dist/platform/` (lib/constructs/platform-files.ts) with
 * its own tooling: the Vault policy confining the tenant's role to that prefix, and the S3 policy
 * confining the tenant's key to `<bucket>/<tenant>/*` plus prefixes other tenants granted it.
 */
import type { ApiKeySpec, CredentialsSpec, GitCredentialSpec, RegistryCredentialSpec, S3CredentialSpec } from './declarations/credentials';
import type { PlatformSettings } from './declarations/platform';
import type { TenantSpec } from './declarations/tenant';
import type { CheckContext, ErrorList } from './validation';
import { at, checkDnsLabel, checkObject, isPlainObject } from './validation';

// Declarations live in lib/declarations/ (no import cycles); re-exported so existing imports keep working.
export type { ApiKeySpec, CredentialsSpec, GitCredentialSpec, RegistryCredentialSpec, S3CredentialSpec } from './declarations/credentials';
export { hasS3 } from './declarations/credentials';

const CREDENTIAL_FIELDS = ['s3', 'registry', 'git', 'apiKeys', 'refreshInterval'] as const satisfies readonly (keyof CredentialsSpec)[];
const S3_FIELDS = ['key'] as const satisfies readonly (keyof S3CredentialSpec)[];
const REGISTRY_FIELDS = ['key', 'server'] as const satisfies readonly (keyof RegistryCredentialSpec)[];
const GIT_FIELDS = ['key', 'host'] as const satisfies readonly (keyof GitCredentialSpec)[];
const API_KEY_FIELDS = ['name', 'key', 'env'] as const satisfies readonly (keyof ApiKeySpec)[];

const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;
const VAULT_KEY = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
const HOST = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(:[0-9]{1,5})?$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** The tenant's area of the bucket (no trailing slash): `<name>` by default. */
export const tenantBucketPrefix = (tenant: string, platform: PlatformSettings): string => platform.objectStore.tenantPrefix.replace('{tenant}', tenant);

/** The tenant's Vault prefix, relative to the KV mount: `tenants/<name>`. */
export const tenantVaultPrefix = (tenant: string, platform: PlatformSettings): string => `${trimSlashes(platform.vault.pathPrefix)}/${tenant}`;

const trimSlashes = (s: string): string => s.replace(/^\/+|\/+$/g, '');

/**
 * The remote key (relative to the KV mount, as ESO's `remoteRef.key` wants it) of a declared key:
 * relative keys are under the tenant prefix; absolute ones (leading "/") are taken as they are.
 */
export function resolveVaultKey(key: string, tenant: string, platform: PlatformSettings): string {
  return key.startsWith('/') ? trimSlashes(key) : `${tenantVaultPrefix(tenant, platform)}/${trimSlashes(key)}`;
}

const subSpec = <T extends object>(v: boolean | T | undefined): T | undefined => (v === undefined || v === false ? undefined : v === true ? ({} as T) : v);

/** Resolved, defaulted credentials of one tenant: what the construct and the policies render. */
export interface ResolvedCredentials {
  readonly refreshInterval: string;
  readonly s3?: { readonly key: string };
  readonly registry?: { readonly key: string; readonly server: string };
  readonly git?: { readonly key: string; readonly host: string };
  readonly apiKeys: readonly { readonly name: string; readonly key: string; readonly env: string }[];
}

const defaultEnv = (name: string): string => `${name.toUpperCase().replace(/-/g, '_')}_API_KEY`;

/** Applies defaults and resolves every Vault key to its full remote key. */
export function resolveCredentials(spec: TenantSpec, platform: PlatformSettings): ResolvedCredentials | undefined {
  const c = spec.credentials;
  if (!c) return undefined;
  const key = (k: string | undefined, d: string): string => resolveVaultKey(k ?? d, spec.name, platform);
  const s3 = subSpec(c.s3);
  const registry = subSpec(c.registry);
  const git = subSpec(c.git);
  return {
    refreshInterval: c.refreshInterval ?? platform.credentials.refreshInterval,
    ...(s3 ? { s3: { key: key(s3.key, 's3') } } : {}),
    ...(registry ? { registry: { key: key(registry.key, 'registry'), server: registry.server ?? platform.credentials.registryServer } } : {}),
    ...(git ? { git: { key: key(git.key, 'git'), host: git.host ?? platform.credentials.gitHost } } : {}),
    apiKeys: [...(c.apiKeys ?? [])]
      .map((a) => ({ name: a.name, key: key(a.key, `api-keys/${a.name}`), env: a.env ?? defaultEnv(a.name) }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
}

/** Checks `credentials`: shapes, durations, hosts, and that every Vault key stays under the tenant's prefix. */
export function checkCredentials(errs: ErrorList, spec: TenantSpec, ctx: CheckContext): void {
  const c = spec.credentials as unknown;
  if (c === undefined) return;
  if (!checkObject(errs, 'credentials', c, CREDENTIAL_FIELDS)) return;
  const tenant = typeof spec.name === 'string' ? spec.name : '';
  const prefix = tenantVaultPrefix(tenant, ctx.platform);
  const checkKey = (path: string, v: unknown): void => checkVaultKey(errs, path, v, prefix);

  const sub = (field: 's3' | 'registry' | 'git', fields: readonly string[], extra?: (p: string, o: Record<string, unknown>) => void): void => {
    const v = c[field];
    if (v === undefined || typeof v === 'boolean') return;
    const p = at.field('credentials', field);
    if (!isPlainObject(v)) {
      errs.invalid(p, v, `must be true, or an object with fields ${fields.join(', ')}`);
      return;
    }
    if (!checkObject(errs, p, v, fields)) return;
    if (v.key !== undefined) checkKey(at.field(p, 'key'), v.key);
    extra?.(p, v);
  };
  sub('s3', S3_FIELDS);
  sub('registry', REGISTRY_FIELDS, (p, o) => {
    if (o.server !== undefined && (typeof o.server !== 'string' || !HOST.test(o.server))) {
      errs.invalid(at.field(p, 'server'), o.server, 'must be a registry host with an optional port, without scheme or path, e.g. "registry.example.com" or "harbor.internal:5000"');
    }
  });
  sub('git', GIT_FIELDS, (p, o) => {
    if (o.host !== undefined && (typeof o.host !== 'string' || !HOST.test(o.host))) {
      errs.invalid(at.field(p, 'host'), o.host, 'must be a host name without scheme or path, e.g. "github.com"');
    }
  });

  if (c.apiKeys !== undefined) {
    const p = at.field('credentials', 'apiKeys');
    if (!Array.isArray(c.apiKeys)) {
      errs.invalid(p, c.apiKeys, 'must be a list such as [{ name: "openai" }]');
    } else {
      const names = new Map<string, number>();
      const envs = new Map<string, number>();
      c.apiKeys.forEach((a: unknown, i) => {
        const ap = at.index(p, i);
        if (!checkObject(errs, ap, a, API_KEY_FIELDS)) return;
        const np = at.field(ap, 'name');
        if (checkDnsLabel(errs, np, a.name)) {
          if (a.name.length > 40) errs.add(np, 'Too long', a.name, `may not be more than 40 characters (is ${a.name.length}): it names the Secret api-key-<name> and the PodDefault access-api-key-<name>`);
          const first = names.get(a.name);
          if (first !== undefined) {
            errs.add(np, 'Duplicate value', a.name, `already declared at credentials.apiKeys[${first}]; each API key needs its own name`);
            return;
          }
          names.set(a.name, i);
        }
        if (a.key !== undefined) checkKey(at.field(ap, 'key'), a.key);
        const env = a.env ?? (typeof a.name === 'string' ? defaultEnv(a.name) : undefined);
        if (a.env !== undefined && (typeof a.env !== 'string' || !ENV_NAME.test(a.env))) {
          errs.invalid(at.field(ap, 'env'), a.env, 'an environment variable name: upper-case letters, digits and "_", not starting with a digit, e.g. "OPENAI_API_KEY"');
        } else if (typeof env === 'string') {
          const first = envs.get(env);
          if (first !== undefined) errs.add(at.field(ap, 'env'), 'Duplicate value', env, `credentials.apiKeys[${first}] sets the same environment variable; set env on one of them`);
          else envs.set(env, i);
        }
      });
    }
  }

  if (c.refreshInterval !== undefined && (typeof c.refreshInterval !== 'string' || !GO_DURATION.test(c.refreshInterval))) {
    errs.invalid(at.field('credentials', 'refreshInterval'), c.refreshInterval, 'a Go duration such as "1h", "15m" or "1h30m"');
  }
}

function checkVaultKey(errs: ErrorList, path: string, v: unknown, prefix: string): void {
  if (typeof v !== 'string' || v.trim() === '') {
    errs.invalid(path, v, `must be a Vault key relative to ${prefix}/, e.g. "s3"`);
    return;
  }
  const absolute = v.startsWith('/');
  const body = trimSlashes(v);
  if (!VAULT_KEY.test(body) || body.split('/').some((s) => s === '.' || s === '..')) {
    errs.invalid(path, v, 'a Vault key is path segments of letters, digits, ".", "_" or "-" separated by "/", without "..", "*" or spaces, e.g. "s3" or "api-keys/openai"');
    return;
  }
  if (absolute && !body.startsWith(`${prefix}/`)) {
    errs.add(
      path,
      'Forbidden',
      v,
      `is outside this tenant's Vault prefix ${prefix}/; the tenant's Vault role can only read there. Store the secret under ${prefix}/ and write the key relative to it, e.g. "${body.split('/').pop()}"`,
    );
    return;
  }
  const root = prefix.split('/')[0]!;
  if (!absolute && (body === root || body.startsWith(`${root}/`))) {
    errs.invalid(path, v, `relative keys are already under ${prefix}/ (this would read ${prefix}/${body}); drop the "${root}/..." part, or write an absolute key starting with "/${prefix}/"`);
  }
}
