package dev.weir.controller.status;

import dev.weir.controller.loop.Build;
import dev.weir.controller.loop.BuildListener;
import dev.weir.controller.translate.Problem;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each problem once, when it first appears, and notes when it is fixed: the only problem
 * report in local mode, where there is no API server to hold Events.
 *
 * <p>Accessed only from the controller loop's thread.
 */
public final class ProblemLog implements BuildListener {

  private static final Logger log = LoggerFactory.getLogger(ProblemLog.class);
  private Set<Problem> known = Set.of();

  @Override
  public void onBuild(Build build) {
    Set<Problem> now = new TreeSet<>(build.problems());
    for (Problem p : now) {
      if (!known.contains(p)) {
        log.warn("{}: {} {}: {}", p.object(), p.type(), p.reason(), p.message());
      }
    }
    for (Problem p : known) {
      if (!now.contains(p)) {
        log.info("{}: fixed: {} {}", p.object(), p.type(), p.reason());
      }
    }
    known = now;
  }
}
