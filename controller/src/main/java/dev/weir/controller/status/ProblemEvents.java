package dev.weir.controller.status;

import dev.weir.controller.state.ClusterState;
import dev.weir.controller.translate.Problem;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns problems on Ingresses into core/v1 Warning Events, once per distinct problem: a problem
 * that is still present on the next build is not emitted again; one that disappears and comes back
 * is.
 *
 * <p>Accessed only from the {@link IngressStatusWriter}'s thread.
 */
final class ProblemEvents {

  private static final Logger log = LoggerFactory.getLogger(ProblemEvents.class);

  private final KubernetesClient client;
  private final String component;
  private Set<Problem> emitted = Set.of();

  ProblemEvents(KubernetesClient client, String component) {
    this.client = Objects.requireNonNull(client, "client");
    this.component = Objects.requireNonNull(component, "component");
  }

  /** Emits an Event for every problem of {@code current} not already emitted. */
  void emit(List<Problem> current, ClusterState state) {
    Set<Problem> next = new HashSet<>();
    for (Problem p : current) {
      next.add(p);
      if (!emitted.contains(p) && !create(p, state)) {
        next.remove(p); // try again on the next build
      }
    }
    emitted = next;
  }

  private boolean create(Problem p, ClusterState state) {
    String uid =
        state.ingresses().stream()
            .filter(i -> i.getMetadata().getNamespace().equals(p.object().namespace()))
            .filter(i -> i.getMetadata().getName().equals(p.object().name()))
            .map(Ingress::getMetadata)
            .map(m -> m.getUid())
            .findFirst()
            .orElse(null);
    String now = Instant.now().toString();
    Event event =
        new EventBuilder()
            .withNewMetadata()
            // Like kubectl's recorder: the object's name and a unique suffix.
            .withName(
                p.object().name()
                    + "."
                    + Long.toHexString(System.currentTimeMillis())
                    + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000)))
            .withNamespace(p.object().namespace())
            .endMetadata()
            .withType("Warning")
            .withReason(p.reason())
            .withMessage(p.message())
            .withNewInvolvedObject()
            .withApiVersion("networking.k8s.io/v1")
            .withKind("Ingress")
            .withNamespace(p.object().namespace())
            .withName(p.object().name())
            .withUid(uid)
            .endInvolvedObject()
            .withNewSource()
            .withComponent(component)
            .endSource()
            .withReportingComponent(component)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .build();
    try {
      client.v1().events().inNamespace(p.object().namespace()).resource(event).create();
      log.info("{}: {} {}", p.object(), p.reason(), p.message());
      return true;
    } catch (KubernetesClientException e) {
      log.warn("{}: cannot create event {}: {}", p.object(), p.reason(), e.getMessage());
      return false;
    }
  }
}
