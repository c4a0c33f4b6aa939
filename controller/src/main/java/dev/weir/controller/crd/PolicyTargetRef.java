package dev.weir.controller.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * A policy's target in the policy's own namespace (Gateway API {@code
 * LocalPolicyTargetReferenceWithSectionName}, GEP-713). A plain Jackson bean.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PolicyTargetRef {

  /** DNS-1123 subdomain: a Kubernetes object name. */
  static final String NAME = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  @JsonPropertyDescription(
      "API group of the target: \"\" for a core Service, gateway.networking.k8s.io for a Gateway"
          + " or HTTPRoute.")
  @Pattern("^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
  @Size(max = 253)
  public String group;

  @JsonPropertyDescription("Kind of the target: Service, Gateway or HTTPRoute.")
  @Required
  @Pattern("^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$")
  @Size(min = 1, max = 63)
  public String kind;

  @JsonPropertyDescription("Name of the target, in the policy's namespace.")
  @Required
  @Size(min = 1, max = 253)
  public String name;

  @JsonPropertyDescription(
      "A section of the target: a Service port name, a Gateway listener name or an HTTPRoute rule"
          + " name. Unset: the whole target.")
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @Size(min = 1, max = 253)
  public String sectionName;

  public PolicyTargetRef() {}

  /** A reference to {@code kind} {@code name} of {@code group}, whole. */
  public PolicyTargetRef(String group, String kind, String name, String sectionName) {
    this.group = group;
    this.kind = kind;
    this.name = name;
    this.sectionName = sectionName;
  }

  /** The group, "" when unset (core). */
  public String groupOrCore() {
    return group == null ? "" : group;
  }

  /** The sectionName, "" when unset. */
  public String section() {
    return sectionName == null ? "" : sectionName;
  }
}
