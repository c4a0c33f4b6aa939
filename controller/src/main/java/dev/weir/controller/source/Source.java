package dev.weir.controller.source;

import java.util.List;

/**
 * Where watched objects come from: the Kubernetes API ({@link KubernetesSource}) or a folder of
 * YAML ({@link DirectorySource}). A source writes every object it sees into the shared {@link
 * ObjectStore} and then signals a {@link ChangeListener}; it never builds anything itself.
 *
 * <p>Lifecycle: {@link #start} once, then {@link #close} once. Implementations are thread-safe.
 */
public interface Source extends AutoCloseable {

  /**
   * Starts watching. Returns promptly; the initial read may complete later, and {@link
   * ChangeListener#resynced()} is called when it has.
   */
  void start(ChangeListener listener);

  /** True once the source's initial read is complete, so a build sees a whole view. */
  boolean hasSynced();

  /** Problems in the input that the source itself found (for example unparsable files). */
  default List<SourceProblem> problems() {
    return List.of();
  }

  /** Stops watching and releases threads. */
  @Override
  void close();
}
