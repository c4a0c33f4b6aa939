package dev.weir.controller.source;

import dev.weir.controller.translate.ObjectRef;

/**
 * What a {@link Source} tells the controller loop after it has updated the {@link ObjectStore}.
 * Implementations must return quickly and never block: sources call it from informer or
 * file-watcher threads.
 */
public interface ChangeListener {

  /** One object was added, updated or deleted in the store. */
  void objectChanged(ObjectRef ref);

  /** The source finished its initial read, or its view changed wholesale. */
  void resynced();
}
