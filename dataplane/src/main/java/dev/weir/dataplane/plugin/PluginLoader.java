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
import java.util.TreeMap;
import java.util.regex.Pattern;
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

  /** The syntax of {@link FilterPlugin#name()}. */
  static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

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
    TreeMap<String, FilterPlugin> byName = new TreeMap<>();
    try {
      for (FilterPlugin plugin : ServiceLoader.load(FilterPlugin.class, loader)) {
        String name = plugin.name();
        if (name == null || !NAME.matcher(name).matches()) {
          throw new IllegalStateException(
              "plugin " + plugin.getClass().getName() + " has an invalid name \"" + name + "\"");
        }
        FilterPlugin other = byName.putIfAbsent(name, plugin);
        if (other != null) {
          throw new IllegalStateException(
              "two plugins are named \""
                  + name
                  + "\": "
                  + other.getClass().getName()
                  + " and "
                  + plugin.getClass().getName());
        }
        log.info(
            "loaded filter plugin {} ({}) from {}",
            name,
            plugin.getClass().getName(),
            source(plugin));
      }
    } catch (ServiceConfigurationError e) {
      throw new IllegalStateException("cannot load a filter plugin from " + folder + ": " + e, e);
    }
    if (byName.isEmpty()) {
      log.warn("plugin folder {} holds no filter plugin ({} jars)", folder, jars.size());
    }
    return new FilterPlugins(byName);
  }

  private static String source(FilterPlugin plugin) {
    var domain = plugin.getClass().getProtectionDomain();
    return domain == null || domain.getCodeSource() == null
        ? "?"
        : String.valueOf(domain.getCodeSource().getLocation());
  }
}
