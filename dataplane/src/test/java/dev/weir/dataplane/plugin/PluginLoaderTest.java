package dev.weir.dataplane.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.dataplane.filter.FilterPlugin;
import dev.weir.dataplane.filter.ProxyFilter;
import dev.weir.dataplane.filter.RequestContext;
import io.netty.handler.codec.http.HttpResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginLoaderTest {

  /** Adds {@code x-plugin: <greeting>} to responses; rejects settings without a greeting. */
  public static final class GreetingPlugin implements FilterPlugin {
    @Override
    public String name() {
      return "greeting";
    }

    @Override
    public ProxyFilter create(Map<String, String> settings) {
      String greeting = settings.get("greeting");
      if (greeting == null) {
        throw new IllegalArgumentException("greeting is required");
      }
      return new ProxyFilter() {
        @Override
        public void onResponse(RequestContext ctx, HttpResponse response) {
          response.headers().set("x-plugin", greeting);
        }
      };
    }
  }

  /** Has the same name as {@link GreetingPlugin}. */
  public static final class ImpostorPlugin implements FilterPlugin {
    @Override
    public String name() {
      return "greeting";
    }

    @Override
    public ProxyFilter create(Map<String, String> settings) {
      return new ProxyFilter() {};
    }
  }

  /** An invalid name. */
  public static final class BadNamePlugin implements FilterPlugin {
    @Override
    public String name() {
      return "Bad Name";
    }

    @Override
    public ProxyFilter create(Map<String, String> settings) {
      return new ProxyFilter() {};
    }
  }

  /** A jar whose service file lists {@code providers}. */
  static void jar(Path file, String... providers) throws IOException {
    try (OutputStream out = Files.newOutputStream(file);
        JarOutputStream jar = new JarOutputStream(out)) {
      jar.putNextEntry(new JarEntry("META-INF/services/" + FilterPlugin.class.getName()));
      jar.write((String.join("\n", providers) + "\n").getBytes(StandardCharsets.UTF_8));
      jar.closeEntry();
    }
  }

  @Test
  void pluginsListedInAJarAreLoadedByName(@TempDir Path dir) throws Exception {
    jar(dir.resolve("greeting.jar"), GreetingPlugin.class.getName());
    Files.writeString(dir.resolve("notes.txt"), "not a jar");
    FilterPlugins plugins = PluginLoader.load(dir);
    assertThat(plugins.names()).containsExactly("greeting");
    assertThat(plugins.create("greeting", Map.of("greeting", "hi"))).isNotNull();
  }

  @Test
  void settingsThePluginRejectsNameThePlugin(@TempDir Path dir) throws Exception {
    jar(dir.resolve("greeting.jar"), GreetingPlugin.class.getName());
    FilterPlugins plugins = PluginLoader.load(dir);
    assertThatThrownBy(() -> plugins.create("greeting", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("filter plugin \"greeting\" rejected its settings: greeting is required");
    assertThatThrownBy(() -> plugins.create("absent", Map.of()))
        .hasMessageContaining("filter plugin \"absent\" is not loaded (loaded: [greeting])");
  }

  @Test
  void twoPluginsWithOneNameStopTheStart(@TempDir Path dir) throws Exception {
    jar(dir.resolve("a.jar"), GreetingPlugin.class.getName());
    jar(dir.resolve("b.jar"), ImpostorPlugin.class.getName());
    assertThatThrownBy(() -> PluginLoader.load(dir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("two plugins are named \"greeting\"");
  }

  @Test
  void anInvalidNameStopsTheStart(@TempDir Path dir) throws Exception {
    jar(dir.resolve("a.jar"), BadNamePlugin.class.getName());
    assertThatThrownBy(() -> PluginLoader.load(dir))
        .hasMessageContaining("has an invalid name \"Bad Name\"");
  }

  @Test
  void aProviderThatCannotBeLoadedStopsTheStart(@TempDir Path dir) throws Exception {
    jar(dir.resolve("a.jar"), "com.example.Missing");
    assertThatThrownBy(() -> PluginLoader.load(dir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot load a filter plugin")
        .hasMessageContaining("com.example.Missing");
  }

  @Test
  void aMissingFolderStopsTheStart(@TempDir Path dir) {
    assertThatThrownBy(() -> PluginLoader.load(dir.resolve("absent")))
        .hasMessageContaining("cannot list plugin folder");
  }

  @Test
  void noPluginsIsEmpty() {
    assertThat(FilterPlugins.none().names()).isEmpty();
  }
}
