package dev.weir.controller.status;

import dev.weir.controller.state.ClusterState;
import dev.weir.controller.translate.Problem;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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

  private final WarningEvents events;
  private Set<Problem> emitted = Set.of();

  ProblemEvents(KubernetesClient client, String component) {
    this.events = new WarningEvents(client, component);
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
    if (!events.create(p.object(), "networking.k8s.io/v1", uid, p.reason(), p.message())) {
      return false;
    }
    log.info("{}: {} {}", p.object(), p.reason(), p.message());
    return true;
  }
}
