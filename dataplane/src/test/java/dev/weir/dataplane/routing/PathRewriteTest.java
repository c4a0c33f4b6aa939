package dev.weir.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathRewriteTest {

  /** Gateway API ReplacePrefixMatch table; the route prefix is given as configured. */
  @ParameterizedTest(name = "{0} with prefix {1} replaced by ''{2}'' -> {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        "/foo/bar | /foo  | /xyz  | /xyz/bar",
        "/foo/bar | /foo  | /xyz/ | /xyz/bar",
        "/foo/bar | /foo/ | /xyz  | /xyz/bar",
        "/foo/bar | /foo/ | /xyz/ | /xyz/bar",
        "/foo     | /foo  | /xyz  | /xyz",
        "/foo/    | /foo  | /xyz  | /xyz/",
        "/foo/bar | /foo  | ''    | /bar",
        "/foo/    | /foo  | ''    | /",
        "/foo     | /foo  | ''    | /",
        "/foo/    | /foo  | /     | /",
        "/foo     | /foo  | /     | /",
        "/foo/bar | /foo  | /     | /bar",
        "/a/b     | /     | /xyz  | /xyz/a/b",
        "/a/b     | /     | /     | /a/b",
        "/foo/bar | /foo  | xyz   | /xyz/bar",
      })
  void prefixReplacementFollowsTheGatewayApi(
      String path, String prefix, String replacement, String expected) {
    String matched = PathMatcher.canonicalPrefix(prefix);
    assertThat(PathMatcher.prefixMatches(matched, path)).isTrue();
    assertThat(new PathRewrite.Prefix(replacement).apply(matched, path)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"/foo/bar, /new, /new", "/, /x/y/, /x/y/"})
  void fullReplacementIgnoresThePath(String path, String full, String expected) {
    assertThat(new PathRewrite.Full(full).apply("", path)).isEqualTo(expected);
  }
}
