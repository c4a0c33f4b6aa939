package dev.weir.controller.translate;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Kubernetes label selector over Namespace labels, for a Gateway listener's {@code
 * allowedRoutes.namespaces.selector}: every {@code matchLabels} pair and every {@code
 * matchExpressions} requirement ({@code In}, {@code NotIn}, {@code Exists}, {@code DoesNotExist})
 * must hold; an empty selector selects every namespace (Kubernetes label selector semantics).
 *
 * @param matchLabels labels that must be present with these values
 * @param expressions requirements that must all hold
 */
record NamespaceSelector(Map<String, String> matchLabels, List<Requirement> expressions) {

  /** The label the API server puts on every Namespace: its own name. */
  static final String NAME_LABEL = "kubernetes.io/metadata.name";

  NamespaceSelector {
    matchLabels = Map.copyOf(matchLabels);
    expressions = List.copyOf(expressions);
  }

  /**
   * One {@code matchExpressions} entry.
   *
   * @param key the label key
   * @param operator In, NotIn, Exists or DoesNotExist
   * @param values the values, non-empty for In and NotIn, empty otherwise
   */
  record Requirement(String key, String operator, List<String> values) {
    Requirement {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(operator, "operator");
      values = List.copyOf(values);
    }

    boolean matches(Map<String, String> labels) {
      return switch (operator) {
        case "In" -> labels.containsKey(key) && values.contains(labels.get(key));
        case "NotIn" -> !labels.containsKey(key) || !values.contains(labels.get(key));
        case "Exists" -> labels.containsKey(key);
        default -> !labels.containsKey(key); // DoesNotExist
      };
    }
  }

  /**
   * Validates {@code selector}.
   *
   * @throws InvalidRule with the reason when an operator is unknown or its values do not fit it
   */
  static NamespaceSelector of(LabelSelector selector) throws InvalidRule {
    Map<String, String> labels =
        selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
    List<Requirement> requirements = new ArrayList<>();
    for (LabelSelectorRequirement r :
        Objects.requireNonNullElse(
            selector.getMatchExpressions(), List.<LabelSelectorRequirement>of())) {
      if (r == null) {
        continue;
      }
      String key = Objects.requireNonNullElse(r.getKey(), "");
      String op = Objects.requireNonNullElse(r.getOperator(), "");
      List<String> values =
          Objects.requireNonNullElse(r.getValues(), List.<String>of()).stream()
              .filter(Objects::nonNull)
              .toList();
      if (key.isEmpty()) {
        throw new InvalidRule("a matchExpressions entry has no key");
      }
      switch (op) {
        case "In", "NotIn" -> {
          if (values.isEmpty()) {
            throw new InvalidRule("operator " + op + " on " + key + " needs values");
          }
        }
        case "Exists", "DoesNotExist" -> {
          if (!values.isEmpty()) {
            throw new InvalidRule("operator " + op + " on " + key + " takes no values");
          }
        }
        default ->
            throw new InvalidRule("operator \"" + op + "\" is not a label selector operator");
      }
      requirements.add(new Requirement(key, op, values));
    }
    return new NamespaceSelector(labels, requirements);
  }

  /** Whether a namespace with {@code labels} is selected. */
  boolean matches(Map<String, String> labels) {
    for (Map.Entry<String, String> e : matchLabels.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return expressions.stream().allMatch(r -> r.matches(labels));
  }
}
