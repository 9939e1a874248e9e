/**
 * Credentials per tenant, from Vault through External Secrets: a `SecretStore` that logs in to
 * Vault as the tenant (Kubernetes auth, role = tenant name, ServiceAccount `default-editor`), one
 * `ExternalSecret` per credential, and `PodDefault`s so a notebook opts into each credential from
 * the notebook form. Nobody runs `kubectl create secret`, and no secret value is ever in the repo.
 * The policies confining the tenant's Vault role and S3 key are platform files
 * (lib/constructs/platform-files.ts).
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
} from '../../imports/external-secrets.io';
import type { PodDefaultSpec } from '../../imports/kubeflow.org';
import { PodDefault } from '../../imports/kubeflow.org';
import type { PlatformSettings } from '../declarations/platform';
import { objectMeta } from '../meta';
import { GIT_MOUNT_PATH, SECRET_NAMES, SECRET_STORE_NAME, VAULT_SERVICE_ACCOUNT } from '../model/names';
import type { ResolvedCredentials } from '../model/tenant';

/** Props of {@link Credentials}. */
export interface CredentialsProps {
  /** Tenant name = namespace = Vault role. */
  readonly tenant: string;
  readonly credentials: ResolvedCredentials;
  /** The tenant's area of the bucket (the model's `bucketPrefix`). */
  readonly bucketPrefix: string;
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
      const root = `s3://${platform.objectStore.bucket}/${props.bucketPrefix}/`;
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
