package dev.weir.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PathMatcherTest {

  @Test
  void prefixMatchesElementWise() {
    PathMatcher<String> m = PathMatcher.<String>builder().prefix("/foo", "foo").build();
    assertThat(m.match("/foo")).isEqualTo("foo");
    assertThat(m.match("/foo/")).isEqualTo("foo");
    assertThat(m.match("/foo/bar")).isEqualTo("foo");
    assertThat(m.match("/foobar")).isNull();
    assertThat(m.match("/")).isNull();
  }

  @Test
  void trailingSlashOfPrefixIsIgnored() {
    PathMatcher<String> m = PathMatcher.<String>builder().prefix("/foo/", "foo").build();
    assertThat(m.match("/foo")).isEqualTo("foo");
    assertThat(m.match("/foo/x")).isEqualTo("foo");
    assertThat(m.match("/foox")).isNull();
  }

  @Test
  void rootPrefixMatchesEverything() {
    PathMatcher<String> m = PathMatcher.<String>builder().prefix("/", "root").build();
    assertThat(m.match("/")).isEqualTo("root");
    assertThat(m.match("/anything/at/all")).isEqualTo("root");
  }

  @Test
  void exactMatchesOnlyEqualPath() {
    PathMatcher<String> m = PathMatcher.<String>builder().exact("/foo", "exact").build();
    assertThat(m.match("/foo")).isEqualTo("exact");
    assertThat(m.match("/foo/")).isNull();
    assertThat(m.match("/foo/bar")).isNull();
  }

  @Test
  void exactBeforePrefixWhenListedFirst() {
    PathMatcher<String> m =
        PathMatcher.<String>builder().exact("/foo", "exact").prefix("/foo", "prefix").build();
    assertThat(m.match("/foo")).isEqualTo("exact");
    assertThat(m.match("/foo/x")).isEqualTo("prefix");
  }

  @Test
  void longestPrefixWinsInControllerOrder() {
    PathMatcher<String> m =
        PathMatcher.<String>builder()
            .prefix("/a/b/c", "abc")
            .prefix("/a/b", "ab")
            .prefix("/", "root")
            .build();
    assertThat(m.match("/a/b/c/d")).isEqualTo("abc");
    assertThat(m.match("/a/b/x")).isEqualTo("ab");
    assertThat(m.match("/a/bc")).isEqualTo("root");
  }

  @Test
  void firstMatchWinsEvenWhenAShorterPrefixComesFirst() {
    PathMatcher<String> m =
        PathMatcher.<String>builder()
            .prefix("/a", "a")
            .prefix("/a/b", "ab")
            .exact("/a/b", "exact")
            .build();
    // Precedence order decides: "/a" is listed first, so it shadows both later routes.
    assertThat(m.match("/a/b/c")).isEqualTo("a");
    assertThat(m.match("/a/b")).isEqualTo("a");
  }
}
