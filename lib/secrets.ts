/**
 * Credentials per tenant, from Vault through External Secrets: a `SecretStore` that logs in to
 * Vault as the tenant (Kubernetes auth, role = tenant name, ServiceAccount `default-editor`), one
 * `ExternalSecret` per credential, and `PodDefault`s so a notebook opts into each credential from
 * the notebook form. Nobody runs `kubectl create secret`, and no secret value is ever in the repo.
 *
 * Every remote key lives under the tenant's own Vault prefix (`<vault.pathPrefix>/<tenant>/`). The
 * platform team applies two policies from `dist/policies/<tenant>/` (outside Argo CD's path) with
 * its own tooling: the Vault policy confining the tenant's role to that prefix, and the S3 policy
 * confining the tenant's key to `<bucket>/<tenant>/*` plus prefixes other tenants granted it.
 */
import { Construct } from 'constructs';
import {
  ExternalSecret,
  ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetCreationPolicy,
  ExternalSecretSpecTargetDeletionPolicy,
  ExternalSecretSpecTargetTemplateEngineVersion,
  SecretStore,
  SecretStoreSpecProviderVaultVersion,
} from '../imports/external-secrets.io';
import type { PodDefaultSpec } from '../imports/kubeflow.org';
import { PodDefault } from '../imports/kubeflow.org';
import { incomingArtifactGrants } from './grants';
import { objectMeta } from './meta';
import type { ApiKeySpec, CredentialsSpec, GitCredentialSpec, RegistryCredentialSpec, S3CredentialSpec } from './declarations/credentials';
import { hasS3 } from './declarations/credentials';
import { PROFILE_CONTROLLER } from './declarations/kubeflow';
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

/** Name of the per-tenant SecretStore. */
export const SECRET_STORE_NAME = 'vault';
/** The ServiceAccount the SecretStore logs in to Vault as (created by the Profile controller). */
export const VAULT_SERVICE_ACCOUNT = PROFILE_CONTROLLER.editorServiceAccount;
/** Names of the emitted Secrets. */
export const SECRET_NAMES = {
  kfpArtifact: 'mlpipeline-minio-artifact',
  s3: 's3-credentials',
  registry: 'registry-credentials',
  git: 'git-credentials',
  apiKey: (name: string): string => `api-key-${name}`,
} as const;
/** Where the access-git PodDefault mounts the git credential store. */
export const GIT_MOUNT_PATH = '/var/run/secrets/kubeflow-tenants/git';

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

/** Props of {@link Credentials}. */
export interface CredentialsProps {
  /** Tenant name = namespace = Vault role. */
  readonly tenant: string;
  readonly credentials: ResolvedCredentials;
  readonly platform: PlatformSettings;
  /** Labels of every object. @default none */
  readonly labels?: Record<string, string>;
}

