package dev.weir.controller.translate;

import java.util.Objects;

/**
 * Something wrong with user input, found while translating or validating: the pipeline records a
 * {@code Problem} and builds everything else, instead of throwing. Problems become status
 * conditions or Kubernetes events on {@link #object()}, and log lines.
 *
 * @param object the object at fault
 * @param type the condition type it affects, for example {@code "ResolvedRefs"}
 * @param reason a CamelCase reason, for example {@code "BackendNotFound"}
 * @param message one sentence for humans, naming the offending field and value
 */
public record Problem(ObjectRef object, String type, String reason, String message)
    implements Comparable<Problem> {

  public Problem {
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public int compareTo(Problem o) {
    int c = object.compareTo(o.object);
    if (c == 0) {
      c = type.compareTo(o.type);
    }
    if (c == 0) {
      c = reason.compareTo(o.reason);
    }
    return c != 0 ? c : message.compareTo(o.message);
  }
}
