package dev.weir.controller.status;

import dev.weir.controller.translate.ObjectRef;
import java.util.List;
import java.util.Objects;

/**
 * Where the address written to owned Ingresses' {@code status.loadBalancer} comes from. Immutable.
 */
public sealed interface PublishTarget {

  /** Fixed addresses: IP literals become {@code ip}, anything else {@code hostname}. */
  record Addresses(List<String> addresses) implements PublishTarget {
    public Addresses {
      addresses = List.copyOf(addresses);
    }
  }

  /**
   * The addresses of a Service: its {@code status.loadBalancer.ingress}, else its cluster IP.
   *
   * @param service the Service, kind {@code "Service"}
   */
  record FromService(ObjectRef service) implements PublishTarget {
    public FromService {
      Objects.requireNonNull(service, "service");
    }
  }

  /** No address is known: status is left alone. */
  record None() implements PublishTarget {}
}