/** SecretStore, ExternalSecrets and PodDefaults of one tenant. */
export class Credentials extends Construct {
  constructor(scope: Construct, id: string, props: CredentialsProps) {
    super(scope, id);
    const { tenant: ns, credentials: c, platform } = props;
    const meta = (name: string) => objectMeta(name, ns, props.labels);
    const { vault } = platform;

    new SecretStore(this, 'SecretStore', {
      metadata: meta(SECRET_STORE_NAME),
      spec: {
        provider: {
          vault: {
            server: vault.address,
            // The KV mount only; ESO adds `/data` for v2 itself.
            path: vault.mount,
            version: vault.kvVersion === 'v1' ? SecretStoreSpecProviderVaultVersion.V1 : SecretStoreSpecProviderVaultVersion.V2,
            auth: {
              kubernetes: {
                mountPath: vault.authMountPath,
                role: ns,
                serviceAccountRef: { name: VAULT_SERVICE_ACCOUNT },
              },
            },
          },
        },
      },
    });

    const externalSecret = (
      name: string,
      data: { secretKey: string; key: string; property: string }[],
      template?: { type?: string; data?: Record<string, string> },
    ): void => {
      new ExternalSecret(this, `es-${name}`, {
        metadata: meta(name),
        spec: {
          refreshInterval: c.refreshInterval,
          secretStoreRef: { kind: ExternalSecretSpecSecretStoreRefKind.SECRET_STORE, name: SECRET_STORE_NAME },
          target: {
            name,
            // Owner: the Secret is garbage-collected with its ExternalSecret, and ESO refuses to
            // take over a Secret someone created by hand.
            creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
            deletionPolicy: ExternalSecretSpecTargetDeletionPolicy.RETAIN,
            ...(template
              ? {
                  template: {
                    engineVersion: ExternalSecretSpecTargetTemplateEngineVersion.V2,
                    ...(template.type ? { type: template.type } : {}),
                    ...(template.data ? { data: template.data } : {}),
                  },
                }
              : {}),
          },
          data: data.map((d) => ({ secretKey: d.secretKey, remoteRef: { key: d.key, property: d.property } })),
        },
      });
    };

    const podDefault = (name: string, spec: Omit<PodDefaultSpec, 'selector'>): void => {
      new PodDefault(this, `pd-${name}`, { metadata: meta(name), spec: { ...spec, selector: { matchLabels: { [name]: 'true' } } } });
    };
    const secretEnv = (env: string, secret: string, key: string) => ({ name: env, valueFrom: { secretKeyRef: { name: secret, key } } });

    if (c.s3) {
      // The Secret Kubeflow Pipelines reads (keys `accesskey`/`secretkey`), and the same keys under
      // the names every S3 SDK reads from the environment.
      externalSecret(SECRET_NAMES.kfpArtifact, [
        { secretKey: 'accesskey', key: c.s3.key, property: 'access_key' },
        { secretKey: 'secretkey', key: c.s3.key, property: 'secret_key' },
      ]);
      externalSecret(SECRET_NAMES.s3, [
        { secretKey: 'AWS_ACCESS_KEY_ID', key: c.s3.key, property: 'access_key' },
        { secretKey: 'AWS_SECRET_ACCESS_KEY', key: c.s3.key, property: 'secret_key' },
      ]);
      const root = `s3://${platform.objectStore.bucket}/${tenantBucketPrefix(ns, platform)}/`;
      podDefault('access-s3', {
        desc: `Artifact bucket (S3 keys for ${root})`,
        env: [
          { name: 'ARTIFACT_ROOT', value: root },
          { name: 'AWS_ENDPOINT_URL', value: platform.objectStore.endpoint },
          { name: 'AWS_REGION', value: platform.objectStore.region },
          secretEnv('AWS_ACCESS_KEY_ID', SECRET_NAMES.s3, 'AWS_ACCESS_KEY_ID'),
          secretEnv('AWS_SECRET_ACCESS_KEY', SECRET_NAMES.s3, 'AWS_SECRET_ACCESS_KEY'),
        ],
      });
    }

    if (c.registry) {
      const auths = `{"auths":{${JSON.stringify(c.registry.server)}:{"username":"{{ .username }}","password":"{{ .password }}","auth":"{{ printf "%s:%s" .username .password | b64enc }}"}}}`;
      externalSecret(
        SECRET_NAMES.registry,
        [
          { secretKey: 'username', key: c.registry.key, property: 'username' },
          { secretKey: 'password', key: c.registry.key, property: 'password' },
        ],
        { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': auths } },
      );
      podDefault('access-registry', {
        desc: `Pull images from ${c.registry.server} (team robot account)`,
        imagePullSecrets: [{ name: SECRET_NAMES.registry }],
      });
    }

    if (c.git) {
      externalSecret(
        SECRET_NAMES.git,
        [
          { secretKey: 'username', key: c.git.key, property: 'username' },
          { secretKey: 'token', key: c.git.key, property: 'token' },
        ],
        // A git credential store file, so `git clone https://<host>/...` works without prompts.
        { data: { username: '{{ .username }}', token: '{{ .token }}', '.git-credentials': `https://{{ .username }}:{{ .token }}@${c.git.host}\n` } },
      );
      podDefault('access-git', {
        desc: `Git credentials for ${c.git.host}`,
        // GIT_CONFIG_COUNT/KEY/VALUE (git >= 2.31) configure the helper without touching $HOME,
        // which is the notebook's workspace volume.
        env: [
          { name: 'GIT_CONFIG_COUNT', value: '1' },
          { name: 'GIT_CONFIG_KEY_0', value: 'credential.helper' },
          { name: 'GIT_CONFIG_VALUE_0', value: `store --file=${GIT_MOUNT_PATH}/.git-credentials` },
        ],
        volumes: [{ name: 'git-credentials', secret: { secretName: SECRET_NAMES.git, defaultMode: 0o440 } }],
        volumeMounts: [{ name: 'git-credentials', mountPath: GIT_MOUNT_PATH, readOnly: true }],
      });
    }

    for (const a of c.apiKeys) {
      const secret = SECRET_NAMES.apiKey(a.name);
      externalSecret(secret, [{ secretKey: 'api-key', key: a.key, property: 'api_key' }]);
      podDefault(`access-${secret}`, { desc: `${a.name} API key (${a.env})`, env: [secretEnv(a.env, secret, 'api-key')] });
    }
  }
}

/** Name of the tenant's Vault policy. */
export const vaultPolicyName = (tenant: string): string => `tenant-${tenant}`;

/**
 * The Vault policy (HCL) that confines the tenant's Kubernetes-auth role to its prefix: read of
 * its secrets, listing of its own metadata, nothing else. KV v2 splits data and metadata paths.
 */
export function renderVaultPolicy(tenant: string, platform: PlatformSettings): string {
  const { vault } = platform;
  const mount = trimSlashes(vault.mount);
  const prefix = tenantVaultPrefix(tenant, platform);
  const paths: [string, string[]][] =
    vault.kvVersion === 'v2'
      ? [
          [`${mount}/data/${prefix}/*`, ['read']],
          [`${mount}/metadata/${prefix}/*`, ['list', 'read']],
        ]
      : [[`${mount}/${prefix}/*`, ['list', 'read']]];
  const header = [
    `# Vault policy ${vaultPolicyName(tenant)}: tenant "${tenant}" reads its own secrets under ${mount}/${prefix}/ and nothing else.`,
    '# Generated by kubeflow-tenants; applied by the platform team, not by Argo CD:',
    `#   vault policy write ${vaultPolicyName(tenant)} vault-policy.hcl`,
    `#   vault write auth/${trimSlashes(vault.authMountPath)}/role/${tenant} \\`,
    `#     bound_service_account_names=${VAULT_SERVICE_ACCOUNT} bound_service_account_namespaces=${tenant} \\`,
    `#     policies=${vaultPolicyName(tenant)} ttl=1h`,
  ];
  const body = paths.map(([p, caps]) => `path "${p}" {\n  capabilities = [${caps.map((x) => `"${x}"`).join(', ')}]\n}`);
  return `${header.join('\n')}\n\n${body.join('\n\n')}\n`;
}

/** An IAM policy document as written to bucket-policy.json. */
export interface IamPolicy {
  readonly Version: '2012-10-17';
  readonly Statement: readonly {
    readonly Sid: string;
    readonly Effect: 'Allow';
    readonly Action: readonly string[];
    readonly Resource: readonly string[];
    readonly Condition?: { readonly StringLike: { readonly 's3:prefix': readonly string[] } };
  }[];
}

const pascal = (s: string): string => s.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');

/**
 * The S3 policy of the tenant's key: read-write on `<bucket>/<tenant>/*`, read-only on every
 * artifact prefix another tenant granted it (`<bucket>/<granter>/<prefix>/*`), listing limited to
 * the same prefixes (areas follow the platform's `objectStore.tenantPrefix`). An IAM policy document without Principal: attach it to the tenant's key
 * (`mc admin policy create`, `aws iam put-user-policy`).
 */
export function bucketPolicy(tenant: string, specs: readonly TenantSpec[], platform: PlatformSettings): IamPolicy {
  const bucket = platform.objectStore.bucket;
  const arn = `arn:aws:s3:::${bucket}`;
  const own = tenantBucketPrefix(tenant, platform);
  const statements: IamPolicy['Statement'][number][] = [
    { Sid: 'BucketLocation', Effect: 'Allow', Action: ['s3:GetBucketLocation'], Resource: [arn] },
    { Sid: 'ListOwnPrefix', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [arn], Condition: { StringLike: { 's3:prefix': [`${own}/*`] } } },
    {
      Sid: 'ReadWriteOwnPrefix',
      Effect: 'Allow',
      Action: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'],
      Resource: [`${arn}/${own}/*`],
    },
  ];
  const byGranter = new Map<string, string[]>();
  for (const g of incomingArtifactGrants(tenant, specs)) byGranter.set(g.from, [...(byGranter.get(g.from) ?? []), `${tenantBucketPrefix(g.from, platform)}/${g.prefix}`]);
  const sids = new Set<string>();
  for (const [from, prefixes] of byGranter) {
    let sid = pascal(from);
    for (let n = 2; sids.has(sid); n++) sid = `${pascal(from)}${n}`;
    sids.add(sid);
    statements.push({ Sid: `ListGrantedBy${sid}`, Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [arn], Condition: { StringLike: { 's3:prefix': prefixes.map((p) => `${p}/*`) } } });
    statements.push({ Sid: `ReadGrantedBy${sid}`, Effect: 'Allow', Action: ['s3:GetObject'], Resource: prefixes.map((p) => `${arn}/${p}/*`) });
  }
  return { Version: '2012-10-17', Statement: statements };
}

/**
 * Files outside Argo CD's path that the platform team applies with its own tooling, by path
 * relative to `dist/`: `policies/<tenant>/vault-policy.hcl` for a tenant with credentials and
 * `policies/<tenant>/bucket-policy.json` for a tenant with an S3 key; none for a decommissioned
 * tenant. Sorted by path.
 */
export function policyFiles(spec: TenantSpec, specs: readonly TenantSpec[], platform: PlatformSettings): Map<string, string> {
  const out = new Map<string, string>();
  // Decommissioning revokes the tenant's Vault role and S3 key: the removed files tell the platform team.
  if (!spec.credentials || spec.decommissioned === true) return out;
  const dir = `policies/${spec.name}`;
  if (hasS3(spec)) out.set(`${dir}/bucket-policy.json`, `${JSON.stringify(bucketPolicy(spec.name, specs, platform), null, 2)}\n`);
  out.set(`${dir}/vault-policy.hcl`, renderVaultPolicy(spec.name, platform));
  return out;
}
