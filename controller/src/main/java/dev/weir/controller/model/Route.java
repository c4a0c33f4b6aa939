package dev.weir.controller.model;

import dev.weir.controller.translate.ObjectRef;
import java.util.Objects;

/**
 * One route inside a virtual host.
 *
 * @param name unique within its virtual host, stable across rebuilds
 * @param match the path match
 * @param action what to do with a matching request
 * @param source the object the route came from
 */
public record Route(String name, PathMatch match, Action action, ObjectRef source) {
  public Route {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(match, "match");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(source, "source");
  }
}
