#!/usr/bin/env bash
# Regenerates imports/ from the vendored CRDs, offline (no upgrade check, no network).
# One CRD file per API group (see crds/SOURCES.md), imported one at a time.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf imports
for f in kubeflow.org security.istio.io external-secrets.io argoproj.io kyverno.io kueue.x-k8s.io; do
  npx cdk8s --no-check-upgrade import --language typescript --output imports "crds/$f.yaml" >/dev/null
done
ls imports
