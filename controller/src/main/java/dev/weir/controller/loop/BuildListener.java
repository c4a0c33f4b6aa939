package dev.weir.controller.loop;

/**
 * Receives each build from the {@link ControllerLoop}, on the loop's thread: implementations must
 * hand slow work (network, API writes) to their own executor.
 */
@FunctionalInterface
public interface BuildListener {

  /** Called after every build, including those whose version did not change. */
  void onBuild(Build build);
}
