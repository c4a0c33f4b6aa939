package dev.weir.controller.validate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostPathValidatorTest {

  @ParameterizedTest
  @ValueSource(strings = {"foo.example.com", "*.example.com", "a", "x-1.y2.z", "*.a.b.c"})
  void validHostsAreAccepted(String host) {
    assertThat(HostPathValidator.checkHost(host)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "Foo.example.com",
        "10.0.0.1",
        "*.10.0.0.1",
        "foo.example.com:80",
        "[::1]",
        "foo..example.com",
        "-foo.example.com",
        "foo-.example.com",
        "foo.*.example.com",
        "*",
        "**.example.com",
        "foo_bar.example.com",
        "example.com."
      })
  void invalidHostsAreRefused(String host) {
    assertThat(HostPathValidator.checkHost(host)).isPresent();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/",
        "/foo",
        "/foo/",
        "/a/b.c/d",
        "/%2F",
        "/~user",
        "/a:b@c",
        "/x;y=1,2",
        "/.well-known"
      })
  void validPathsAreAccepted(String path) {
    assertThat(HostPathValidator.checkPath(path)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", "foo", "/a b", "/a?b", "/a#b", "/%zz", "/%4", "/a/../b", "/./a", "/..", "/tab\t",
        "/ünï", "/a\\b", "/{x}"
      })
  void invalidPathsAreRefused(String path) {
    assertThat(HostPathValidator.checkPath(path)).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/a\nb", "/\u0000"})
  void messagesStayOnOneLine(String path) {
    assertThat(HostPathValidator.checkPath(path)).get().asString().doesNotContain("\n", "\u0000");
  }
}
