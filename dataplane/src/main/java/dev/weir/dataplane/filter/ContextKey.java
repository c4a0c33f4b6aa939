package dev.weir.dataplane.filter;

import java.util.Objects;

/**
 * A typed slot in a {@link RequestContext} for a filter's own per-request state ({@link
 * RequestContext#get}, {@link RequestContext#set}); Weir's answer to Pingora's per-request {@code
 * CTX}. Create one per filter class, as a constant: keys compare by identity, so two filters never
 * see each other's state even with the same name. Immutable.
 *
 * @param <T> the type of the value
 */
public final class ContextKey<T> {

  private final String name;

  private ContextKey(String name) {
    this.name = Objects.requireNonNull(name, "name");
  }

  /**
   * A new key.
   *
   * @param name for messages only
   */
  public static <T> ContextKey<T> of(String name) {
    return new ContextKey<>(name);
  }

  @Override
  public String toString() {
    return "ContextKey(" + name + ")";
  }
}
