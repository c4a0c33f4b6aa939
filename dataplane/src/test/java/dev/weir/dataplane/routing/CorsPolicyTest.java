package dev.weir.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

class CorsPolicyTest {

  private static CorsPolicy policy(List<String> origins, boolean credentials) {
    return new CorsPolicy(
        origins,
        List.of("GET", "POST"),
        List.of("x-a", "x-b"),
        List.of("x-exposed"),
        credentials,
        0);
  }

  @Test
  void exactOriginsMatchSchemeHostAndPortCaseInsensitively() {
    CorsPolicy p = policy(List.of("https://app.example.com", "http://local:8080"), false);
    assertThat(p.allows("https://app.example.com")).isTrue();
    assertThat(p.allows("HTTPS://App.Example.com")).isTrue();
    assertThat(p.allows("http://app.example.com")).isFalse();
    assertThat(p.allows("https://app.example.com:8443")).isFalse();
    assertThat(p.allows("https://xapp.example.com")).isFalse();
    assertThat(p.allows("http://local:8080")).isTrue();
    assertThat(p.allows("http://local")).isFalse();
    assertThat(p.allows("http://local:8081")).isFalse();
    assertThat(p.allows(null)).isFalse();
    assertThat(p.allows("null")).isFalse();
  }

  @Test
  void wildcardHostLabelMatchesOneOrMoreLabelsButNotTheBareSuffix() {
    CorsPolicy p = policy(List.of("https://*.example.com"), false);
    assertThat(p.allows("https://a.example.com")).isTrue();
    assertThat(p.allows("https://a.b.example.com")).isTrue();
    assertThat(p.allows("https://example.com")).isFalse();
    assertThat(p.allows("https://.example.com")).isFalse();
    assertThat(p.allows("https://aexample.com")).isFalse();
    assertThat(p.allows("http://a.example.com")).isFalse();
    assertThat(p.allows("https://a.example.com:444")).isFalse();
    assertThat(p.allows("https://a.example.com.evil.org")).isFalse();
  }

  @Test
  void starAllowsAnyOriginAndAnswersStarOnlyWithoutCredentials() {
    assertThat(policy(List.of("*"), false).allowOriginValue("https://x.org")).isEqualTo("*");
    assertThat(policy(List.of("*"), true).allowOriginValue("https://x.org"))
        .isEqualTo("https://x.org");
    assertThat(policy(List.of("*"), true).allows("https://anything.test")).isTrue();
  }

  @Test
  void preflightHeadersListMethodsAndHeadersOrEchoThemForStar() {
    HttpHeaders out = new DefaultHttpHeaders();
    new CorsPolicy(
            List.of("https://a.test"), List.of("GET", "PUT"), List.of("x-a"), List.of(), true, 600)
        .preflightHeaders("https://a.test", "PUT", "x-other", out);
    assertThat(out.get("access-control-allow-origin")).isEqualTo("https://a.test");
    assertThat(out.get("access-control-allow-methods")).isEqualTo("GET, PUT");
    assertThat(out.get("access-control-allow-headers")).isEqualTo("x-a");
    assertThat(out.get("access-control-allow-credentials")).isEqualTo("true");
    assertThat(out.get("access-control-max-age")).isEqualTo("600");
    assertThat(out.get("vary")).isEqualTo("origin");

    HttpHeaders star = new DefaultHttpHeaders();
    new CorsPolicy(List.of("*"), List.of("*"), List.of("*"), List.of(), false, 0)
        .preflightHeaders("https://a.test", "PATCH", "x-one, x-two", star);
    assertThat(star.get("access-control-allow-origin")).isEqualTo("*");
    assertThat(star.get("access-control-allow-methods")).isEqualTo("PATCH");
    assertThat(star.get("access-control-allow-headers")).isEqualTo("x-one, x-two");
    assertThat(star.contains("access-control-allow-credentials")).isFalse();
    assertThat(star.contains("access-control-max-age")).isFalse();
  }

  @Test
  void actualResponseHeadersCarryOriginExposeCredentialsAndVary() {
    HttpHeaders out = new DefaultHttpHeaders();
    policy(List.of("https://a.test"), true).responseHeaders("https://a.test", out);
    assertThat(out.get("access-control-allow-origin")).isEqualTo("https://a.test");
    assertThat(out.get("access-control-expose-headers")).isEqualTo("x-exposed");
    assertThat(out.get("access-control-allow-credentials")).isEqualTo("true");
    assertThat(out.get("vary")).isEqualTo("origin");
  }

  @Test
  void malformedOriginsAreRejected() {
    assertThatThrownBy(() -> policy(List.of("example.com"), false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> policy(List.of("https://a.*.com"), false))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
