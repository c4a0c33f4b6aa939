package dev.weir.controller.status;

import dev.weir.controller.translate.ObjectRef;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates core/v1 Warning Events on behalf of one reporting component.
 *
 * <p>Stateless apart from its final fields; safe to call from any thread (the fabric8 client is).
 */
final class WarningEvents {

  private static final Logger log = LoggerFactory.getLogger(WarningEvents.class);

  private final KubernetesClient client;
  private final String component;

  WarningEvents(KubernetesClient client, String component) {
    this.client = Objects.requireNonNull(client, "client");
    this.component = Objects.requireNonNull(component, "component");
  }

  /**
   * Creates a Warning Event on {@code object}.
   *
   * @param apiVersion the involved object's apiVersion, e.g. {@code networking.k8s.io/v1}
   * @param uid the involved object's uid, or null when unknown
   * @return whether the API server accepted it; a refusal is logged and may be retried later
   */
  boolean create(ObjectRef object, String apiVersion, String uid, String reason, String message) {
    String now = Instant.now().toString();
    Event event =
        new EventBuilder()
            .withNewMetadata()
            // Like kubectl's recorder: the object's name and a unique suffix.
            .withName(
                object.name()
                    + "."
                    + Long.toHexString(System.currentTimeMillis())
                    + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000)))
            .withNamespace(object.namespace())
            .endMetadata()
            .withType("Warning")
            .withReason(reason)
            .withMessage(message)
            .withNewInvolvedObject()
            .withApiVersion(apiVersion)
            .withKind(object.kind())
            .withNamespace(object.namespace())
            .withName(object.name())
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
      client.v1().events().inNamespace(object.namespace()).resource(event).create();
      return true;
    } catch (KubernetesClientException e) {
      log.warn("{}: cannot create event {}: {}", object, reason, e.getMessage());
      return false;
    }
  }
}
