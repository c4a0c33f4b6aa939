package dev.weir.dataplane.routing;

import dev.weir.dataplane.lb.WeightedPicker;
import java.util.List;
import java.util.Objects;

/** What a matched route does. Immutable. */
public sealed interface RouteAction {

  /**
   * Proxy to one of several weighted backends, chosen per request.
   *
   * @param backends the backends and their weights
   */
  record Forward(WeightedPicker<Backend> backends) implements RouteAction {
    public Forward {
      Objects.requireNonNull(backends, "backends");
    }

    /** A forward to each of {@code backends} with its weight. */
    public static Forward of(List<Backend> backends) {
      return new Forward(
          new WeightedPicker<>(backends, backends.stream().map(Backend::weight).toList()));
    }
  }

  /**
   * Answer without an upstream.
   *
   * @param status the HTTP status
   * @param body a short text body
   */
  record Direct(int status, String body) implements RouteAction {
    public Direct {
      Objects.requireNonNull(body, "body");
    }
  }

  /**
   * Answer with a redirect (Gateway API RequestRedirect); see {@link RedirectTarget}.
   *
   * @param target how the Location is built
   */
  record Redirect(RedirectTarget target) implements RouteAction {
    public Redirect {
      Objects.requireNonNull(target, "target");
    }
  }
}
