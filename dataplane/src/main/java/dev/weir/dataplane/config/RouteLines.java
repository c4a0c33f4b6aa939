package dev.weir.dataplane.config;

import dev.weir.api.config.v1.Route;
import dev.weir.dataplane.routing.Backend;
import dev.weir.dataplane.routing.RouteAction;
import dev.weir.dataplane.routing.RouteConditions;
import dev.weir.dataplane.routing.RouteEntry;
import dev.weir.dataplane.routing.RouteTimeouts;
import java.util.List;

/** The {@code /config} line of a compiled route, written by {@link RouteCompiler}. Stateless. */
final class RouteLines {

  private RouteLines() {}

  /**
   * One {@code /config} line: match, action (error backends as {@code error STATUS}), modifiers,
   * rewrite, mirrors, retry, CORS, timeouts; never secrets.
   */
  static String describe(Route route, RouteEntry entry) {
    StringBuilder out = new StringBuilder();
    out.append(entry.pathKind()).append(' ').append(route.getPath().getValue());
    RouteConditions c = entry.conditions();
    if (c.method() != null) {
      out.append(" method=").append(c.method());
    }
    c.headers().forEach(h -> out.append(" header ").append(h));
    c.queryParams().forEach(q -> out.append(" query ").append(q));
    out.append(" -> ");
    switch (entry.action()) {
      case RouteAction.Forward f -> {
        List<Backend> bs = f.backends().choices();
        for (int i = 0; i < bs.size(); i++) {
          Backend b = bs.get(i);
          out.append(i == 0 ? "" : ", ")
              .append(b.cluster() == null ? "error " + b.errorStatus() : b.cluster().name());
          if (bs.size() > 1) {
            out.append(" weight=").append(b.weight());
          }
          if (!b.requestHeaders().isEmpty()) {
            out.append(" [request ").append(b.requestHeaders()).append(']');
          }
          if (!b.responseHeaders().isEmpty()) {
            out.append(" [response ").append(b.responseHeaders()).append(']');
          }
        }
      }
      case RouteAction.Direct d -> out.append("direct ").append(d.status());
      case RouteAction.Redirect r -> out.append("redirect ").append(r.target());
    }
    if (!entry.rewrite().isEmpty()) {
      out.append(" rewrite ").append(entry.rewrite().toString().trim());
    }
    if (!entry.requestHeaders().isEmpty()) {
      out.append(" request-headers ").append(entry.requestHeaders());
    }
    if (!entry.responseHeaders().isEmpty()) {
      out.append(" response-headers ").append(entry.responseHeaders());
    }
    entry.mirrors().forEach(m -> out.append(" mirror ").append(m));
    if (entry.retry().enabled()) {
      out.append(" retry ").append(entry.retry());
    }
    if (entry.cors() != null) {
      out.append(" cors ").append(entry.cors());
    }
    RouteFiltersCompiler.describe(entry.filters(), out);
    RouteTimeouts t = entry.timeouts();
    if (t.requestMillis() > 0) {
      out.append(" request-timeout=").append(t.requestMillis()).append("ms");
    }
    if (t.backendRequestMillis() > 0) {
      out.append(" backend-timeout=").append(t.backendRequestMillis()).append("ms");
    }
    return out.toString();
  }
}
