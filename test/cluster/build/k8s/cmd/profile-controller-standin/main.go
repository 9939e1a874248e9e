// Command profile-controller-standin is a small re-implementation of the Kubeflow Profile
// controller's reconcile loop, used by the cluster test tier ONLY because the real controller
// (github.com/kubeflow/kubeflow/components/profile-controller, or its successor in
// github.com/kubeflow/dashboard) is not served by the Go module proxy reachable here (403
// "This module version is not available" for every version and pseudo-version), and there is no
// other way to fetch its source on this machine. See test/cluster/README.md.
//
// It is written from the behaviour documented in the project's reference notes on the Profile
// controller (profile_controller.go of Kubeflow 1.8-1.10 / dashboard 2.0), not copied from it:
//
//   - Namespace <profile>: created with annotation owner=<spec.owner.name>, label
//     istio-injection=enabled, the labels of -namespace-labels-path, and a controller ownerRef.
//     An existing namespace is adopted only when its owner annotation equals spec.owner.name; then
//     only the default labels are merged (a key is added when absent, never overwritten; a key
//     with the empty value is removed; istio-injection is not among them) and no ownerReference is
//     set. Otherwise reconcile stops: it logs "namespace already exist, but not owned by profile
//     creator <owner>" and Updates the Profile with a Failed condition appended to its status,
//     which the API server ignores (status is a subresource); see refuseNamespace.
//   - AuthorizationPolicy ns-owner-access-istio (security.istio.io/v1beta1), annotations
//     user/role=admin; its spec is reverted on any difference.
//   - ServiceAccounts default-editor, default-viewer.
//   - RoleBindings namespaceAdmin (kubeflow-admin, subjects [spec.owner], annotations user/role),
//     default-editor (kubeflow-edit) and default-viewer (kubeflow-view) for the service
//     accounts; only roleRef and subjects are compared and reverted.
//   - ResourceQuota kf-resource-quota = spec.resourceQuotaSpec when hard is non-empty, deleted
//     when it is empty; only spec is compared.
//   - finalizer profile-finalizer on the Profile; removed on deletion (no plugins are supported).
//   - Metadata of existing children is never updated. Objects it did not create are never touched.
//   - The Profile is written back through typed structs (profileObj below, the shape of the
//     upstream v1 types): like upstream, every reconcile re-encodes it, so quantities come back in
//     resource.Quantity's canonical form ("8000m" -> "8", a number 2 -> "2") and an empty
//     "plugins: []" is dropped (omitempty). Upstream PUTs on every reconcile; a PUT that changes
//     nothing is a no-op in the API server, so this one PUTs only when the re-encoded object
//     differs, which is observably the same. The field manager is the default one (named after
//     the binary), as upstream's is.
//   - Owned objects are watched (Namespaces, RoleBindings, ServiceAccounts, AuthorizationPolicies;
//     not ResourceQuotas, as upstream's Owns() list has no ResourceQuota): an event on an object
//     whose controller ownerReference is a Profile requeues that Profile, so drift is reverted
//     within a second. A reconcile with nothing to change writes nothing.
//
// Every reconcile that finishes logs one line "reconciled profile=<name> rv=<resourceVersion>"
// so tests can wait for a resync.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"reflect"
	"strings"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/yaml"
)

const (
	authzPolicyIstio = "ns-owner-access-istio"
	kfQuota          = "kf-resource-quota"
	profileFinalizer = "profile-finalizer"
	defaultEditor    = "default-editor"
	defaultViewer    = "default-viewer"
)

var (
	profileGVR = schema.GroupVersionResource{Group: "kubeflow.org", Version: "v1", Resource: "profiles"}
	apGVR      = schema.GroupVersionResource{Group: "security.istio.io", Version: "v1beta1", Resource: "authorizationpolicies"}
)

// profileObj and the types below have the shape of upstream's kubeflow.org/v1 Profile types
// (profile_types.go): decoding into them and encoding again is what canonicalises quantities
// and drops empty lists, as the upstream controller's client does on every Update.
type profileObj struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              profileSpec   `json:"spec,omitempty"`
	Status            profileStatus `json:"status,omitempty"`
}

type profilePlugin struct {
	metav1.TypeMeta `json:",inline"`
	Spec            *runtime.RawExtension `json:"spec,omitempty"`
}

type profileSpec struct {
	Owner             rbacv1.Subject           `json:"owner,omitempty"`
	Plugins           []profilePlugin          `json:"plugins,omitempty"`
	ResourceQuotaSpec corev1.ResourceQuotaSpec `json:"resourceQuotaSpec,omitempty"`
}

