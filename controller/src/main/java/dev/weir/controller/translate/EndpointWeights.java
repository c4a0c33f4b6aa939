package dev.weir.controller.translate;

import dev.weir.controller.model.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.List;
import java.util.Map;

/**
 * The weight of an EndpointSlice's endpoints, from its {@code weir.dev/weight} annotation: a whole
 * number from 1 to {@link Endpoint#MAX_WEIGHT}, for every endpoint of the slice (Kubernetes has no
 * per-endpoint weight; hand-made slices, such as local mode's or ones for backends outside the
 * cluster, can carry one). Absent: 1. An invalid value is reported on the slice and counts as 1.
 * Stateless.
 */
final class EndpointWeights {

  /** The annotation that weights a slice's endpoints. */
  static final String ANNOTATION = "weir.dev/weight";

  private EndpointWeights() {}

  static int of(EndpointSlice slice, List<Problem> problems) {
    Map<String, String> annotations =
        slice.getMetadata() == null ? null : slice.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(ANNOTATION);
    if (value == null) {
      return 1;
    }
    try {
      int weight = Integer.parseInt(value.trim());
      if (weight >= 1 && weight <= Endpoint.MAX_WEIGHT) {
        return weight;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(
        new Problem(
            Ingresses.ref("EndpointSlice", slice),
            "Accepted",
            "InvalidWeight",
            ANNOTATION
                + " must be a whole number from 1 to "
                + Endpoint.MAX_WEIGHT
                + "; the slice's endpoints get weight 1"));
    return 1;
  }
}
