-- Argo CD health check for kubeflow.org/Profile (Argo CD has none built in).
--
-- Without it a Profile is "healthy" the moment it is stored, so sync wave -10 does not wait for
-- the namespace and the wave-0 objects (LimitRange, RoleBindings, policies) fail with "namespace
-- not found" until a retry. The Profile controller adds its finalizer "profile-finalizer" only at
-- the end of a successful reconcile, after it created the namespace, the owner's RoleBinding, the
-- ServiceAccounts and the quota: so the finalizer means "namespace ready". status.conditions is
-- not reliable (the controller writes it with Update while the CRD has a status subresource), so
-- it is only used to report a failure when it is there.
--
-- Install: docs/argocd-cm-profile-health.yaml (key resource.customizations.health.kubeflow.org_Profile).
local hs = {}
local name = "the namespace"
if obj.metadata ~= nil and obj.metadata.name ~= nil then
  name = "namespace " .. obj.metadata.name
end

if obj.metadata ~= nil and obj.metadata.deletionTimestamp ~= nil then
  hs.status = "Progressing"
  hs.message = "Profile is being deleted; " .. name .. " and everything in it are deleted with it"
  return hs
end

if obj.metadata ~= nil and obj.metadata.finalizers ~= nil then
  for _, f in ipairs(obj.metadata.finalizers) do
    if f == "profile-finalizer" then
      hs.status = "Healthy"
      hs.message = "reconciled by the Profile controller; " .. name .. " exists"
      return hs
    end
  end
end

if obj.status ~= nil and obj.status.conditions ~= nil then
  local last = nil
  for _, c in ipairs(obj.status.conditions) do
    last = c
  end
  if last ~= nil and last.type == "Failed" then
    hs.status = "Degraded"
    hs.message = last.message or "the Profile controller reported a failure"
    return hs
  end
end

hs.status = "Progressing"
hs.message = "waiting for the Kubeflow Profile controller to create " .. name
return hs
