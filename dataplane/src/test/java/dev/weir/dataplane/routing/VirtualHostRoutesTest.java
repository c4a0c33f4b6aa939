package dev.weir.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class VirtualHostRoutesTest {

  private int order;

  private RouteEntry route(
      String name, RouteEntry.PathKind kind, String path, RouteConditions conditions) {
    return new RouteEntry(
        name,
        "HTTPRoute default/" + name,
        new RouteAction.Direct(200, name),
        order++,
        kind,
        kind == RouteEntry.PathKind.PREFIX ? PathMatcher.canonicalPrefix(path) : path,
        conditions,
        HeaderModifier.NONE,
        HeaderModifier.NONE,
        UrlRewrite.NONE,
        RouteTimeouts.NONE,
        List.of(),
        null,
        RetryPolicy.NONE,
        0);
  }

  private RouteEntry prefix(String name, String path) {
    return route(name, RouteEntry.PathKind.PREFIX, path, RouteConditions.NONE);
  }

  private static RouteConditions headers(String name, StringMatcher value) {
    return new RouteConditions(
        null, List.of(new RouteConditions.Condition(name, value)), List.of(), null);
  }

  private static RouteRequest request(String method, String query, String... headerPairs) {
    HttpHeaders h = new DefaultHttpHeaders();
    for (int i = 0; i < headerPairs.length; i += 2) {
      h.add(headerPairs[i], headerPairs[i + 1]);
    }
    return new RouteRequest(method, h, query);
  }

  private static String name(RouteEntry e) {
    return e == null ? null : e.name();
  }

  @Test
  void aConditionalRouteEarlierInOrderBeatsALongerPathOnlyRoute() {
    VirtualHostRoutes routes =
        VirtualHostRoutes.builder()
            .add(
                route(
                    "canary",
                    RouteEntry.PathKind.PREFIX,
                    "/",
                    headers("x-canary", new StringMatcher.Exact("yes"))))
            .add(prefix("api", "/api"))
            .add(prefix("root", "/"))
            .build();
    assertThat(name(routes.match("/api/x", request("GET", null, "X-Canary", "yes"))))
        .isEqualTo("canary");
    assertThat(name(routes.match("/api/x", request("GET", null, "x-canary", "YES"))))
        .isEqualTo("api");
    assertThat(name(routes.match("/other", request("GET", null)))).isEqualTo("root");
  }

  @Test
  void aPathOnlyRouteEarlierInOrderBeatsALaterConditionalRoute() {
    VirtualHostRoutes routes =
        VirtualHostRoutes.builder()
            .add(prefix("api", "/api"))
            .add(
                route(
                    "get-only",
                    RouteEntry.PathKind.PREFIX,
                    "/",
                    new RouteConditions(null, List.of(), List.of(), "GET")))
            .build();
    assertThat(name(routes.match("/api", request("GET", null)))).isEqualTo("api");
    assertThat(name(routes.match("/x", request("GET", null)))).isEqualTo("get-only");
    assertThat(routes.match("/x", request("POST", null))).isNull();
    assertThat(routes.match("/x", request("get", null))).isNull();
  }

  @Test
  void regexPathMustMatchTheWholePath() {
    VirtualHostRoutes routes =
        VirtualHostRoutes.builder()
            .add(
                route(
                    "re",
                    RouteEntry.PathKind.REGEX,
                    "/v[0-9]+/.*",
                    new RouteConditions(
                        Pattern.compile("/v[0-9]+/.*"), List.of(), List.of(), null)))
            .build();
    assertThat(name(routes.match("/v12/items", request("GET", null)))).isEqualTo("re");
    assertThat(routes.match("/x/v1/items", request("GET", null))).isNull();
    assertThat(routes.match("/v1", request("GET", null))).isNull();
  }

  @Test
  void headerValuesAreJoinedAndMatchedByRegexWhole() {
    VirtualHostRoutes routes =
        VirtualHostRoutes.builder()
            .add(
                route(
                    "joined",
                    RouteEntry.PathKind.EXACT,
                    "/h",
                    headers("x-v", new StringMatcher.Regex(Pattern.compile("a,b")))))
            .add(
                route(
                    "partial",
                    RouteEntry.PathKind.EXACT,
                    "/h",
                    headers("x-v", new StringMatcher.Regex(Pattern.compile("a")))))
            .build();
    assertThat(name(routes.match("/h", request("GET", null, "x-v", "a", "X-V", "b"))))
        .isEqualTo("joined");
    assertThat(name(routes.match("/h", request("GET", null, "x-v", "a")))).isEqualTo("partial");
    assertThat(routes.match("/h", request("GET", null, "x-v", "ab"))).isNull();
    assertThat(routes.match("/h", request("GET", null))).isNull();
  }

  @Test
  void queryParametersAreDecodedAndFirstValueMatched() {
    VirtualHostRoutes routes =
        VirtualHostRoutes.builder()
            .add(
                route(
                    "q",
                    RouteEntry.PathKind.PREFIX,
                    "/",
                    new RouteConditions(
                        null,
                        List.of(),
                        List.of(
                            new RouteConditions.Condition(
                                "animal", new StringMatcher.Exact("white whale"))),
                        null)))
            .add(prefix("fallback", "/"))
            .build();
    assertThat(name(routes.match("/", request("GET", "animal=white%20whale&animal=x"))))
        .isEqualTo("q");
    assertThat(name(routes.match("/", request("GET", "animal=x&animal=white%20whale"))))
        .isEqualTo("fallback");
    assertThat(name(routes.match("/", request("GET", "Animal=white%20whale"))))
        .isEqualTo("fallback");
  }

  @Test
  void allConditionsMustHold() {
    RouteConditions all =
        new RouteConditions(
            null,
            List.of(new RouteConditions.Condition("x-a", new StringMatcher.Exact("1"))),
            List.of(new RouteConditions.Condition("b", new StringMatcher.Exact("2"))),
            "PUT");
    VirtualHostRoutes routes =
        VirtualHostRoutes.builder()
            .add(route("all", RouteEntry.PathKind.PREFIX, "/p", all))
            .build();
    assertThat(name(routes.match("/p/q", request("PUT", "b=2", "x-a", "1")))).isEqualTo("all");
    assertThat(routes.match("/p/q", request("GET", "b=2", "x-a", "1"))).isNull();
    assertThat(routes.match("/p/q", request("PUT", "b=3", "x-a", "1"))).isNull();
    assertThat(routes.match("/p/q", request("PUT", "b=2", "x-a", "2"))).isNull();
    assertThat(routes.match("/pq", request("PUT", "b=2", "x-a", "1"))).isNull();
  }

  @Test
  void splitByFirstSegmentGivesTheSameAnswerAsCheckingEveryRouteInOrder() {
    Random random = new Random(42);
    String[] segments = {"api", "app", "ap", "static", "v1", "users", "x"};
    List<RouteEntry> all = new ArrayList<>();
    VirtualHostRoutes.Builder builder = VirtualHostRoutes.builder();
    for (int i = 0; i < 400; i++) {
      String a = segments[random.nextInt(segments.length)];
      String b = segments[random.nextInt(segments.length)];
      RouteConditions canary =
          random.nextInt(4) == 0
              ? headers("x-canary", new StringMatcher.Exact("1"))
              : RouteConditions.NONE;
      String regex =
          switch (random.nextInt(8)) {
            case 0 -> "/" + a + "/" + b + "/[0-9]+";
            case 1 -> "^/" + a + "/.*";
            case 2 -> "/" + a + ".*"; // no complete first segment: checked for every path
            case 3 -> "/" + a + "/?" + b;
            case 4 -> "/(" + a + "|" + b + ")/.*";
            case 5 -> "/" + a + "+/" + b;
            case 6 -> "/" + a + "\\.json";
            default -> "/" + a + "/" + b + "{0,1}";
          };
      RouteEntry r =
          switch (random.nextInt(6)) {
            case 0 -> route("r" + i, RouteEntry.PathKind.EXACT, "/" + a + "/" + b, canary);
            case 1 -> route("r" + i, RouteEntry.PathKind.EXACT, "/" + a, canary);
            case 2 -> route("r" + i, RouteEntry.PathKind.PREFIX, "/" + a + "/" + b + "/", canary);
            case 3 ->
                route(
                    "r" + i,
                    RouteEntry.PathKind.PREFIX,
                    random.nextInt(20) == 0 ? "/" : "/" + a,
                    canary);
            default ->
                route(
                    "r" + i,
                    RouteEntry.PathKind.REGEX,
                    regex,
                    new RouteConditions(Pattern.compile(regex), canary.headers(), List.of(), null));
          };
      all.add(r);
      builder.add(r);
    }
    VirtualHostRoutes routes = builder.build();
    int hits = 0;
    for (int i = 0; i < 5000; i++) {
      StringBuilder path = new StringBuilder();
      for (int n = random.nextInt(4); n >= 0; n--) {
        path.append('/').append(segments[random.nextInt(segments.length)]);
        if (random.nextInt(6) == 0) {
          path.append(random.nextInt(3));
        }
      }
      if (random.nextInt(10) == 0) {
        path.append(random.nextBoolean() ? "/" : ".json");
      }
      String p = path.toString();
      RouteRequest req =
          random.nextBoolean() ? request("GET", null, "x-canary", "1") : request("GET", null);
      RouteEntry expected = null;
      for (RouteEntry r : all) {
        boolean pathMatches =
            switch (r.pathKind()) {
              case PREFIX -> PathMatcher.prefixMatches(r.path(), p);
              case EXACT -> r.path().equals(p);
              case REGEX -> true;
            };
        if (pathMatches && r.conditions().matches(p, req)) {
          expected = r;
          break;
        }
      }
      assertThat(name(routes.match(p, req))).as(p).isEqualTo(name(expected));
      hits += expected == null ? 0 : 1;
    }
    assertThat(hits).as("the paths hit routes often enough to test the split").isGreaterThan(2500);
  }

  @Test
  void aRouteIsGroupedByTheSegmentAllItsPathsStartWith() {
    assertThat(VirtualHostRoutes.requiredSegment(prefix("p", "/api/v1"))).isEqualTo("api");
    assertThat(VirtualHostRoutes.requiredSegment(prefix("p", "/api/"))).isEqualTo("api");
    assertThat(VirtualHostRoutes.requiredSegment(prefix("p", "/"))).isNull();
    assertThat(VirtualHostRoutes.requiredSegment(regex("/api/[0-9]+"))).isEqualTo("api");
    assertThat(VirtualHostRoutes.requiredSegment(regex("^/api/v1"))).isEqualTo("api");
    assertThat(VirtualHostRoutes.requiredSegment(regex("/api"))).isNull();
    assertThat(VirtualHostRoutes.requiredSegment(regex("/api.*"))).isNull();
    assertThat(VirtualHostRoutes.requiredSegment(regex("/api/?x"))).isNull();
    assertThat(VirtualHostRoutes.requiredSegment(regex("/api+/x"))).isNull(); // "/apii/x"
    assertThat(VirtualHostRoutes.requiredSegment(regex("/a/x|/b/y"))).isNull();
    assertThat(VirtualHostRoutes.requiredSegment(regex("(?i)/api/.*"))).isNull();
  }

  private RouteEntry regex(String regex) {
    return route(
        "re",
        RouteEntry.PathKind.REGEX,
        regex,
        new RouteConditions(Pattern.compile(regex), List.of(), List.of(), null));
  }
}
