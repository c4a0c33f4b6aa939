package dev.weir.controller.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * The status of a Weir policy, in the shape of Gateway API's {@code PolicyStatus} (GEP-713): one
 * entry per ancestor (a Gateway whose traffic the policy affects) and per controller, with an
 * {@code Accepted} condition whose reason is Accepted, Conflicted, TargetNotFound or Invalid.
 * Written only by the leader controller. A plain Jackson bean.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PolicyStatus {

  @JsonPropertyDescription(
      "One entry per ancestor the policy affects (a Gateway; the target itself when no Gateway"
          + " of Weir's reaches it), per controller.")
  public List<PolicyAncestorStatus> ancestors = new ArrayList<>();
}
