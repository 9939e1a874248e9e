#!/usr/bin/env bash
# Regenerates imports/ from the vendored CRDs and OpenAPI files, offline (no upgrade check, no network).
# One CRD file per API group (see crds/SOURCES.md), imported one at a time; built-in kinds that
# cdk8s-plus-28 lacks (admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy) from the vendored
# Kubernetes 1.33 OpenAPI (schemas/k8s-v1.33/SOURCES.md) with cdk8s's own k8s importer code.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf imports
for f in kubeflow.org security.istio.io external-secrets.io argoproj.io policies.kyverno.io kueue.x-k8s.io; do
  npx cdk8s --no-check-upgrade import --language typescript --output imports "crds/$f.yaml" >/dev/null
done
npx tsx scripts/import-k8s-openapi.ts schemas/k8s-v1.33/apis__admissionregistration.k8s.io__v1_openapi.json \
  admissionregistration.k8s.io imports/admissionregistration.k8s.io.ts >/dev/null
ls imports
