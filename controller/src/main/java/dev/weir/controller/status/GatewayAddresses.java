package dev.weir.controller.status;

import dev.weir.controller.model.GatewayApiStatus.Condition;
import dev.weir.controller.model.GatewayApiStatus.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewaySpecAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Assigns a Gateway its {@code status.addresses} from the addresses Weir publishes ({@code
 * --publish-address} or {@code --publish-service}: where the data-plane pods are reachable). Weir
 * does not provision an address per Gateway, so a Gateway can only be given addresses from that
 * set:
 *
 * <ul>
 *   <li>no {@code spec.addresses}: every published address;
 *   <li>a requested value that is published (same type: IPAddress for IP literals, else Hostname)
 *       is assigned; one that is not makes {@code Programmed=False} with reason {@code
 *       AddressNotUsable}, and is not listed;
 *   <li>a request without a value (Gateway API: "the implementation assigns one") gets the first
 *       published address of its type not yet assigned; with none left, {@code Programmed=False}
 *       with reason {@code AddressNotAssigned}.
 * </ul>
 *
 * Requests of an unsupported type or with a malformed value never get here: the translator makes
 * such a Gateway {@code Accepted=False} ({@code UnsupportedAddress}). Stateless.
 */
final class GatewayAddresses {

  private static final String IP_ADDRESS = "IPAddress";

  private GatewayAddresses() {}

  /**
   * What a Gateway gets.
   *
   * @param addresses its status.addresses values, in request order (published order without one)
   * @param programmed a {@code Programmed=False} condition when a request cannot be met
   */
  record Assignment(List<String> addresses, Optional<Condition> programmed) {
    Assignment {
      addresses = List.copyOf(addresses);
      Objects.requireNonNull(programmed, "programmed");
    }
  }

  /** Assigns {@code requested} (null or empty: none) from {@code published}. */
  static Assignment assign(List<GatewaySpecAddress> requested, List<String> published) {
    if (requested == null || requested.isEmpty()) {
      return new Assignment(published, Optional.empty());
    }
    Set<String> assigned = new LinkedHashSet<>();
    List<String> unusable = new ArrayList<>();
    List<String> unassigned = new ArrayList<>();
    for (GatewaySpecAddress a : requested) {
      if (a == null) {
        continue;
      }
      boolean ip = a.getType() == null || a.getType().isEmpty() || a.getType().equals(IP_ADDRESS);
      String value = Objects.requireNonNullElse(a.getValue(), "");
      if (!value.isEmpty()) {
        if (published.contains(value) && isIp(value) == ip) {
          assigned.add(value);
        } else {
          unusable.add(value);
        }
        continue;
      }
      Optional<String> free =
          published.stream().filter(p -> isIp(p) == ip && !assigned.contains(p)).findFirst();
      free.ifPresentOrElse(assigned::add, () -> unassigned.add(ip ? IP_ADDRESS : "Hostname"));
    }
    String offer = published.isEmpty() ? "none" : String.join(", ", published);
    if (!unusable.isEmpty()) {
      return new Assignment(
          List.copyOf(assigned),
          Optional.of(
              new Condition(
                  "Programmed",
                  false,
                  "AddressNotUsable",
                  "requested address(es) "
                      + String.join(", ", unusable)
                      + " are not among the addresses Weir's data plane is published at ("
                      + offer
                      + ")")));
    }
    if (!unassigned.isEmpty()) {
      return new Assignment(
          List.copyOf(assigned),
          Optional.of(
              new Condition(
                  "Programmed",
                  false,
                  "AddressNotAssigned",
                  "no published address left to assign for a requested "
                      + String.join(", ", unassigned)
                      + " (published: "
                      + offer
                      + ")")));
    }
    return new Assignment(List.copyOf(assigned), Optional.empty());
  }

  /**
   * {@code g} with its Programmed condition replaced by the assignment's, if it has one; an
   * unaccepted Gateway keeps its own (its reason says more).
   */
  static GatewayStatus withProgrammed(GatewayStatus g, Assignment a) {
    boolean accepted =
        g.conditions().stream().anyMatch(c -> c.type().equals("Accepted") && c.status());
    if (a.programmed().isEmpty() || !accepted) {
      return g;
    }
    List<Condition> conditions = new ArrayList<>();
    for (Condition c : g.conditions()) {
      conditions.add(c.type().equals("Programmed") ? a.programmed().get() : c);
    }
    return new GatewayStatus(
        g.ref(), g.observedGeneration(), conditions, g.listeners(), g.addresses());
  }

  private static boolean isIp(String address) {
    return IngressStatusWriter.entry(address).getIp() != null;
  }
}
