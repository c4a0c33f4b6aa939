package dev.weir.controller.leader;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this controller replica is the leader, and who is: the one fact that gates every write to
 * the API server (status and Events) and every data-plane stream. A {@link LeaderElection} moves it
 * between leading and standing by; in local mode, or with {@code --leader-elect=false}, it leads
 * from the start and for ever ({@link #alwaysLeader}).
 *
 * <p>Listeners are told of each change on the thread that made it (the elector's), so they must
 * only record or queue. Threading: thread-safe; reads are lock-free.
 */
public final class Leadership {

  private static final Logger log = LoggerFactory.getLogger(Leadership.class);

  /** Told when this replica starts or stops leading. */
  @FunctionalInterface
  public interface Listener {
    /**
     * @param leading true when this replica just became the leader, false when it stopped being it
     */
    void leadershipChanged(boolean leading);
  }

  private final String identity;
  private final AtomicBoolean leading;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private volatile String leader;

  private Leadership(String identity, boolean leading) {
    this.identity = Objects.requireNonNull(identity, "identity");
    this.leading = new AtomicBoolean(leading);
    this.leader = leading ? identity : "";
  }

  /** A replica that leads until an election makes it so: it starts as a standby. */
  public static Leadership elected(String identity) {
    return new Leadership(identity, false);
  }

  /** A replica that is the only one and leads for ever (local mode, or election turned off). */
  public static Leadership alwaysLeader(String identity) {
    return new Leadership(identity, true);
  }

  /** Whether this replica leads now: only then may it write status or serve data planes. */
  public boolean isLeader() {
    return leading.get();
  }

  /** This replica's identity in the Lease. */
  public String identity() {
    return identity;
  }

  /** The identity of the leader as last observed, or "" when none is known. */
  public String leader() {
    return leader;
  }

  /** Registers {@code listener} for later changes. */
  public void addListener(Listener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** This replica acquired the lease (called by the election, and by tests). */
  public void startLeading() {
    leader = identity;
    if (leading.compareAndSet(false, true)) {
      log.info("leader election: {} is now the leader", identity);
      listeners.forEach(l -> l.leadershipChanged(true));
    }
  }

  /**
   * This replica lost the lease, could not renew it, or released it (called by the election, and by
   * tests).
   */
  public void stopLeading() {
    if (leading.compareAndSet(true, false)) {
      if (leader.equals(identity)) {
        leader = "";
      }
      log.warn("leader election: {} stopped leading; standing by", identity);
      listeners.forEach(l -> l.leadershipChanged(false));
    }
  }

  /**
   * The Lease names {@code holder} (null or "" for none) as the leader (called by the election, and
   * by tests).
   */
  public void observeLeader(String holder) {
    String h = holder == null ? "" : holder;
    if (!h.equals(leader)) {
      leader = h;
      if (!h.equals(identity)) {
        log.info("leader election: the leader is {}", h.isEmpty() ? "(none)" : h);
      }
    }
  }
}