type profileCondition struct {
	Type    string `json:"type,omitempty"`
	Status  string `json:"status,omitempty"`
	Message string `json:"message,omitempty"`
}

type profileStatus struct {
	Conditions []profileCondition `json:"conditions,omitempty"`
}

// typedRoundTrip returns u as it comes out of the typed Profile: decoded, then encoded again.
func typedRoundTrip(u *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	raw, err := json.Marshal(u.Object)
	if err != nil {
		return nil, err
	}
	var p profileObj
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, fmt.Errorf("decode into the typed Profile: %w", err)
	}
	out, err := json.Marshal(&p)
	if err != nil {
		return nil, err
	}
	// The unstructured scheme decodes integers as int64, as the dynamic client does.
	obj, err := runtime.Decode(unstructured.UnstructuredJSONScheme, out)
	if err != nil {
		return nil, err
	}
	return obj.(*unstructured.Unstructured), nil
}

// sameExceptStatus compares two Profiles as JSON, ignoring status (a subresource: Update ignores it).
func sameExceptStatus(a, b *unstructured.Unstructured) (bool, error) {
	enc := func(u *unstructured.Unstructured) ([]byte, error) {
		c := u.DeepCopy()
		delete(c.Object, "status")
		return json.Marshal(c.Object)
	}
	x, err := enc(a)
	if err != nil {
		return false, err
	}
	y, err := enc(b)
	if err != nil {
		return false, err
	}
	return bytes.Equal(x, y), nil
}

// profileOwner is the name of the Profile that controls obj, or "".
func profileOwner(obj interface{}) string {
	if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = t.Obj
	}
	m, ok := obj.(metav1.Object)
	if !ok {
		return ""
	}
	if ref := metav1.GetControllerOf(m); ref != nil && ref.Kind == "Profile" && strings.HasPrefix(ref.APIVersion, "kubeflow.org/") {
		return ref.Name
	}
	return ""
}

type reconciler struct {
	kube        kubernetes.Interface
	dyn         dynamic.Interface
	header      string
	prefix      string
	labelsPath  string
	ingressP    string
	kfpUIP      string
	notebookCtl string
}

func envDefault(k, d string) string {
	if v, ok := os.LookupEnv(k); ok {
		return v
	}
	return d
}

func main() {
	var r reconciler
	var resync time.Duration
	flag.StringVar(&r.header, "userid-header", "x-goog-authenticated-user-email", "user id header")
	flag.StringVar(&r.prefix, "userid-prefix", "accounts.google.com:", "user id prefix")
	flag.StringVar(&r.labelsPath, "namespace-labels-path", "", "default namespace labels file")
	flag.DurationVar(&resync, "resync-period", 10*time.Hour, "full resync period")
	flag.Parse()
	r.ingressP = envDefault("ISTIO_INGRESS_GATEWAY_PRINCIPAL", "cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account")
	r.kfpUIP = envDefault("KFP_UI_PRINCIPAL", "cluster.local/ns/kubeflow/sa/ml-pipeline-ui")
	r.notebookCtl = envDefault("NOTEBOOK_CONTROLLER_PRINCIPAL", "cluster.local/ns/kubeflow/sa/notebook-controller-service-account")

	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
		clientcmd.NewDefaultClientConfigLoadingRules(), &clientcmd.ConfigOverrides{}).ClientConfig()
	if err != nil {
		log.Fatalf("kubeconfig: %v", err)
	}
	cfg.QPS, cfg.Burst = 100, 200
	r.kube = kubernetes.NewForConfigOrDie(cfg)
	r.dyn = dynamic.NewForConfigOrDie(cfg)

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	q := workqueue.NewTypedRateLimitingQueue[string](workqueue.DefaultTypedControllerRateLimiter[string]())
	factory := dynamicinformer.NewDynamicSharedInformerFactory(r.dyn, resync)
	inf := factory.ForResource(profileGVR).Informer()
	enqueue := func(obj interface{}) {
		if u, ok := obj.(*unstructured.Unstructured); ok {
			q.Add(u.GetName())
		} else if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
			q.Add(strings.TrimPrefix(t.Key, "/"))
		}
	}
	_, _ = inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    enqueue,
		UpdateFunc: func(_, n interface{}) { enqueue(n) },
		DeleteFunc: enqueue,
	})
	// Owned objects: an event on one requeues its Profile (upstream: Owns(...) in SetupWithManager).
	enqueueOwner := func(obj interface{}) {
		if name := profileOwner(obj); name != "" {
			q.Add(name)
		}
	}
	ownedHandler := cache.ResourceEventHandlerFuncs{
		AddFunc:    enqueueOwner,
		UpdateFunc: func(_, n interface{}) { enqueueOwner(n) },
		DeleteFunc: enqueueOwner,
	}
	typed := informers.NewSharedInformerFactory(r.kube, resync)
	owned := []cache.SharedIndexInformer{
		typed.Core().V1().Namespaces().Informer(),
		typed.Core().V1().ServiceAccounts().Informer(),
		typed.Rbac().V1().RoleBindings().Informer(),
		factory.ForResource(apGVR).Informer(),
	}
	for _, i := range owned {
		_, _ = i.AddEventHandler(ownedHandler)
	}
	factory.Start(ctx.Done())
	typed.Start(ctx.Done())
	synced := []cache.InformerSynced{inf.HasSynced}
	for _, i := range owned {
		synced = append(synced, i.HasSynced)
	}
	if !cache.WaitForCacheSync(ctx.Done(), synced...) {
		log.Fatal("informers did not sync")
	}
	log.Printf("started userid-header=%q userid-prefix=%q namespace-labels-path=%q", r.header, r.prefix, r.labelsPath)

	go func() {
		<-ctx.Done()
		q.ShutDown()
	}()
	for {
		name, quit := q.Get()
		if quit {
			return
		}
		if err := r.reconcile(ctx, name); err != nil {
			log.Printf("reconcile profile=%s error: %v", name, err)
			q.AddRateLimited(name)
		} else {
			q.Forget(name)
		}
		q.Done(name)
	}
}

