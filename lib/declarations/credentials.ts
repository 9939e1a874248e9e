/** Credentials as a tenant file declares them. Defaults, checks and objects: lib/secrets.ts. */

/** S3 access keys for the artifact bucket; Vault entry with properties `access_key`, `secret_key`. */
export interface S3CredentialSpec {
  /** Vault key, relative to the tenant's prefix (or absolute under it, starting with "/"). @default 's3' */
  readonly key?: string;
}

/** Pull secret of the tenant's registry robot account; Vault entry with `username`, `password`. */
export interface RegistryCredentialSpec {
  /** @default 'registry' */
  readonly key?: string;
  /** Registry host (and port). @default the platform's `credentials.registryServer` */
  readonly server?: string;
}

/** Git credentials for notebooks; Vault entry with `username`, `token`. */
export interface GitCredentialSpec {
  /** @default 'git' */
  readonly key?: string;
  /** Host the credentials are for. @default the platform's `credentials.gitHost` */
  readonly host?: string;
}

/** A named upstream API key; Vault entry with property `api_key`. */
export interface ApiKeySpec {
  /** Short name (DNS label, at most 40 characters): `openai` gives Secret `api-key-openai`. */
  readonly name: string;
  /** @default 'api-keys/<name>' */
  readonly key?: string;
  /** Environment variable the PodDefault sets. @default `<NAME>_API_KEY` (e.g. OPENAI_API_KEY) */
  readonly env?: string;
}

/** Which credentials the tenant gets from Vault. */
export interface CredentialsSpec {
  /** S3 keys: Secrets `mlpipeline-minio-artifact` (for Kubeflow Pipelines) and `s3-credentials`. @default none */
  readonly s3?: boolean | S3CredentialSpec;
  /** Registry pull secret `registry-credentials` (kubernetes.io/dockerconfigjson). @default none */
  readonly registry?: boolean | RegistryCredentialSpec;
  /** Git credentials `git-credentials` for notebooks. @default none */
  readonly git?: boolean | GitCredentialSpec;
  /** Upstream API keys, one Secret `api-key-<name>` each. @default none */
  readonly apiKeys?: readonly ApiKeySpec[];
  /** How often values are re-read from Vault (Go duration). @default the platform's `credentials.refreshInterval` */
  readonly refreshInterval?: string;
}

/**
 * Whether the tenant declares S3 credentials (and so has an S3 key and a bucket policy).
 * Here, not in secrets.ts, because grants.ts needs it and secrets.ts imports grants.ts.
 */
export const hasS3 = (spec: { readonly credentials?: CredentialsSpec }): boolean => spec.credentials?.s3 !== undefined && spec.credentials.s3 !== false;
