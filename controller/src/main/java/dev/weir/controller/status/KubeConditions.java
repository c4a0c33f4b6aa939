package dev.weir.controller.status;

import dev.weir.controller.model.GatewayApiStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the model's conditions into Kubernetes {@code metav1.Condition}s. KEP-1623: {@code
 * lastTransitionTime} is when the condition last changed status, so a condition whose status is
 * unchanged keeps the stored timestamp; that also makes an unchanged status compare equal and go
 * unwritten. Stateless.
 */
final class KubeConditions {

  private KubeConditions() {}

  /**
   * @param desired the conditions wanted, in order
   * @param stored the conditions the object holds now (may be null)
   * @param observedGeneration the metadata.generation they describe
   * @param now the time for conditions whose status changed
   */
  static List<Condition> merge(
      List<GatewayApiStatus.Condition> desired,
      List<Condition> stored,
      long observedGeneration,
      Instant now) {
    String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
    List<Condition> out = new ArrayList<>();
    for (GatewayApiStatus.Condition c : desired) {
      String status = c.status() ? "True" : "False";
      String since = time;
      if (stored != null) {
        for (Condition old : stored) {
          if (c.type().equals(old.getType())
              && status.equals(old.getStatus())
              && old.getLastTransitionTime() != null) {
            since = old.getLastTransitionTime();
          }
        }
      }
      out.add(
          new ConditionBuilder()
              .withType(c.type())
              .withStatus(status)
              .withReason(c.reason())
              .withMessage(c.message())
              .withObservedGeneration(observedGeneration)
              .withLastTransitionTime(since)
              .build());
    }
    return out;
  }
}
