package dev.weir.dataplane.routing;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The conditions of a route beyond a prefix or exact path: a whole-path regex, header matches,
 * query parameter matches and a method. All must hold. Compiled once per snapshot; immutable, any
 * thread.
 *
 * @param pathRegex for a REGEX path match, the whole-path pattern; else {@code null}
 * @param headers header name (lower case) to value matcher
 * @param queryParams parameter name (case-sensitive) to value matcher
 * @param method the required method, or {@code null} for any
 */
public record RouteConditions(
    Pattern pathRegex, List<Condition> headers, List<Condition> queryParams, String method) {

  /** No conditions: the path-only fast path serves such routes. */
  public static final RouteConditions NONE = new RouteConditions(null, List.of(), List.of(), null);

  public RouteConditions {
    headers = List.copyOf(headers);
    queryParams = List.copyOf(queryParams);
  }

  /**
   * One named value condition.
   *
   * @param name the header or parameter name
   * @param value how its value must look
   */
  public record Condition(String name, StringMatcher value) {
    public Condition {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
      return name + value;
    }
  }

  /** Whether there is nothing to check beyond a prefix or exact path. */
  public boolean isEmpty() {
    return pathRegex == null && headers.isEmpty() && queryParams.isEmpty() && method == null;
  }

  /**
   * Whether {@code request} meets every condition; the path itself is checked by the caller except
   * for a regex.
   */
  public boolean matches(String path, RouteRequest request) {
    if (method != null && !method.equals(request.method())) {
      return false;
    }
    if (pathRegex != null && !pathRegex.matcher(path).matches()) {
      return false;
    }
    for (int i = 0; i < headers.size(); i++) {
      Condition c = headers.get(i);
      if (!c.value().matches(request.header(c.name()))) {
        return false;
      }
    }
    for (int i = 0; i < queryParams.size(); i++) {
      Condition c = queryParams.get(i);
      if (!c.value().matches(request.queryParam(c.name()))) {
        return false;
      }
    }
    return true;
  }
}
