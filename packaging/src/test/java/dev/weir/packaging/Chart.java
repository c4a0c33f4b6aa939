package dev.weir.packaging;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Helm chart {@code helm/weir} as the tests see it: rendered in process by helm-java (Helm's
 * own Go code through JNI, no helm binary), and parsed into fabric8's model types.
 *
 * <p>Stateless; safe to share between tests.
 */
final class Chart {

  /** The release name and namespace of every rendering, and of {@code manifests/}. */
  static final String RELEASE = "weir";

  static final String NAMESPACE = "weir-system";

  /** The Kubernetes version renderings assume (helm's default, 1.20, is below the chart's). */
  static final String KUBE_VERSION = "1.31.0";

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Chart() {}

  /** The repository root: the parent of this module's folder, where Maven runs the tests. */
  static Path root() {
    Path here = Path.of("").toAbsolutePath();
    return Files.exists(here.resolve("helm")) ? here : here.getParent();
  }

  static Path dir() {
    return root().resolve("helm/weir");
  }

  /** {@code helm template weir helm/weir -n weir-system --kube-version 1.31.0 --set k=v ...}. */
  static String render(Map<String, ?> values) {
    TemplateCommand template =
        new Helm(dir())
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION);
    values.forEach(template::set);
    return template.call();
  }

  /** Each YAML document of {@code rendered} as its fabric8 model type (generic if unknown). */
  static List<HasMetadata> parse(String rendered) {
    List<HasMetadata> out = new ArrayList<>();
    for (String doc : rendered.split("(?m)^---\\s*$")) {
      if (doc.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
        continue;
      }
      out.add(SERIALIZATION.unmarshal(doc, HasMetadata.class));
    }
    return out;
  }

  /** The one object of {@code type} named {@code name}. */
  static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type, String name) {
    return objects.stream()
        .filter(type::isInstance)
        .map(type::cast)
        .filter(o -> o.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
  }

  /**
   * Paths to every field that fabric8 did not know and kept in an {@code additionalProperties} map:
   * a misspelt or misplaced key in a template.
   */
  static List<String> unknownFields(Object model) {
    List<String> out = new ArrayList<>();
    walk(model, "", out, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
    return out;
  }

  private static void walk(Object o, String path, List<String> out, Set<Object> seen) {
    if (o == null || !seen.add(o)) {
      return;
    }
    if (o instanceof Map<?, ?> m) {
      m.forEach((k, v) -> walk(v, path + "." + k, out, seen));
      return;
    }
    if (o instanceof Collection<?> c) {
      int i = 0;
      for (Object v : c) {
        walk(v, path + "[" + i++ + "]", out, seen);
      }
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
          continue;
        }
        f.setAccessible(true);
        Object v;
        try {
          v = f.get(o);
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
        if (f.getName().equals("additionalProperties")) {
          if (v instanceof Map<?, ?> m && !m.isEmpty()) {
            m.keySet().forEach(k -> out.add(path + "." + k));
          }
        } else {
          walk(v, path + "." + f.getName(), out, seen);
        }
      }
    }
  }
}
