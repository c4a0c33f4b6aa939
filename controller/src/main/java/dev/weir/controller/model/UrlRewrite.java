package dev.weir.controller.model;

import java.util.Objects;
import java.util.Optional;

/**
 * Changes to the forwarded request's URL (Gateway API URLRewrite filter).
 *
 * @param hostname the Host header sent upstream, or "" to keep the request's
 * @param path the path change, if any
 */
public record UrlRewrite(String hostname, Optional<PathRewrite> path) {

  /** No rewrite. */
  public static final UrlRewrite NONE = new UrlRewrite("", Optional.empty());

  public UrlRewrite {
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(path, "path");
  }
}
