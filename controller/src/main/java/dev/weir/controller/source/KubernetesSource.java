package dev.weir.controller.source;

import dev.weir.controller.crd.BackendPolicy;
import dev.weir.controller.crd.FilterExtension;
import dev.weir.controller.crd.TrafficPolicy;
import dev.weir.controller.translate.ObjectRef;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the Kubernetes API with fabric8 shared informers: IngressClasses, Ingresses
 * (networking.k8s.io/v1), Services, EndpointSlices (discovery.k8s.io/v1), Secrets of type {@code
 * kubernetes.io/tls} and Secrets labelled {@code weir.dev/jwks=true} (see {@link ConfigMaps}),
 * Namespaces (for the labels listeners select routes' namespaces by; only the watched one when
 * watching one namespace), ConfigMaps with a {@code ca.crt} key (CA bundles for BackendTLSPolicy)
 * or a JWKS, plus the Gateway API kinds (GatewayClass, Gateway, HTTPRoute, GRPCRoute,
 * ReferenceGrant, BackendTLSPolicy, all gateway.networking.k8s.io/v1) and Weir's policies
 * (BackendPolicy, TrafficPolicy, FilterExtension, weir.dev/v1alpha1), in every namespace or in one.
 * Handlers only update the {@link ObjectStore} and signal the loop; they run on fabric8's informer
 * threads.
 *
 * <p>A cluster without the Gateway API CRDs answers 404 to their lists: each such kind is logged
 * once at WARN and treated as synced and empty, so that Ingress keeps working.
 *
 * <p>Lifecycle: {@link #start} once, {@link #close} once. The client is owned by the caller.
 * Thread-safe.
 */
public final class KubernetesSource implements Source {

  private static final Logger log = LoggerFactory.getLogger(KubernetesSource.class);

  /** The only Secret type the controller reads: a certificate and its key. */
  public static final String TLS_SECRET_TYPE = "kubernetes.io/tls";

  /**
   * Every kind {@link #start} runs an informer on (list and watch), in order; {@link
   * dev.weir.controller.ApiPermission#required} turns it into RBAC rules, and a test checks it
   * against the requests a started source really makes.
   */
  public static final List<Class<? extends HasMetadata>> WATCHED_TYPES =
      List.of(
          io.fabric8.kubernetes.api.model.networking.v1.IngressClass.class,
          io.fabric8.kubernetes.api.model.networking.v1.Ingress.class,
          io.fabric8.kubernetes.api.model.Service.class,
          io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice.class,
          Secret.class,
          Namespace.class,
          ConfigMap.class,
          GatewayClass.class,
          Gateway.class,
          HTTPRoute.class,
          GRPCRoute.class,
          ReferenceGrant.class,
          BackendTLSPolicy.class,
          BackendPolicy.class,
          TrafficPolicy.class,
          FilterExtension.class);

  private final KubernetesClient client;
  private final Optional<String> namespace;
  private final ObjectStore store;
  private final SourceEvents events;
  private final List<SharedIndexInformer<? extends HasMetadata>> informers = new ArrayList<>();
  // Informers of kinds the API server does not serve (no CRD): synced and empty by definition.
  private final Set<SharedIndexInformer<? extends HasMetadata>> absent =
      ConcurrentHashMap.newKeySet();

  /**
   * @param client the API client (owned by the caller)
   * @param namespace the one namespace to watch, or empty for all namespaces
   * @param store where objects are written
   */
  public KubernetesSource(KubernetesClient client, Optional<String> namespace, ObjectStore store) {
    this(client, namespace, store, SourceEvents.NONE);
  }

  /**
   * @param client the API client (owned by the caller)
   * @param namespace the one namespace to watch, or empty for all namespaces
   * @param store where objects are written
   * @param events told about every informer event, as received
   */
  public KubernetesSource(
      KubernetesClient client, Optional<String> namespace, ObjectStore store, SourceEvents events) {
    this.client = Objects.requireNonNull(client, "client");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.store = Objects.requireNonNull(store, "store");
    this.events = Objects.requireNonNull(events, "events");
  }

  @Override
  public synchronized void start(ChangeListener listener) {
    Objects.requireNonNull(listener, "listener");
    if (!informers.isEmpty()) {
      throw new IllegalStateException("already started");
    }
    // IngressClass is cluster-scoped.
    informers.add(client.network().v1().ingressClasses().runnableInformer(0));
    informers.add(scoped(client.network().v1().ingresses()).runnableInformer(0));
    informers.add(scoped(client.services()).runnableInformer(0));
    informers.add(scoped(client.discovery().v1().endpointSlices()).runnableInformer(0));
    informers.add(scoped(client.secrets()).withField("type", TLS_SECRET_TYPE).runnableInformer(0));
    // JWKS Secrets (TrafficPolicy jwks.secretRef) opt in by label, so that the controller never
    // caches other Secrets' data; disjoint from the TLS informer, so a delete in one never drops
    // an object the other still has. Same RBAC (list/watch secrets) as the TLS informer.
    informers.add(
        scoped(client.secrets())
            .withLabel(ConfigMaps.JWKS_LABEL, "true")
            .withoutField("type", TLS_SECRET_TYPE)
            .runnableInformer(0));
    // Namespace is cluster-scoped; a single-namespace controller needs only its own.
    informers.add(
        namespace.isPresent()
            ? client.namespaces().withField("metadata.name", namespace.get()).runnableInformer(0)
            : client.namespaces().runnableInformer(0));
    // ConfigMaps, for BackendTLSPolicy CA bundles; only those with a ca.crt key are kept.
    informers.add(scoped(client.configMaps()).runnableInformer(0));
    int ingressSide = informers.size();
    // The Gateway API kinds: optional, since the cluster may not have their CRDs.
    informers.add(client.resources(GatewayClass.class).runnableInformer(0));
    informers.add(scoped(client.resources(Gateway.class)).runnableInformer(0));
    informers.add(scoped(client.resources(HTTPRoute.class)).runnableInformer(0));
    informers.add(scoped(client.resources(GRPCRoute.class)).runnableInformer(0));
    informers.add(scoped(client.resources(ReferenceGrant.class)).runnableInformer(0));
    informers.add(scoped(client.resources(BackendTLSPolicy.class)).runnableInformer(0));
    // Weir's own policies: optional too, since crds/ may not be installed.
    informers.add(scoped(client.resources(BackendPolicy.class)).runnableInformer(0));
    informers.add(scoped(client.resources(TrafficPolicy.class)).runnableInformer(0));
    informers.add(scoped(client.resources(FilterExtension.class)).runnableInformer(0));
    List<String> optionalKinds =
        List.of(
            "GatewayClass",
            "Gateway",
            "HTTPRoute",
            "GRPCRoute",
            "ReferenceGrant",
            "BackendTLSPolicy",
            "BackendPolicy",
            "TrafficPolicy",
            "FilterExtension");
    List<CompletableFuture<Void>> synced = new ArrayList<>();
    for (int i = 0; i < informers.size(); i++) {
      SharedIndexInformer<? extends HasMetadata> informer = informers.get(i);
      informer.addEventHandler(new StoreHandler(listener));
      CompletableFuture<Void> started = informer.start().toCompletableFuture();
      if (i >= ingressSide) {
        String kind = optionalKinds.get(i - ingressSide);
        started = started.exceptionally(error -> missingKind(kind, informer, error));
      }
      synced.add(started);
    }
    CompletableFuture.allOf(synced.toArray(CompletableFuture[]::new))
        .whenComplete(
            (ok, error) -> {
              if (error != null) {
                log.error("informers failed to start: {}", error.toString());
              } else {
                log.info(
                    "kubernetes informers synced ({} objects, namespace {})",
                    store.size(),
                    namespace.orElse("*"));
                listener.resynced();
              }
            });
  }

  /**
   * Handles an optional kind's informer that failed to start: a 404 means the API server does not
   * serve the kind (its CRD is not installed), so the kind counts as synced and empty; any other
   * error is rethrown.
   */
  private Void missingKind(
      String kind, SharedIndexInformer<? extends HasMetadata> informer, Throwable error) {
    if (!isNotFound(error)) {
      throw error instanceof CompletionException c ? c : new CompletionException(error);
    }
    log.warn(
        "the API server does not serve {} (its CRD is not installed?); treating it as empty", kind);
    absent.add(informer);
    informer.close();
    return null;
  }

  /** Whether {@code error} (or a cause) is an API answer of 404 Not Found. */
  static boolean isNotFound(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof KubernetesClientException k && k.getCode() == 404) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private <T extends HasMetadata, L extends KubernetesResourceList<T>, R extends Resource<T>>
      FilterWatchListDeletable<T, L, R> scoped(MixedOperation<T, L, R> op) {
    return namespace.isPresent() ? op.inNamespace(namespace.get()) : op.inAnyNamespace();
  }

  @Override
  public synchronized boolean hasSynced() {
    return !informers.isEmpty()
        && informers.stream().allMatch(i -> absent.contains(i) || i.hasSynced());
  }

  @Override
  public synchronized void close() {
    informers.forEach(SharedIndexInformer::close);
  }

  /** Copies informer events into the store. Runs on fabric8's informer thread. */
  private final class StoreHandler implements ResourceEventHandler<HasMetadata> {
    private final ChangeListener listener;

    StoreHandler(ChangeListener listener) {
      this.listener = listener;
    }

    @Override
    public void onAdd(HasMetadata obj) {
      events.received(obj.getKind(), SourceEvents.Type.ADDED);
      upsert(obj);
    }

    @Override
    public void onUpdate(HasMetadata oldObj, HasMetadata newObj) {
      events.received(newObj.getKind(), SourceEvents.Type.UPDATED);
      upsert(newObj);
    }

    @Override
    public void onDelete(HasMetadata obj, boolean deletedFinalStateUnknown) {
      events.received(obj.getKind(), SourceEvents.Type.DELETED);
      ObjectRef ref = ObjectStore.refOf(obj);
      if (store.remove(ref)) {
        listener.objectChanged(ref);
      }
    }

    private void upsert(HasMetadata obj) {
      // The selectors already filter Secrets server-side; this guards servers that ignore them.
      if (obj instanceof Secret s && !ConfigMaps.isKept(s)) {
        return;
      }
      // Likewise for the one Namespace a single-namespace controller watches.
      if (obj instanceof Namespace n
          && namespace.isPresent()
          && !namespace.get().equals(n.getMetadata().getName())) {
        return;
      }
      // Only a ConfigMap with a CA bundle (BackendTLSPolicy caCertificateRefs) or a JWKS can
      // matter; one that lost its key is dropped like a deleted one.
      if (obj instanceof ConfigMap m && !ConfigMaps.isKept(m)) {
        ObjectRef ref = ObjectStore.refOf(obj);
        if (store.remove(ref)) {
          listener.objectChanged(ref);
        }
        return;
      }
      listener.objectChanged(store.put(obj));
    }
  }
}
