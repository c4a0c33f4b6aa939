package dev.weir.dataplane.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.config.v1.OutlierDetection;
import dev.weir.dataplane.lb.LoadBalancer;
import dev.weir.dataplane.lb.PickRequest;
import dev.weir.dataplane.upstream.UpstreamEndpoint;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ClusterHealthTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final HealthStates states = new HealthStates(null, null, now::get);

  private static List<UpstreamEndpoint> endpoints(int n) {
    List<UpstreamEndpoint> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new UpstreamEndpoint("10.0.0." + (i + 1), 8080));
    }
    return out;
  }

  private ClusterHealth cluster(List<UpstreamEndpoint> endpoints, OutlierSettings outlier) {
    return states.prepare("default/web:80", endpoints, null, outlier, false);
  }

  private void advanceMillis(long millis) {
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  private static void report(ClusterHealth c, UpstreamEndpoint e, int status, int times) {
    for (int i = 0; i < times; i++) {
      c.reportStatus(e, status);
    }
  }

  @Test
  void consecutive5xxEjectAndASuccessResetsTheRun() {
    List<UpstreamEndpoint> eps = endpoints(10);
    ClusterHealth c = cluster(eps, new OutlierSettings(3, 3, 1000, 50));
    UpstreamEndpoint e = eps.get(0);
    report(c, e, 503, 2);
    c.reportStatus(e, 200);
    report(c, e, 500, 2);
    assertThat(c.available(e)).isTrue();
    c.reportStatus(e, 502);
    assertThat(c.available(e)).isFalse();
    assertThat(c.available(eps.get(1))).isTrue();
  }

  @Test
  void a4xxIsASuccessForOutlierDetection() {
    List<UpstreamEndpoint> eps = endpoints(2);
    ClusterHealth c = cluster(eps, new OutlierSettings(2, 2, 1000, 50));
    c.reportStatus(eps.get(0), 500);
    c.reportStatus(eps.get(0), 404);
    c.reportStatus(eps.get(0), 500);
    assertThat(c.available(eps.get(0))).isTrue();
  }

  @Test
  void consecutiveConnectFailuresEject() {
    List<UpstreamEndpoint> eps = endpoints(4);
    ClusterHealth c = cluster(eps, new OutlierSettings(5, 2, 1000, 50));
    c.reportConnectFailure(eps.get(3));
    assertThat(c.available(eps.get(3))).isTrue();
    c.reportConnectFailure(eps.get(3));
    assertThat(c.available(eps.get(3))).isFalse();
  }

  @Test
  void ejectionEndsByTimeAndTheNextConsecutiveOneLastsLonger() {
    List<UpstreamEndpoint> eps = endpoints(2);
    ClusterHealth c = cluster(eps, new OutlierSettings(1, 1, 1000, 50));
    UpstreamEndpoint e = eps.get(0);
    c.reportStatus(e, 500);
    advanceMillis(999);
    assertThat(c.available(e)).isFalse();
    advanceMillis(1);
    assertThat(c.available(e)).as("back after base_ejection_ms").isTrue();

    // Fails again with no success in between: the second ejection in a row lasts 2 × base.
    c.reportStatus(e, 500);
    advanceMillis(1999);
    assertThat(c.available(e)).isFalse();
    advanceMillis(1);
    assertThat(c.available(e)).isTrue();
    assertThat(c.endpoints().get(e).ejections()).isEqualTo(2);

    // A success after the ejection ended resets the multiplier.
    c.reportStatus(e, 200);
    c.reportStatus(e, 500);
    advanceMillis(1000);
    assertThat(c.available(e)).isTrue();
  }

  @Test
  void aSuccessDuringAnEjectionDoesNotEndItNorResetTheMultiplier() {
    List<UpstreamEndpoint> eps = endpoints(2);
    ClusterHealth c = cluster(eps, new OutlierSettings(1, 1, 1000, 50));
    UpstreamEndpoint e = eps.get(0);
    c.reportStatus(e, 500);
    c.reportStatus(e, 200); // a request that was in flight before the ejection
    assertThat(c.available(e)).isFalse();
    assertThat(c.endpoints().get(e).ejections()).isEqualTo(1);
  }

  @Test
  void neverMoreThanMaxEjectionPercentAreEjected() {
    List<UpstreamEndpoint> eps = endpoints(10);
    ClusterHealth c = cluster(eps, new OutlierSettings(1, 1, 1000, 20));
    for (UpstreamEndpoint e : eps) {
      c.reportStatus(e, 500);
    }
    assertThat(eps.stream().filter(c::available)).hasSize(8);
    // Once one returns, another may go.
    advanceMillis(1000);
    c.reportStatus(eps.get(9), 500);
    assertThat(c.available(eps.get(9))).isFalse();
  }

  @Test
  void atLeastOneEndpointMayAlwaysBeEjected() {
    List<UpstreamEndpoint> eps = endpoints(3);
    ClusterHealth c = cluster(eps, OutlierSettings.from(OutlierDetection.getDefaultInstance()));
    report(c, eps.get(1), 500, 5);
    assertThat(c.available(eps.get(1))).as("10% of 3 rounds to 0, but one may go").isFalse();
    report(c, eps.get(2), 500, 5);
    assertThat(c.available(eps.get(2))).isTrue();
  }

  @Test
  void anUnavailablePickIsSkippedForTheNextAvailableOne() {
    List<UpstreamEndpoint> eps = endpoints(3);
    ClusterHealth c = cluster(eps, new OutlierSettings(1, 1, 1000, 100));
    c.reportStatus(eps.get(0), 500);
    c.reportStatus(eps.get(1), 500);
    Iterator<UpstreamEndpoint> others = List.of(eps.get(1), eps.get(2)).iterator();
    assertThat(c.availableOr(eps.get(0), others(previous -> others.next()), PickRequest.NONE))
        .isEqualTo(eps.get(2));
    assertThat(c.availableOr(eps.get(2), others(previous -> null), PickRequest.NONE))
        .isEqualTo(eps.get(2));
  }

  @Test
  void panicModeKeepsTheBalancersPickWhenNoEndpointIsAvailable() {
    List<UpstreamEndpoint> eps = endpoints(2);
    ClusterHealth c = cluster(eps, new OutlierSettings(1, 1, 1000, 100));
    c.reportStatus(eps.get(0), 500);
    c.reportStatus(eps.get(1), 500);
    List<UpstreamEndpoint> asked = new ArrayList<>();
    UpstreamEndpoint chosen =
        c.availableOr(
            eps.get(0),
            others(
                previous -> {
                  asked.add(previous);
                  return previous.equals(eps.get(0)) ? eps.get(1) : eps.get(0);
                }),
            PickRequest.NONE);
    assertThat(chosen).isEqualTo(eps.get(0));
    assertThat(asked).as("the balancer's rotation is left alone").isEmpty();
  }

  @Test
  void aClusterWithoutChecksSeesEveryEndpointAvailable() {
    ClusterHealth c = states.prepare("c", endpoints(1), null, null, false);
    assertThat(c).isSameAs(ClusterHealth.none());
    c.reportStatus(endpoints(1).get(0), 500);
    assertThat(c.available(endpoints(1).get(0))).isTrue();
  }

  @Test
  void stateSurvivesASwapThatKeepsTheEndpointAndANewEndpointStartsHealthy() {
    List<UpstreamEndpoint> eps = endpoints(2);
    OutlierSettings outlier = new OutlierSettings(1, 1, 60_000, 100);
    ClusterHealth first = cluster(eps, outlier);
    states.activate(List.of(first));
    first.reportStatus(eps.get(0), 500);

    List<UpstreamEndpoint> grown = endpoints(3);
    ClusterHealth second = cluster(grown, outlier);
    assertThat(second.available(grown.get(0))).as("kept its ejection").isFalse();
    assertThat(second.available(grown.get(2))).as("new, so healthy").isTrue();
    assertThat(second.endpoints().get(grown.get(0))).isSameAs(first.endpoints().get(eps.get(0)));

    // A snapshot that was prepared but never activated (rejected) leaves no trace.
    states.prepare("default/web:80", List.of(), null, outlier, false);
    states.activate(List.of(cluster(List.of(eps.get(1)), outlier)));
    assertThat(cluster(eps, outlier).available(eps.get(0)))
        .as("removed, then added again: fresh")
        .isTrue();
  }

  /** A balancer whose other choices come from {@code next}; it is never asked for a first pick. */
  private static LoadBalancer<UpstreamEndpoint> others(UnaryOperator<UpstreamEndpoint> next) {
    return new LoadBalancer<>() {
      @Override
      public UpstreamEndpoint select(PickRequest request) {
        throw new AssertionError("not asked");
      }

      @Override
      public UpstreamEndpoint selectOther(UpstreamEndpoint previous, PickRequest request) {
        return next.apply(previous);
      }
    };
  }
}
