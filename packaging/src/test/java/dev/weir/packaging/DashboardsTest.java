package dev.weir.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart's Grafana dashboards ({@code helm/weir/dashboards/*.json}): each is a dashboard Grafana
 * can import whatever its Prometheus data source is called, and the chart ships each as its own
 * ConfigMap for Grafana's sidecar. (That every query returns data from a real Weir is {@code
 * DashboardQueriesE2E}.)
 */
class DashboardsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What every panel and target names as its data source: the dashboard's variable. */
  private static final JsonNode DATASOURCE =
      JSON.createObjectNode().put("type", "prometheus").put("uid", "${datasource}");

  /** Template variables Grafana defines itself. */
  private static final Set<String> BUILT_IN =
      Set.of("__rate_interval", "__interval", "__range", "__interval_ms", "__range_s");

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)");

  static List<Path> dashboards() {
    try (Stream<Path> files = Files.list(Chart.dir().resolve("dashboards"))) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode read(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void theChartHasTheThreeDashboardsWithUniqueUids() {
    assertThat(dashboards())
        .extracting(p -> p.getFileName().toString())
        .containsExactly(
            "weir-controller.json", "weir-dataplane.json", "weir-gateway-overview.json");
    Set<String> uids = new HashSet<>();
    for (Path p : dashboards()) {
      assertThat(uids.add(read(p).path("uid").asText())).as("uid of %s is unique", p).isTrue();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dashboards")
  void dashboardHasItsRequiredFieldsAndADatasourceVariable(Path file) {
    JsonNode d = read(file);
    assertThat(d.path("uid").asText()).matches("[a-z0-9-]{1,40}");
    assertThat(d.path("title").asText()).isNotBlank();
    assertThat(d.path("schemaVersion").isInt()).isTrue();
    assertThat(d.path("schemaVersion").asInt()).isBetween(36, 41);
    List<JsonNode> variables = list(d.path("templating").path("list"));
    assertThat(variables)
        .anySatisfy(
            v -> {
              assertThat(v.path("name").asText()).isEqualTo("datasource");
              assertThat(v.path("type").asText()).isEqualTo("datasource");
              assertThat(v.path("query").asText()).isEqualTo("prometheus");
            });
    for (JsonNode v : variables) {
      if (v.path("type").asText().equals("query")) {
        assertThat(v.path("datasource")).as("variable %s", v.path("name")).isEqualTo(DATASOURCE);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dashboards")
  void everyPanelHasAPlaceTargetsAndTheDatasourceVariable(Path file) {
    JsonNode d = read(file);
    Set<String> defined = new HashSet<>(BUILT_IN);
    list(d.path("templating").path("list")).forEach(v -> defined.add(v.path("name").asText()));
    List<JsonNode> panels = list(d.path("panels"));
    assertThat(panels).isNotEmpty();
    Set<Integer> ids = new HashSet<>();
    List<int[]> placed = new ArrayList<>();
    for (JsonNode p : panels) {
      String title = p.path("title").asText();
      assertThat(title).isNotBlank();
      assertThat(ids.add(p.path("id").asInt(-1))).as("%s: id present and unique", title).isTrue();
      assertThat(p.path("type").asText()).as(title).isNotBlank();
      assertThat(p.path("datasource")).as("%s: datasource", title).isEqualTo(DATASOURCE);
      JsonNode pos = p.path("gridPos");
      int[] box = {pos.path("x").asInt(-1), pos.path("y").asInt(-1), pos.path("w").asInt(0)};
      int h = pos.path("h").asInt(0);
      assertThat(box[0]).as("%s: gridPos.x", title).isBetween(0, 23);
      assertThat(box[1]).as("%s: gridPos.y", title).isNotNegative();
      assertThat(box[0] + box[2]).as("%s: gridPos x + w", title).isBetween(1, 24);
      assertThat(h).as("%s: gridPos.h", title).isPositive();
      for (int[] other : placed) {
        boolean overlaps =
            box[0] < other[0] + other[2]
                && other[0] < box[0] + box[2]
                && box[1] < other[1] + other[3]
                && other[1] < box[1] + h;
        assertThat(overlaps).as("%s overlaps another panel", title).isFalse();
      }
      placed.add(new int[] {box[0], box[1], box[2], h});
      List<JsonNode> targets = list(p.path("targets"));
      assertThat(targets).as("%s: targets", title).isNotEmpty();
      Set<String> refIds = new HashSet<>();
      for (JsonNode t : targets) {
        String expr = t.path("expr").asText();
        assertThat(expr).as("%s: expr", title).isNotBlank();
        assertThat(refIds.add(t.path("refId").asText())).as("%s: refId unique", title).isTrue();
        assertThat(t.path("refId").asText()).as("%s: refId", title).isNotBlank();
        assertThat(t.path("datasource")).as("%s: target datasource", title).isEqualTo(DATASOURCE);
        Matcher m = VARIABLE.matcher(expr);
        while (m.find()) {
          assertThat(defined).as("%s: variable in %s", title, expr).contains(m.group(1));
        }
      }
    }
  }

  @Test
  void theChartShipsOneConfigMapPerDashboardWithTheConfiguredLabels() throws IOException {
    List<HasMetadata> objects =
        Chart.parse(
            Chart.render(
                Map.of("dashboards.enabled", "true", "dashboards.labels.team", "platform")));
    List<ConfigMap> maps =
        objects.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast).toList();
    assertThat(maps).hasSameSizeAs(dashboards());
    for (Path file : dashboards()) {
      String name = file.getFileName().toString();
      ConfigMap map =
          Chart.one(objects, ConfigMap.class, "weir-dashboard-" + name.replace(".json", ""));
      assertThat(map.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
      assertThat(map.getMetadata().getLabels())
          .containsEntry("grafana_dashboard", "1")
          .containsEntry("team", "platform")
          .containsKey("app.kubernetes.io/name");
      assertThat(map.getData()).containsOnlyKeys(name);
      assertThat(JSON.readTree(map.getData().get(name))).isEqualTo(read(file));
    }
  }

  @Test
  void defaultsShipNoDashboard() {
    assertThat(Chart.parse(Chart.render(Map.of()))).noneMatch(ConfigMap.class::isInstance);
  }

  private static List<JsonNode> list(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    return out;
  }
}
