package dev.weir.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostMatcherTest {

  private static HostMatcher<String> build(boolean catchAll) {
    HostMatcher.Builder<String> b = HostMatcher.builder();
    b.add("foo.com", "exact-foo");
    b.add("*.foo.com", "wild-foo");
    b.add("*.bar.foo.com", "wild-bar");
    b.add("[::1]", "v6");
    if (catchAll) {
      b.add("*", "any");
    }
    return b.build();
  }

  @Test
  void exactHostWinsOverWildcard() {
    assertThat(build(true).match("foo.com")).isEqualTo("exact-foo");
  }

  @Test
  void wildcardMatchesExactlyOneLabel() {
    HostMatcher<String> m = build(false);
    assertThat(m.match("a.foo.com")).isEqualTo("wild-foo");
    assertThat(m.match("x.y.z.foo.com")).isNull();
    assertThat(m.match("xfoo.com")).isNull();
  }

  @Test
  void longerWildcardSuffixWins() {
    assertThat(build(false).match("a.bar.foo.com")).isEqualTo("wild-bar");
  }

  @Test
  void catchAllIsLast() {
    HostMatcher<String> m = build(true);
    assertThat(m.match("other.org")).isEqualTo("any");
    assertThat(m.match("a.b.foo.com")).isEqualTo("any");
    assertThat(m.match(null)).isEqualTo("any");
  }

  @Test
  void hostIsNormalisedCaseInsensitivelyWithoutPort() {
    assertThat(HostMatcher.normalizeHost("FOO.com:8080")).isEqualTo("foo.com");
    assertThat(HostMatcher.normalizeHost("foo.com.")).isEqualTo("foo.com");
    assertThat(HostMatcher.normalizeHost("[::1]:443")).isEqualTo("[::1]");
    assertThat(HostMatcher.normalizeHost("[::1")).isNull();
    assertThat(HostMatcher.normalizeHost("")).isNull();
    assertThat(build(false).match(HostMatcher.normalizeHost("[::1]:8080"))).isEqualTo("v6");
  }

  @Test
  void firstDomainOwnerWins() {
    HostMatcher.Builder<String> b = HostMatcher.builder();
    assertThat(b.add("a.com", "first")).isTrue();
    assertThat(b.add("A.com", "second")).isFalse();
    assertThat(b.build().match("a.com")).isEqualTo("first");
  }
}
