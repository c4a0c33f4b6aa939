package dev.weir.dataplane.plugin;

import dev.weir.dataplane.filter.FilterPlugin;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads {@link FilterPlugin}s from the {@code *.jar} files of one folder, once, at start-up. All
 * jars share one class loader whose parent is the data plane's, so plugins see the filter API and
 * Netty, and may depend on each other. Any problem (an unreadable jar, a provider that fails to
 * load, a bad or duplicate name) stops the start: a data plane never runs with half its plugins.
 *
 * <p>Stateless; not for the event loops.
 */
public final class PluginLoader {

  private static final Logger log = LoggerFactory.getLogger(PluginLoader.class);

  private PluginLoader() {}

  /**
   * Every plugin in the jars of {@code folder}, in name order.
   *
   * @throws IllegalStateException naming the jar or plugin at fault
   */
  public static FilterPlugins load(Path folder) {
    List<Path> jars;
    try (Stream<Path> files = Files.list(folder)) {
      jars = files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      throw new IllegalStateException("cannot list plugin folder " + folder + ": " + e, e);
    }
    List<URL> urls = new ArrayList<>();
    for (Path jar : jars) {
      try {
        urls.add(jar.toUri().toURL());
      } catch (MalformedURLException e) {
        throw new IllegalStateException("bad plugin jar path " + jar, e);
      }
    }
    // Lives as long as the process: plugins are never unloaded.
    URLClassLoader loader =
        new URLClassLoader(urls.toArray(URL[]::new), PluginLoader.class.getClassLoader());
    List<FilterPlugin<?>> found = new ArrayList<>();
    try {
      for (FilterPlugin<?> plugin : ServiceLoader.load(FilterPlugin.class, loader)) {
        found.add(plugin);
      }
    } catch (ServiceConfigurationError e) {
      throw new IllegalStateException("cannot load a filter plugin from " + folder + ": " + e, e);
    }
    FilterPlugins plugins = FilterPlugins.of(found);
    for (FilterPlugin<?> plugin : found) {
      log.info(
          "loaded filter plugin {} ({}) from {}",
          plugin.name(),
          plugin.getClass().getName(),
          source(plugin));
    }
    if (found.isEmpty()) {
      log.warn("plugin folder {} holds no filter plugin ({} jars)", folder, jars.size());
    }
    return plugins;
  }

  private static String source(FilterPlugin<?> plugin) {
    var domain = plugin.getClass().getProtectionDomain();
    return domain == null || domain.getCodeSource() == null
        ? "?"
        : String.valueOf(domain.getCodeSource().getLocation());
  }
}
