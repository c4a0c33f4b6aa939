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

  @Test
  void doubleStarWildcardMatchesOneOrMoreLabels() {
    HostMatcher.Builder<String> b = HostMatcher.builder();
    b.add("**.foo.com", "multi-foo");
    HostMatcher<String> m = b.build();
    assertThat(m.match("a.foo.com")).isEqualTo("multi-foo");
    assertThat(m.match("a.b.c.foo.com")).isEqualTo("multi-foo");
    assertThat(m.match("foo.com")).isNull();
    assertThat(m.match("xfoo.com")).isNull();
    assertThat(m.match("a..foo.com")).isNull();
  }

  @Test
  void longestWildcardSuffixWinsAndOneLabelBeatsMultiLabelAtEqualLength() {
    HostMatcher.Builder<String> b = HostMatcher.builder();
    b.add("**.foo.com", "multi-foo");
    b.add("**.bar.foo.com", "multi-bar");
    b.add("*.bar.foo.com", "one-bar");
    b.add("x.bar.foo.com", "exact");
    b.add("*", "any");
    HostMatcher<String> m = b.build();
    assertThat(m.match("x.bar.foo.com")).isEqualTo("exact");
    assertThat(m.match("y.bar.foo.com")).isEqualTo("one-bar");
    assertThat(m.match("z.y.bar.foo.com")).isEqualTo("multi-bar");
    assertThat(m.match("bar.foo.com")).isEqualTo("multi-foo");
    assertThat(m.match("q.foo.com")).isEqualTo("multi-foo");
    assertThat(m.match("example.org")).isEqualTo("any");
  }
}
