/**
 * MultiKueue manager objects of a home cluster, rendered from lib/model/multikueue.ts
 * (docs/fleet.md "Bursting with MultiKueue"), in the cluster bundle: per tenant that bursts an
 * AdmissionCheck (controller `kueue.x-k8s.io/multikueue`) naming its MultiKueueConfig (its
 * workers); per worker a MultiKueueCluster whose kubeconfig Secret, in Kueue's namespace, is
 * written by a platform ExternalSecret through the platform's ClusterSecretStore. The kubeconfig
 * never appears in the repository and never passes through a tenant's SecretStore.
 */
import { Construct } from 'constructs';
import {
  ExternalSecret,
  ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetCreationPolicy,
  ExternalSecretSpecTargetDeletionPolicy,
} from '../../imports/external-secrets.io';
import { AdmissionCheckV1Beta2, MultiKueueClusterV1Beta2, MultiKueueClusterV1Beta2SpecClusterSourceKubeConfigLocationType, MultiKueueConfigV1Beta2 } from '../../imports/kueue.x-k8s.io';
import { objectMeta, TENANT_LABEL } from '../meta';
import type { MultiKueueModel } from '../model/multikueue';
import { SYNC_WAVE_ANNOTATION } from './argocd';

/** Props of {@link MultiKueueManager}. */
export interface MultiKueueManagerProps {
  /** The manager objects (lib/model/kueue.ts `KueueModel.multiKueue`). */
  readonly model: MultiKueueModel;
  /** Labels of every object (the cluster bundle's). */
  readonly labels: Record<string, string>;
}

/** AdmissionChecks, MultiKueueConfigs, MultiKueueClusters and the kubeconfig ExternalSecrets of one home cluster. */
export class MultiKueueManager extends Construct {
  constructor(scope: Construct, id: string, props: MultiKueueManagerProps) {
    super(scope, id);
    const { model, labels } = props;
    // Secrets first, then the clusters reading them, then configs and checks, all before the
    // burst ClusterQueues (wave 0) that list the checks: a queue whose check is missing is inactive.
    const wave = (n: number): Record<string, string> => ({ [SYNC_WAVE_ANNOTATION]: String(n) });
    for (const c of model.clusters) {
      new ExternalSecret(this, `es-${c.name}`, {
        metadata: objectMeta(c.secret, model.namespace, { ...labels, 'kubeflow-tenants/multikueue-worker': c.worker }, wave(-4)),
        spec: {
          secretStoreRef: { kind: ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE, name: model.secretStore },
          target: {
            name: c.secret,
            // Owner: the Secret goes with its ExternalSecret, and ESO refuses to take over a Secret made by hand.
            creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
            deletionPolicy: ExternalSecretSpecTargetDeletionPolicy.RETAIN,
          },
          data: [{ secretKey: 'kubeconfig', remoteRef: { key: c.vaultKey, property: c.vaultProperty } }],
        },
      });
      new MultiKueueClusterV1Beta2(this, `cluster-${c.name}`, {
        metadata: objectMeta(c.name, undefined, { ...labels, 'kubeflow-tenants/multikueue-worker': c.worker }, wave(-3)),
        spec: { clusterSource: { kubeConfig: { locationType: MultiKueueClusterV1Beta2SpecClusterSourceKubeConfigLocationType.SECRET, location: c.secret } } },
      });
    }
    for (const c of model.configs) {
      new MultiKueueConfigV1Beta2(this, `config-${c.name}`, {
        metadata: objectMeta(c.name, undefined, { ...labels, [TENANT_LABEL]: c.tenant }, wave(-2)),
        spec: { clusters: [...c.clusters] },
      });
    }
    for (const a of model.admissionChecks) {
      new AdmissionCheckV1Beta2(this, `check-${a.name}`, {
        metadata: objectMeta(a.name, undefined, { ...labels, [TENANT_LABEL]: a.tenant }, wave(-2)),
        spec: { controllerName: a.controllerName, parameters: { apiGroup: 'kueue.x-k8s.io', kind: 'MultiKueueConfig', name: a.config } },
      });
    }
  }
}
