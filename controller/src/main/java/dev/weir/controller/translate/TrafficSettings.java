package dev.weir.controller.translate;

import dev.weir.controller.model.Action;
import dev.weir.controller.model.Route;
import dev.weir.controller.model.RouteFilters;
import java.util.Objects;

/**
 * What one accepted TrafficPolicy sets on the routes of its target: filters, plus the two settings
 * that are route fields rather than filters. Null (and {@link RouteFilters} null blocks) means "not
 * set here", so that a more specific policy overrides a less specific one field by field.
 * Immutable.
 *
 * @param filters the filter blocks the policy sets (no plugins)
 * @param maxRequestBodyBytes {@code requestBodyLimit}, or null
 * @param direct {@code directResponse}, or null
 */
record TrafficSettings(
    RouteFilters filters, Long maxRequestBodyBytes, Action.DirectResponse direct) {

  /** Nothing set. */
  static final TrafficSettings NONE = new TrafficSettings(RouteFilters.NONE, null, null);

  TrafficSettings {
    Objects.requireNonNull(filters, "filters");
  }

  /** These settings with each one {@code over} sets replacing this one's. */
  TrafficSettings overriddenBy(TrafficSettings over) {
    return new TrafficSettings(
        filters.overriddenBy(over.filters),
        over.maxRequestBodyBytes != null ? over.maxRequestBodyBytes : maxRequestBodyBytes,
        over.direct != null ? over.direct : direct);
  }

  /**
   * {@code route} with these settings: their filter blocks over the route's own (its plugins are
   * kept), a direct response instead of its action, a body limit instead of its own.
   */
  Route applyTo(Route route) {
    if (equals(NONE)) {
      return route;
    }
    return route.withTraffic(
        route.filters().overriddenBy(filters),
        direct != null ? direct : route.action(),
        maxRequestBodyBytes != null ? maxRequestBodyBytes : route.maxRequestBodyBytes());
  }
}
