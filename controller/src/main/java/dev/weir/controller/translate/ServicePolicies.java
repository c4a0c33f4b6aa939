package dev.weir.controller.translate;

import dev.weir.controller.model.GatewayApiStatus.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Resolved policies that target core Services (BackendTLSPolicy, BackendPolicy), as {@link
 * ServicePolicyAncestors} needs them to build GEP-713 status. One instance per build.
 */
interface ServicePolicies {

  /** The policies' kind, for example {@code "BackendPolicy"}. */
  String kind();

  /** Every policy, "namespace/name", in resolution order. */
  List<String> policies();

  /** The policy named {@code key}. */
  HasMetadata policy(String key);

  /** The Services ("namespace/name") the policy {@code key} targets, conflicted or not. */
  List<String> services(String key);

  /** The conditions of policy {@code key}. */
  List<Condition> conditions(String key);

  /**
   * The ancestor reported when no Gateway of Weir's routes to the policy's Services (so that an
   * unused, Ingress-only or invalid policy still shows its verdict), or empty to report nothing.
   */
  default Optional<ObjectRef> fallbackAncestor(String key) {
    return Optional.empty();
  }

  /**
   * What a Service port gets from policies indexed by target {@code "namespace/service#section"}
   * ("" for the whole Service): a policy naming the port wins over one naming the whole Service.
   *
   * @return null when no policy targets the port
   */
  static <R> R forPort(Map<String, R> byTarget, String namespace, String service, String portName) {
    R r = null;
    if (portName != null && !portName.isEmpty()) {
      r = byTarget.get(namespace + "/" + service + "#" + portName);
    }
    return r != null ? r : byTarget.get(namespace + "/" + service + "#");
  }
}