func (r *reconciler) defaultLabels() (map[string]string, error) {
	out := map[string]string{}
	if r.labelsPath == "" {
		return out, nil
	}
	b, err := os.ReadFile(r.labelsPath)
	if err != nil {
		return nil, err
	}
	if err := yaml.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("%s: %w", r.labelsPath, err)
	}
	return out, nil
}

// setNamespaceLabels adds absent keys, never overwrites, and removes keys whose default is "".
func setNamespaceLabels(ns *corev1.Namespace, defaults map[string]string) {
	if ns.Labels == nil {
		ns.Labels = map[string]string{}
	}
	for k, v := range defaults {
		if _, ok := ns.Labels[k]; !ok && v != "" {
			ns.Labels[k] = v
		} else if v == "" {
			delete(ns.Labels, k)
		}
	}
}

func (r *reconciler) reconcile(ctx context.Context, name string) error {
	u, err := r.dyn.Resource(profileGVR).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	} else if err != nil {
		return err
	}
	var owner rbacv1.Subject
	if m, ok, _ := unstructured.NestedMap(u.Object, "spec", "owner"); ok {
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(m, &owner); err != nil {
			return fmt.Errorf("spec.owner: %w", err)
		}
	}
	var quota corev1.ResourceQuotaSpec
	if m, ok, _ := unstructured.NestedMap(u.Object, "spec", "resourceQuotaSpec"); ok {
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(m, &quota); err != nil {
			return fmt.Errorf("spec.resourceQuotaSpec: %w", err)
		}
	}

	if u.GetDeletionTimestamp() != nil {
		return r.removeFinalizer(ctx, u)
	}

	ownerRef := metav1.OwnerReference{
		APIVersion: "kubeflow.org/v1", Kind: "Profile", Name: u.GetName(), UID: u.GetUID(),
		Controller: ptr(true), BlockOwnerDeletion: ptr(true),
	}
	ownerRefs := []metav1.OwnerReference{ownerRef}
	labels, err := r.defaultLabels()
	if err != nil {
		return err
	}

	// Namespace.
	ns, err := r.kube.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		ns = &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
			Name: name, Annotations: map[string]string{"owner": owner.Name},
			Labels: map[string]string{"istio-injection": "enabled"}, OwnerReferences: ownerRefs}}
		setNamespaceLabels(ns, labels)
		if _, err := r.kube.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("create namespace: %w", err)
		}
		log.Printf("created namespace %s", name)
	case err != nil:
		return err
	default:
		if ns.Annotations["owner"] != owner.Name {
			log.Printf("profile=%s: namespace already exist, but not owned by profile creator %s", name, owner.Name)
			return r.refuseNamespace(ctx, u, owner.Name)
		}
		before := ns.DeepCopy()
		setNamespaceLabels(ns, labels)
		if !reflect.DeepEqual(before.Labels, ns.Labels) {
			if _, err := r.kube.CoreV1().Namespaces().Update(ctx, ns, metav1.UpdateOptions{}); err != nil {
				return fmt.Errorf("update namespace labels: %w", err)
			}
			log.Printf("updated labels of namespace %s", name)
		}
	}

	// Owner AuthorizationPolicy.
	if err := r.ensureAuthorizationPolicy(ctx, name, owner, ownerRefs); err != nil {
		return err
	}

	// Service accounts.
	for _, sa := range []string{defaultEditor, defaultViewer} {
		_, err := r.kube.CoreV1().ServiceAccounts(name).Get(ctx, sa, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			obj := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: sa, Namespace: name, OwnerReferences: ownerRefs}}
			if _, err := r.kube.CoreV1().ServiceAccounts(name).Create(ctx, obj, metav1.CreateOptions{}); err != nil {
				return fmt.Errorf("create serviceaccount %s: %w", sa, err)
			}
			log.Printf("created serviceaccount %s/%s", name, sa)
		} else if err != nil {
			return err
		}
	}

	// Role bindings.
	bindings := []*rbacv1.RoleBinding{
		{
			ObjectMeta: metav1.ObjectMeta{Name: "namespaceAdmin", Namespace: name, OwnerReferences: ownerRefs,
				Annotations: map[string]string{"user": owner.Name, "role": "admin"}},
			RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "kubeflow-admin"},
			Subjects: []rbacv1.Subject{owner},
		},
		{
			ObjectMeta: metav1.ObjectMeta{Name: defaultEditor, Namespace: name, OwnerReferences: ownerRefs},
			RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "kubeflow-edit"},
			Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: defaultEditor, Namespace: name}},
		},
		{
			ObjectMeta: metav1.ObjectMeta{Name: defaultViewer, Namespace: name, OwnerReferences: ownerRefs},
			RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "kubeflow-view"},
			Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: defaultViewer, Namespace: name}},
		},
	}
	for _, want := range bindings {
		got, err := r.kube.RbacV1().RoleBindings(name).Get(ctx, want.Name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			if _, err := r.kube.RbacV1().RoleBindings(name).Create(ctx, want, metav1.CreateOptions{}); err != nil {
				return fmt.Errorf("create rolebinding %s: %w", want.Name, err)
			}
			log.Printf("created rolebinding %s/%s", name, want.Name)
			continue
		} else if err != nil {
			return err
		}
		if !reflect.DeepEqual(got.RoleRef, want.RoleRef) || !reflect.DeepEqual(got.Subjects, want.Subjects) {
			got.RoleRef, got.Subjects = want.RoleRef, want.Subjects
			if _, err := r.kube.RbacV1().RoleBindings(name).Update(ctx, got, metav1.UpdateOptions{}); err != nil {
				return fmt.Errorf("update rolebinding %s: %w", want.Name, err)
			}
			log.Printf("reverted rolebinding %s/%s", name, want.Name)
		}
	}

	// Resource quota.
	rq, err := r.kube.CoreV1().ResourceQuotas(name).Get(ctx, kfQuota, metav1.GetOptions{})
	switch {
	case len(quota.Hard) == 0:
		if err == nil {
			if err := r.kube.CoreV1().ResourceQuotas(name).Delete(ctx, kfQuota, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
				return err
			}
			log.Printf("deleted resourcequota %s/%s", name, kfQuota)
		}
	case apierrors.IsNotFound(err):
		obj := &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: kfQuota, Namespace: name, OwnerReferences: ownerRefs}, Spec: quota}
		if _, err := r.kube.CoreV1().ResourceQuotas(name).Create(ctx, obj, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("create resourcequota: %w", err)
		}
		log.Printf("created resourcequota %s/%s", name, kfQuota)
	case err != nil:
		return err
	default:
		if !equality.Semantic.DeepEqual(rq.Spec, quota) {
			rq.Spec = quota
			if _, err := r.kube.CoreV1().ResourceQuotas(name).Update(ctx, rq, metav1.UpdateOptions{}); err != nil {
				return fmt.Errorf("update resourcequota: %w", err)
			}
			log.Printf("updated resourcequota %s/%s", name, kfQuota)
		}
	}

	// The Profile itself, written back through the typed structs, with the finalizer.
	want, err := typedRoundTrip(u)
	if err != nil {
		return err
	}
	if !contains(want.GetFinalizers(), profileFinalizer) {
		want.SetFinalizers(append(want.GetFinalizers(), profileFinalizer))
	}
	if same, err := sameExceptStatus(u, want); err != nil {
		return err
	} else if !same {
		specChanged := !equality.Semantic.DeepEqual(u.Object["spec"], want.Object["spec"])
		if u, err = r.dyn.Resource(profileGVR).Update(ctx, want, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("update profile: %w", err)
		}
		if specChanged {
			log.Printf("rewrote profile=%s spec through the typed Profile", name)
		}
	}
	log.Printf("reconciled profile=%s rv=%s", name, u.GetResourceVersion())
	return nil
}

