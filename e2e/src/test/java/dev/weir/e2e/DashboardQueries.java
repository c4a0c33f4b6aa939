package dev.weir.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every PromQL expression of the chart's Grafana dashboards ({@code helm/weir/dashboards/*.json}),
 * with the template variables replaced as Grafana would with "All" selected: label variables by the
 * regex {@code .*}, {@code $__rate_interval} by a window that holds several 1 s scrapes. Stateless.
 */
final class DashboardQueries {

  /** The rate window for a Prometheus that scrapes every second (Grafana: 4 × scrape interval). */
  static final String RATE_INTERVAL = "15s";

  private static final Path DIR = Path.of("..", "helm", "weir", "dashboards");
  private static final Pattern LABEL_VALUES =
      Pattern.compile("label_values\\((.+),\\s*(\\w+)\\)", Pattern.DOTALL);
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)}?");

  private DashboardQueries() {}

  /**
   * One query of a dashboard: a panel's target, or a query variable's {@code label_values}.
   *
   * @param where dashboard file, then panel title and refId, or the variable's name
   * @param expr the PromQL (a selector for a variable), variables substituted
   * @param label the label a variable lists, {@code null} for a panel's target
   */
  record Query(String where, String expr, String label) {}

  /** Every query of every dashboard, in file and panel order. */
  static List<Query> all() throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<Query> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        JsonNode d = json.readTree(file.toFile());
        String name = file.getFileName().toString();
        for (JsonNode v : d.path("templating").path("list")) {
          if (!v.path("type").asText().equals("query")) {
            continue;
          }
          Matcher m = LABEL_VALUES.matcher(v.path("definition").asText());
          if (!m.matches()) {
            throw new IllegalStateException(
                name + ": variable " + v.path("name") + " is not label_values(selector, label)");
          }
          out.add(
              new Query(name + " $" + v.path("name").asText(), substitute(m.group(1)), m.group(2)));
        }
        for (JsonNode p : d.path("panels")) {
          for (JsonNode t : p.path("targets")) {
            out.add(
                new Query(
                    name + " \"" + p.path("title").asText() + "\" " + t.path("refId").asText(),
                    substitute(t.path("expr").asText()),
                    null));
          }
        }
      }
    }
    return out;
  }

  /** {@code expr} with Grafana's variables replaced ("All" for every label variable). */
  static String substitute(String expr) {
    return VARIABLE
        .matcher(expr)
        .replaceAll(m -> m.group(1).equals("__rate_interval") ? RATE_INTERVAL : ".*");
  }
}
