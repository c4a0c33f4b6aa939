package dev.weir.controller.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Checks the committed {@code crds/} against what crd-generator wrote for this build ({@code
 * target/classes/META-INF/fabric8/}), and the parts of the generated schema Weir relies on. Run
 * with {@code -Dweir.golden.update=true} to copy the generated files over {@code crds/}.
 */
class CrdFilesTest {

  private static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");
  private static final Path COMMITTED = Path.of("../crds");
  private static final boolean UPDATE = Boolean.getBoolean("weir.golden.update");

  @Test
  void committedCrdsEqualTheGeneratedOnes() throws IOException {
    List<Path> generated;
    try (Stream<Path> files = Files.list(GENERATED)) {
      generated = files.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
    }
    assertThat(generated)
        .extracting(p -> p.getFileName().toString())
        .containsExactly(
            "backendpolicies.weir.dev-v1.yml",
            "filterextensions.weir.dev-v1.yml",
            "trafficpolicies.weir.dev-v1.yml");
    for (Path g : generated) {
      Path committed = COMMITTED.resolve(g.getFileName());
      String want = Files.readString(g);
      if (UPDATE) {
        Files.createDirectories(COMMITTED);
        Files.writeString(committed, want);
        continue;
      }
      if (!Files.exists(committed)) {
        fail("missing " + committed + "; run with -Dweir.golden.update=true to create it");
      }
      assertThat(Files.readString(committed))
          .as("%s differs from the build's; rerun with -Dweir.golden.update=true", committed)
          .isEqualTo(want);
    }
    try (Stream<Path> files = Files.list(COMMITTED)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted())
          .as("crds/ holds a file the build no longer generates")
          .containsExactlyElementsOf(
              generated.stream().map(p -> p.getFileName().toString()).toList());
    }
  }

  @SuppressWarnings("unchecked")
  @Test
  void backendPolicySchemaHasStatusColumnsValidationAndDefaults() throws IOException {
    Map<String, Object> version = version("backendpolicies.weir.dev-v1.yml");
    assertThat(at(version, "subresources", "status")).isEqualTo(Map.of());
    assertThat((List<Object>) version.get("additionalPrinterColumns"))
        .extracting(c -> (Object) ((Map<?, ?>) c).get("name"))
        .containsExactlyInAnyOrder("Accepted", "Age");
    Map<String, Object> spec = at(version, "schema", "openAPIV3Schema", "properties", "spec");
    assertThat((List<Object>) spec.get("required")).containsExactly("targetRefs");
    Map<String, Object> lb = at(spec, "properties", "loadBalancer", "properties", "type");
    assertThat(lb.get("default")).isEqualTo("RoundRobin");
    assertThat((List<Object>) lb.get("enum"))
        .containsExactlyInAnyOrder("RoundRobin", "LeastRequest", "Random", "RingHash", "Maglev");
    Map<String, Object> hc = at(spec, "properties", "healthCheck", "properties");
    assertThat(at(hc, "healthyThreshold").get("minimum")).isEqualTo(1.0);
    assertThat(at(hc, "interval").get("pattern")).isEqualTo(Patterns.DURATION);
    assertThat(at(spec, "properties", "outlierDetection", "properties", "maxEjectionPercent"))
        .containsEntry("maximum", 100.0);
  }

  @SuppressWarnings("unchecked")
  @Test
  void trafficPolicySchemaValidatesItsBlocks() throws IOException {
    Map<String, Object> version = version("trafficpolicies.weir.dev-v1.yml");
    assertThat(at(version, "subresources", "status")).isEqualTo(Map.of());
    Map<String, Object> props =
        at(version, "schema", "openAPIV3Schema", "properties", "spec", "properties");
    assertThat(props)
        .containsKeys(
            "rateLimit",
            "cache",
            "jwt",
            "extAuth",
            "ipAccess",
            "securityHeaders",
            "compression",
            "requestBodyLimit",
            "directResponse",
            "faultInjection");
    assertThat((List<Object>) at(props, "rateLimit").get("required"))
        .containsExactlyInAnyOrder("requests", "unit");
    assertThat(at(props, "rateLimit", "properties", "key").get("default")).isEqualTo("Route");
    assertThat(at(props, "directResponse", "properties", "status"))
        .containsEntry("minimum", 200.0)
        .containsEntry("maximum", 599.0);
  }

  @SuppressWarnings("unchecked")
  @Test
  void filterExtensionSchemaKeepsTheFreeFormConfig() throws IOException {
    Map<String, Object> version = version("filterextensions.weir.dev-v1.yml");
    Map<String, Object> spec = at(version, "schema", "openAPIV3Schema", "properties", "spec");
    assertThat((List<Object>) spec.get("required")).containsExactly("plugin");
    assertThat(at(spec, "properties", "plugin"))
        .containsEntry("pattern", FilterExtensionSpec.PLUGIN_NAME);
    assertThat(at(spec, "properties", "config"))
        .containsEntry("x-kubernetes-preserve-unknown-fields", true);
  }

  @SuppressWarnings("unchecked")
  @Test
  void trafficPolicyJwksTakesAUriASecretOrAConfigMap() throws IOException {
    Map<String, Object> version = version("trafficpolicies.weir.dev-v1.yml");
    Map<String, Object> jwks =
        at(
            version,
            "schema",
            "openAPIV3Schema",
            "properties",
            "spec",
            "properties",
            "jwt",
            "properties",
            "providers",
            "items",
            "properties",
            "jwks",
            "properties");
    assertThat(jwks).containsOnlyKeys("uri", "secretRef", "configMapRef");
  }

  private static Map<String, Object> version(String file) throws IOException {
    @SuppressWarnings("unchecked")
    Map<String, Object> crd =
        new YAMLMapper().readValue(GENERATED.resolve(file).toFile(), Map.class);
    assertThat(at(crd, "spec").get("scope")).isEqualTo("Namespaced");
    List<?> versions = (List<Object>) at(crd, "spec").get("versions");
    assertThat(versions).hasSize(1);
    @SuppressWarnings("unchecked")
    Map<String, Object> v = (Map<String, Object>) versions.get(0);
    assertThat(v).containsEntry("name", "v1alpha1").containsEntry("storage", true);
    return v;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> at(Map<String, Object> map, String... path) {
    Map<String, Object> m = map;
    for (String key : path) {
      assertThat(m).as("schema path %s", String.join(".", path)).containsKey(key);
      m = (Map<String, Object>) m.get(key);
    }
    return m;
  }
}
