package dev.weir.controller.translate;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;

/** Null-safe reads of object metadata, and the age order that settles conflicts. Stateless. */
final class Ingresses {

  /**
   * Oldest first: by {@code creationTimestamp} (objects without one, as in local mode, count as
   * newest), then namespace, then name. The same order as ingress-nginx and Contour use to pick the
   * winner of a conflict.
   */
  static final Comparator<HasMetadata> AGE =
      Comparator.comparing(Ingresses::created, Comparator.nullsLast(Comparator.naturalOrder()))
          .thenComparing(Ingresses::namespace)
          .thenComparing(Ingresses::name);

  private Ingresses() {}

  static String namespace(HasMetadata o) {
    String ns = o.getMetadata().getNamespace();
    return ns == null || ns.isEmpty() ? "default" : ns;
  }

  static String name(HasMetadata o) {
    String n = o.getMetadata().getName();
    return n == null ? "" : n;
  }

  static ObjectRef ref(String kind, HasMetadata o) {
    return new ObjectRef(kind, namespace(o), name(o));
  }

  static Instant created(HasMetadata o) {
    String ts = o.getMetadata().getCreationTimestamp();
    if (ts == null || ts.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(ts);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
