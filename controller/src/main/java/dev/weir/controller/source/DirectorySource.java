package dev.weir.controller.source;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

import dev.weir.controller.translate.ObjectRef;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local mode: reads every {@code *.yaml}/{@code *.yml} file under a folder (recursively) and
 * watches it for changes with a {@link WatchService}, plus a slow periodic rescan as a fallback for
 * file systems that do not report events. A file that fails to parse is logged at ERROR with its
 * name and line, listed in {@link #problems()}, and its last good objects are kept; a deleted file
 * removes its objects. When two files define the same object, the later path wins.
 *
 * <p>Lifecycle: {@link #start} reads the folder on the caller's thread (the source is synced when
 * it returns), then one daemon thread watches. {@link #close} stops it. Thread-safe: all file state
 * is guarded by this object's monitor.
 */
public final class DirectorySource implements Source {

  private static final Logger log = LoggerFactory.getLogger(DirectorySource.class);

  /** How often a source rescans when no file event arrives, unless told otherwise. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(2);

  private final Path root;
  private final ObjectStore store;
  private final Duration pollInterval;
  private final SourceEvents events;
  private final ManifestParser parser = new ManifestParser();

  // Guarded by this.
  private final Map<Path, FileState> files = new TreeMap<>();
  private final Set<Path> watchedDirs = new HashSet<>();
  private Map<ObjectRef, HasMetadata> published = Map.of();
  private ChangeListener listener;
  private WatchService watcher;
  private Thread thread;
  private volatile boolean synced;

  /** One file's last read content, its last good objects, and its current error if any. */
  private record FileState(String content, List<HasMetadata> objects, SourceProblem problem) {}

  /**
   * @param root the folder to read
   * @param store where objects are written
   * @param pollInterval how often to rescan when no file event arrives
   */
  public DirectorySource(Path root, ObjectStore store, Duration pollInterval) {
    this(root, store, pollInterval, SourceEvents.NONE);
  }

  /**
   * @param root the folder to read
   * @param store where objects are written
   * @param pollInterval how often to rescan when no file event arrives
   * @param events told about every object added, changed or removed by the files
   */
  public DirectorySource(Path root, ObjectStore store, Duration pollInterval, SourceEvents events) {
    this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    this.store = Objects.requireNonNull(store, "store");
    this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    this.events = Objects.requireNonNull(events, "events");
  }

  /** A source polling every two seconds besides file events. */
  public DirectorySource(Path root, ObjectStore store) {
    this(root, store, DEFAULT_POLL_INTERVAL);
  }

  @Override
  public void start(ChangeListener listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (this) {
      if (this.listener != null) {
        throw new IllegalStateException("already started");
      }
      if (!Files.isDirectory(root)) {
        throw new IllegalArgumentException("not a directory: " + root);
      }
      this.listener = listener;
      try {
        watcher = root.getFileSystem().newWatchService();
      } catch (IOException e) {
        log.warn("cannot watch {} ({}); polling every {}", root, e.toString(), pollInterval);
      }
      rescan();
      synced = true;
      log.info("read {} files under {} ({} objects)", files.size(), root, published.size());
    }
    listener.resynced();
    thread = Thread.ofPlatform().daemon().name("weir-manifests").start(this::watchLoop);
  }

  @Override
  public boolean hasSynced() {
    return synced;
  }

  @Override
  public synchronized List<SourceProblem> problems() {
    List<SourceProblem> out = new ArrayList<>();
    files.values().forEach(f -> Optional.ofNullable(f.problem()).ifPresent(out::add));
    return out;
  }

  @Override
  public void close() {
    WatchService w;
    synchronized (this) {
      w = watcher;
    }
    if (thread != null) {
      thread.interrupt();
    }
    if (w != null) {
      try {
        w.close();
      } catch (IOException e) {
        log.debug("closing the watch service: {}", e.toString());
      }
    }
    if (thread != null) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void watchLoop() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        if (watcher != null) {
          WatchKey key = watcher.poll(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
          if (key != null) {
            key.pollEvents(); // which file changed does not matter: a rescan compares content
            key.reset();
            // Editors write in several steps (truncate, write, rename); let them finish.
            Thread.sleep(20);
            drain();
          }
        } else {
          Thread.sleep(pollInterval.toMillis());
        }
        synchronized (this) {
          rescan();
        }
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      } catch (RuntimeException e) {
        log.error("rescanning {} failed: {}", root, e.toString());
      }
    }
  }

  /** Discards events that are already pending, since the rescan that follows covers them. */
  private void drain() {
    WatchKey key;
    while ((key = watcher.poll()) != null) {
      key.pollEvents();
      key.reset();
    }
  }

  /** Re-reads changed files and publishes the differences to the store. Caller holds the lock. */
  private void rescan() {
    Set<Path> present = new TreeSet<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.forEach(
          p -> {
            if (Files.isDirectory(p)) {
              register(p);
            } else if (isManifest(p)) {
              present.add(p);
            }
          });
    } catch (IOException | UncheckedIOException e) {
      log.error("cannot list {}: {}", root, e.toString());
      return; // keep everything as it is rather than dropping objects on a transient error
    }
    boolean changed = files.keySet().retainAll(present);
    for (Path p : present) {
      changed |= read(p);
    }
    if (changed) {
      publish();
    }
  }

  private static boolean isManifest(Path p) {
    String name = p.getFileName().toString();
    return (name.endsWith(".yaml") || name.endsWith(".yml")) && !name.startsWith(".");
  }

  private void register(Path dir) {
    if (watcher != null && watchedDirs.add(dir)) {
      try {
        dir.register(watcher, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY);
      } catch (IOException e) {
        log.warn("cannot watch {}: {}", dir, e.toString());
      }
    }
  }

  /** Reads one file if its content changed; returns whether its state changed. */
  private boolean read(Path p) {
    String content;
    try {
      content = Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      log.debug("cannot read {} yet: {}", p, e.toString()); // deleted or being written
      return false;
    }
    FileState old = files.get(p);
    if (old != null && old.content().equals(content)) {
      return false;
    }
    String name = root.relativize(p).toString();
    try {
      files.put(p, new FileState(content, parser.parse(name, content), null));
      if (old != null && old.problem() != null) {
        log.info("{} parses again", name);
      }
    } catch (ManifestParser.ParseException e) {
      SourceProblem problem = new SourceProblem(name, e.line(), e.getMessage());
      log.error("{} is invalid, keeping its last good objects: {}", name, problem);
      files.put(p, new FileState(content, old == null ? List.of() : old.objects(), problem));
    }
    return true;
  }

  /** Writes the merged view of all files to the store and signals each changed object. */
  private void publish() {
    Map<ObjectRef, HasMetadata> merged = new TreeMap<>();
    files.forEach(
        (path, state) -> state.objects().forEach(o -> merged.put(ObjectStore.refOf(o), o)));
    List<ObjectRef> changed = new ArrayList<>();
    for (ObjectRef ref : published.keySet()) {
      if (!merged.containsKey(ref)) {
        store.remove(ref);
        events.received(ref.kind(), SourceEvents.Type.DELETED);
        changed.add(ref);
      }
    }
    merged.forEach(
        (ref, o) -> {
          HasMetadata before = published.get(ref);
          if (!Objects.equals(before, o)) {
            events.received(
                ref.kind(), before == null ? SourceEvents.Type.ADDED : SourceEvents.Type.UPDATED);
            store.put(o);
            changed.add(ref);
          }
        });
    published = merged;
    if (synced) {
      changed.forEach(listener::objectChanged);
    }
  }
}
