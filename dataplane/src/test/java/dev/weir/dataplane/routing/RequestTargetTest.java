package dev.weir.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestTargetTest {

  @Test
  void originFormSplitsPathAndQuery() {
    RequestTarget t = RequestTarget.parse("/a/b?x=1&y=/2");
    assertThat(t.path()).isEqualTo("/a/b");
    assertThat(t.query()).isEqualTo("x=1&y=/2");
    assertThat(t.authority()).isNull();
    assertThat(t.originForm()).isEqualTo("/a/b?x=1&y=/2");
  }

  @Test
  void absoluteFormGivesAuthorityAndPath() {
    RequestTarget t = RequestTarget.parse("http://Example.com:8080/p?q");
    assertThat(t.authority()).isEqualTo("Example.com:8080");
    assertThat(t.path()).isEqualTo("/p");
    assertThat(RequestTarget.parse("https://example.com").path()).isEqualTo("/");
  }

  @Test
  void otherFormsAreRejected() {
    assertThat(RequestTarget.parse("*")).isNull();
    assertThat(RequestTarget.parse("example.com:443")).isNull();
    assertThat(RequestTarget.parse("ftp://x/y")).isNull();
    assertThat(RequestTarget.parse("http://user@x/y")).isNull();
    assertThat(RequestTarget.parse("")).isNull();
  }

  @Test
  void unreservedEscapesAreDecodedButEncodedSlashIsKept() {
    assertThat(RequestTarget.parse("/%61%62c").path()).isEqualTo("/abc");
    assertThat(RequestTarget.parse("/a%2fb").path()).isEqualTo("/a%2Fb");
    assertThat(RequestTarget.parse("/a%20b").path()).isEqualTo("/a%20b");
  }

  @Test
  void dotSegmentsAreRemovedAfterDecoding() {
    assertThat(RequestTarget.parse("/public/../admin").path()).isEqualTo("/admin");
    assertThat(RequestTarget.parse("/public/%2e%2e/admin").path()).isEqualTo("/admin");
    assertThat(RequestTarget.parse("/a/./b/").path()).isEqualTo("/a/b/");
    assertThat(RequestTarget.parse("/../..").path()).isEqualTo("/");
    assertThat(RequestTarget.parse("/a/..").path()).isEqualTo("/");
  }

  @Test
  void invalidCharactersAndEscapesAreRejected() {
    assertThat(RequestTarget.parse("/a b")).isNull();
    assertThat(RequestTarget.parse("/a%zz")).isNull();
    assertThat(RequestTarget.parse("/a%2")).isNull();
    assertThat(RequestTarget.parse("/a\\b")).isNull();
    assertThat(RequestTarget.parse("/a#frag")).isNull();
    assertThat(RequestTarget.parse("/a?<script>")).isNull();
  }
}
