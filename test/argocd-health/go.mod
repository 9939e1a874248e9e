// Harness running the Argo CD Profile health check with gopher-lua, the Lua VM Argo CD embeds.
module kubeflow-tenants/test/argocd-health

go 1.22

require github.com/yuin/gopher-lua v1.1.1