// refuseNamespace is upstream's appendErrorConditionAndReturn: a Failed condition appended to the
// typed Profile's status, then an Update of the Profile itself (not of its status subresource),
// and no requeue. The Profile CRD serves status as a subresource, so the API server ignores the
// condition on that Update: what is observable is the typed round trip of the rest, as on every
// reconcile, and no finalizer (it is added only at the end of a reconcile that gets that far).
func (r *reconciler) refuseNamespace(ctx context.Context, u *unstructured.Unstructured, owner string) error {
	want, err := typedRoundTrip(u)
	if err != nil {
		return err
	}
	conds, _, _ := unstructured.NestedSlice(want.Object, "status", "conditions")
	conds = append(conds, map[string]interface{}{"type": "Failed", "message": "namespace already exist, but not owned by profile creator " + owner})
	if err := unstructured.SetNestedSlice(want.Object, conds, "status", "conditions"); err != nil {
		return err
	}
	if _, err := r.dyn.Resource(profileGVR).Update(ctx, want, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("update profile: %w", err)
	}
	return nil
}

func (r *reconciler) ensureAuthorizationPolicy(ctx context.Context, ns string, owner rbacv1.Subject, refs []metav1.OwnerReference) error {
	specJSON := fmt.Sprintf(`{
  "action": "ALLOW",
  "rules": [
    {"from": [{"source": {"principals": [%q, %q]}}],
     "when": [{"key": %q, "values": [%q]}]},
    {"when": [{"key": "source.namespace", "values": [%q]}]},
    {"to": [{"operation": {"paths": ["/healthz", "/metrics", "/wait-for-drain"]}}]},
    {"from": [{"source": {"principals": [%q]}}],
     "to": [{"operation": {"methods": ["GET"], "paths": ["*/api/kernels"]}}]}
  ]}`, r.ingressP, r.kfpUIP, "request.headers["+r.header+"]", r.prefix+owner.Name, ns, r.notebookCtl)
	var spec map[string]interface{}
	if err := json.Unmarshal([]byte(specJSON), &spec); err != nil {
		return err
	}
	client := r.dyn.Resource(apGVR).Namespace(ns)
	got, err := client.Get(ctx, authzPolicyIstio, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		obj := &unstructured.Unstructured{Object: map[string]interface{}{
			"apiVersion": "security.istio.io/v1beta1", "kind": "AuthorizationPolicy",
			"metadata": map[string]interface{}{"name": authzPolicyIstio, "namespace": ns},
			"spec":     spec,
		}}
		obj.SetAnnotations(map[string]string{"user": owner.Name, "role": "admin"})
		obj.SetOwnerReferences(refs)
		if _, err := client.Create(ctx, obj, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("create authorizationpolicy: %w", err)
		}
		log.Printf("created authorizationpolicy %s/%s", ns, authzPolicyIstio)
		return nil
	} else if err != nil {
		return err
	}
	if !reflect.DeepEqual(got.Object["spec"], spec) {
		got.Object["spec"] = spec
		if _, err := client.Update(ctx, got, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("update authorizationpolicy: %w", err)
		}
		log.Printf("reverted authorizationpolicy %s/%s", ns, authzPolicyIstio)
	}
	return nil
}

func (r *reconciler) removeFinalizer(ctx context.Context, u *unstructured.Unstructured) error {
	if !contains(u.GetFinalizers(), profileFinalizer) {
		return nil
	}
	var keep []string
	for _, f := range u.GetFinalizers() {
		if f != profileFinalizer {
			keep = append(keep, f)
		}
	}
	u.SetFinalizers(keep)
	_, err := r.dyn.Resource(profileGVR).Update(ctx, u, metav1.UpdateOptions{})
	return err
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func ptr[T any](v T) *T { return &v }
