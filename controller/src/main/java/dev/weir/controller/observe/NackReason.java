package dev.weir.controller.observe;

import dev.weir.controller.push.NodeState;
import java.util.Set;

/**
 * The bounded category of a NACK, for the {@code reason} label of {@code
 * weir_controller_nacks_total}: never the node's free-text message. The data plane names the
 * failing snapshot resources in the error detail (kinds {@code listener}, {@code route_table},
 * {@code route}, {@code cluster}, {@code secret}) and words its message {@code "snapshot V
 * rejected: KIND NAME: why"}, or {@code "internal error applying snapshot: ..."} when applying
 * threw.
 *
 * <p>Categories: {@code bind} (a listener port could not be bound), {@code listener}, {@code
 * route_table}, {@code route}, {@code cluster}, {@code secret}, {@code internal}, and {@code other}
 * for anything else. Stateless.
 */
final class NackReason {

  private static final Set<String> KINDS =
      Set.of("listener", "route_table", "route", "cluster", "secret");
  private static final String REJECTED = " rejected: ";

  private NackReason() {}

  /** The category of {@code nack}. */
  static String of(NodeState.Nack nack) {
    if (nack.message().startsWith("internal error")) {
      return "internal";
    }
    if (!nack.resources().isEmpty()) {
      NodeState.FailedResource first = nack.resources().get(0);
      if (first.kind().equals("listener") && first.reason().startsWith("cannot bind")) {
        return "bind";
      }
      return KINDS.contains(first.kind()) ? first.kind() : "other";
    }
    // No resources named: the word after "rejected: " in the message, if it is a known kind.
    int at = nack.message().indexOf(REJECTED);
    if (at >= 0) {
      String rest = nack.message().substring(at + REJECTED.length());
      int end = rest.indexOf(' ');
      String kind = end < 0 ? rest : rest.substring(0, end);
      if (KINDS.contains(kind)) {
        return kind;
      }
    }
    return "other";
  }
}
