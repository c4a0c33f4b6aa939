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

  /** Adds {@code x-plugin: <greeting>} to responses; rejects a config without a greeting. */
  public static final class GreetingPlugin implements FilterPlugin<GreetingPlugin.Config> {

    /** The typed config. */
    public record Config(String greeting, int times) {}

    @Override
    public String name() {
      return "greeting";
    }

    @Override
    public Class<Config> configType() {
      return Config.class;
    }

    @Override
    public ProxyFilter create(Config config) {
      if (config.greeting() == null) {
        throw new IllegalArgumentException("greeting is required");
      }
      String value = config.greeting().repeat(Math.max(1, config.times()));
      return new ProxyFilter() {
        @Override
        public void onResponse(RequestContext ctx, HttpResponse response) {
          response.headers().set("x-plugin", value);
        }
      };
    }
  }

  /** A plugin without settings of its own. */
  abstract static class PlainPlugin implements FilterPlugin<Map<String, Object>> {
    @Override
    @SuppressWarnings("unchecked")
    public Class<Map<String, Object>> configType() {
      return (Class<Map<String, Object>>) (Class<?>) Map.class;
    }

    @Override
    public ProxyFilter create(Map<String, Object> config) {
      return new ProxyFilter() {};
    }
  }

  /** Has the same name as {@link GreetingPlugin}. */
  public static final class ImpostorPlugin extends PlainPlugin {
    @Override
    public String name() {
      return "greeting";
    }
  }

  /** An invalid name. */
  public static final class BadNamePlugin extends PlainPlugin {
    @Override
    public String name() {
      return "Bad Name";
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
    assertThat(plugins.create("greeting", "{\"greeting\": \"hi\", \"times\": 2}")).isNotNull();
  }

  @Test
  void configsThatDoNotBindOrThatThePluginRejectsNameThePlugin(@TempDir Path dir) throws Exception {
    jar(dir.resolve("greeting.jar"), GreetingPlugin.class.getName());
    FilterPlugins plugins = PluginLoader.load(dir);
    assertThatThrownBy(() -> plugins.create("greeting", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("filter plugin \"greeting\" rejected its config: greeting is required");
    assertThatThrownBy(() -> plugins.create("greeting", "{\"greting\": \"hi\"}"))
        .hasMessageContaining("filter plugin \"greeting\": config does not fit Config")
        .hasMessageContaining("greting");
    assertThatThrownBy(() -> plugins.create("greeting", "{\"times\": \"many\"}"))
        .hasMessageContaining("config does not fit Config");
    assertThatThrownBy(() -> plugins.create("greeting", "[1]"))
        .hasMessageContaining("config does not fit Config");
    assertThatThrownBy(() -> plugins.create("absent", "{}"))
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
