package dev.weir.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
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
}
