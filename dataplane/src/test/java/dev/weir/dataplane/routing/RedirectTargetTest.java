package dev.weir.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedirectTargetTest {

  /**
   * Columns: scheme, hostname, port, listener secure, listener port, expected Location for "/p?q=1"
   * on host "shop.example.com".
   */
  @ParameterizedTest(name = "scheme={0} host={1} port={2} secure={3} listener={4} -> {5}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "-     | -        | 0    | false | 80   | http://shop.example.com/p?q=1",
        "-     | -        | 0    | false | 8080 | http://shop.example.com:8080/p?q=1",
        "https | -        | 0    | false | 8080 | https://shop.example.com/p?q=1",
        "https | -        | 8443 | false | 80   | https://shop.example.com:8443/p?q=1",
        "http  | -        | 0    | true  | 443  | http://shop.example.com/p?q=1",
        "http  | -        | 0    | false | 8080 | http://shop.example.com/p?q=1",
        "-     | -        | 0    | true  | 8443 | https://shop.example.com:8443/p?q=1",
        "-     | new.host | 0    | false | 80   | http://new.host/p?q=1",
        "-     | new.host | 80   | false | 8080 | http://new.host/p?q=1",
        "https | new.host | 443  | false | 8080 | https://new.host/p?q=1",
        "http  | -        | 443  | false | 80   | http://shop.example.com:443/p?q=1",
      })
  void locationDerivesEachPartFromTheRequest(
      String scheme, String host, int port, boolean secure, int listenerPort, String expected) {
    RedirectTarget t = new RedirectTarget(scheme, host, port, null, 302);
    assertThat(t.location(secure, "shop.example.com", listenerPort, "", "/p", "q=1"))
        .isEqualTo(expected);
  }

  @Test
  void pathIsReplacedWholeOrByPrefixAndTheQueryIsKept() {
    RedirectTarget full = new RedirectTarget(null, null, 0, new PathRewrite.Full("/new"), 301);
    assertThat(full.location(false, "h", 80, "/old", "/old/x", null)).isEqualTo("http://h/new");
    RedirectTarget prefix = new RedirectTarget(null, null, 0, new PathRewrite.Prefix("/v2"), 308);
    assertThat(prefix.location(false, "h", 80, "/v1", "/v1/items", "a=b"))
        .isEqualTo("http://h/v2/items?a=b");
  }

  @Test
  void invalidStatusAndSchemeAreRejected() {
    assertThatThrownBy(() -> new RedirectTarget(null, null, 0, null, 200))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RedirectTarget("ftp", null, 0, null, 301))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
