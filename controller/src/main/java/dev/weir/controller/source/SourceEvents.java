package dev.weir.controller.source;

import java.util.Locale;

/**
 * Told about every object event a {@link Source} receives, before it filters or stores anything:
 * the controller's metrics count them by kind and type. Implementations must be quick and
 * thread-safe; sources call them from informer and file-watcher threads.
 */
@FunctionalInterface
public interface SourceEvents {

  /** Counts nothing. */
  SourceEvents NONE = (kind, type) -> {};

  /** What happened to an object. */
  enum Type {
    ADDED,
    UPDATED,
    DELETED;

    /** The lower-case name, as a metric label. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * @param kind the object's Kubernetes kind ({@code Ingress}, {@code HTTPRoute}, ...)
   * @param type whether it was added, updated or deleted
   */
  void received(String kind, Type type);
}
