package dev.weir.controller.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * {@code weir.dev/v1alpha1 BackendPolicy}: how the data plane reaches the endpoints of the Services
 * it targets (load balancing, session persistence, health checks, outlier detection, circuit
 * breaking, connection pool, timeouts, retry budget). Attaches to core Services, optionally to one
 * port ({@code sectionName}); a policy naming a port beats one naming the whole Service. Mutable
 * fabric8 bean; never mutated once in a {@code ClusterState}.
 */
@Group(BackendPolicy.GROUP)
@Version(BackendPolicy.VERSION)
@Kind("BackendPolicy")
@Plural("backendpolicies")
@ShortNames("wbp")
@AdditionalPrinterColumn(
    name = "Accepted",
    type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.ancestors[0].conditions[?(@.type==\"Accepted\")].status")
@AdditionalPrinterColumn(
    name = "Age",
    type = AdditionalPrinterColumn.Type.DATE,
    jsonPath = ".metadata.creationTimestamp")
public class BackendPolicy extends CustomResource<BackendPolicySpec, PolicyStatus>
    implements Namespaced {

  private static final long serialVersionUID = 1L;

  /** The API group of Weir's CRDs. */
  public static final String GROUP = "weir.dev";

  /** The API version of Weir's CRDs. */
  public static final String VERSION = "v1alpha1";
}
