package dev.weir.dataplane.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 9111 freshness, age, storability, Vary and LRU bounds, on a fake clock (epoch ms). */
class CacheFreshnessTest {

  private static final long NOW = 1_700_000_000_000L;

  private static HttpHeaders headers(String... nameValues) {
    HttpHeaders h = new DefaultHttpHeaders();
    for (int i = 0; i < nameValues.length; i += 2) {
      h.add(nameValues[i], nameValues[i + 1]);
    }
    return h;
  }

  private static long lifetime(int status, long ttl, String... nameValues) {
    HttpHeaders h = headers(nameValues);
    return Freshness.lifetimeMillis(status, h, CacheControl.of(h), ttl, NOW);
  }

  @Test
  void sMaxAgeWinsOverMaxAgeWhichWinsOverExpires() {
    String date = HttpDates.format(NOW);
    String expires = HttpDates.format(NOW + 300_000);
    assertThat(lifetime(200, 0, "cache-control", "max-age=10, s-maxage=20", "expires", expires))
        .isEqualTo(20_000);
    assertThat(lifetime(200, 0, "cache-control", "max-age=10", "expires", expires))
        .isEqualTo(10_000);
    assertThat(lifetime(200, 0, "date", date, "expires", expires)).isEqualTo(300_000);
    assertThat(lifetime(200, 0, "date", date, "expires", "0")).isZero();
    assertThat(lifetime(200, 0, "cache-control", "no-cache, max-age=60")).isZero();
  }

  @Test
  void heuristicFreshnessOnlyWithADefaultTtlAndAHeuristicStatus() {
    assertThat(lifetime(200, 0)).isZero();
    assertThat(lifetime(200, 30)).isEqualTo(30_000);
    assertThat(lifetime(404, 30)).isEqualTo(30_000);
    assertThat(lifetime(302, 30)).isZero();
    assertThat(lifetime(302, 30, "cache-control", "public")).isEqualTo(30_000);
  }

  @Test
  void ageCountsApparentAgeAgeHeaderDelayAndResidentTime() {
    // Date 5 s before arrival; Age 2 s from upstream plus a 1 s request: apparent age wins.
    HttpHeaders h = headers("date", HttpDates.format(NOW - 5_000), "age", "2");
    long initial = Freshness.initialAgeMillis(h, NOW - 1_000, NOW);
    assertThat(initial).isEqualTo(5_000);
    // Age 10 s plus the 1 s delay beats the apparent age.
    h.set("age", "10");
    assertThat(Freshness.initialAgeMillis(h, NOW - 1_000, NOW)).isEqualTo(11_000);
    CachedResponse r =
        new CachedResponse(200, headers(), new byte[0], List.of(), 60_000, 11_000, NOW);
    assertThat(r.ageMillis(NOW + 4_000)).isEqualTo(15_000);
    assertThat(r.fresh(NOW + 48_000)).isTrue();
    assertThat(r.fresh(NOW + 49_000)).isFalse();
  }

  private static boolean storable(HttpHeaders request, int status, String... response) {
    HttpHeaders h = headers(response);
    CacheControl cc = CacheControl.of(h);
    return CachePolicy.storable(
        request,
        CacheControl.of(request),
        status,
        h,
        cc,
        Freshness.lifetimeMillis(status, h, cc, 0, NOW));
  }

  @Test
  void noStorePrivateAuthorizationAndVaryStarAreNotStored() {
    HttpHeaders plain = headers();
    assertThat(storable(plain, 200, "cache-control", "max-age=60")).isTrue();
    assertThat(storable(plain, 200, "cache-control", "no-store, max-age=60")).isFalse();
    assertThat(storable(plain, 200, "cache-control", "private, max-age=60")).isFalse();
    assertThat(storable(headers("cache-control", "no-store"), 200, "cache-control", "max-age=60"))
        .isFalse();
    assertThat(storable(plain, 200, "cache-control", "max-age=60", "vary", "*")).isFalse();
    assertThat(storable(plain, 206, "cache-control", "max-age=60")).isFalse();
    assertThat(storable(plain, 200)).isFalse(); // nothing to reuse it by
    assertThat(storable(plain, 200, "etag", "\"x\"")).isTrue(); // revalidatable
    HttpHeaders auth = headers("authorization", "Bearer t");
    assertThat(storable(auth, 200, "cache-control", "max-age=60")).isFalse();
    assertThat(storable(auth, 200, "cache-control", "public, max-age=60")).isTrue();
    assertThat(storable(auth, 200, "cache-control", "s-maxage=60")).isTrue();
  }

  @Test
  void varySelectsTheVariantByTheRequestsFields() {
    ResponseStore store = new ResponseStore(1 << 20, 1 << 20);
    HttpHeaders response = headers("vary", "Accept-Language");
    HttpHeaders en = headers("accept-language", "en");
    store.put("u", entry(response, en, 10));
    assertThat(store.lookup("u", headers("accept-language", "en"))).isNotNull();
    assertThat(store.lookup("u", headers("accept-language", "de"))).isNull();
    assertThat(store.lookup("u", headers())).isNull();
  }

  @Test
  void lruEvictsTheLeastRecentlyUsedUriPastMaxBytes() {
    CachedResponse sample = entry(headers(), headers(), 1000);
    ResponseStore store = new ResponseStore(sample.size() * 2, 2000);
    store.put("a", sample);
    store.put("b", entry(headers(), headers(), 1000));
    assertThat(store.lookup("a", headers())).isNotNull(); // a is now the most recent
    store.put("c", entry(headers(), headers(), 1000));
    assertThat(store.lookup("b", headers())).isNull();
    assertThat(store.lookup("a", headers())).isNotNull();
    assertThat(store.bytes()).isLessThanOrEqualTo(sample.size() * 2);
    assertThat(store.put("d", entry(headers(), headers(), 3000))).isFalse();
    store.invalidate("a");
    assertThat(store.lookup("a", headers())).isNull();
  }

  @Test
  void ifNoneMatchUsesWeakComparison() {
    assertThat(CachePolicy.noneMatch("W/\"a\", \"b\"", "\"a\"")).isTrue();
    assertThat(CachePolicy.noneMatch("*", "\"a\"")).isTrue();
    assertThat(CachePolicy.noneMatch("\"c\"", "\"a\"")).isFalse();
  }

  @Test
  void ifModifiedSinceComparesDatesAndIgnoresFutureOrInvalidOnes() {
    String lm = "Tue, 14 Jan 2025 10:00:00 GMT";
    long after = 1_800_000_000_000L; // 2027
    assertThat(CachePolicy.notModifiedSince(lm, lm, after)).isTrue();
    assertThat(CachePolicy.notModifiedSince("Wed, 15 Jan 2025 10:00:00 GMT", lm, after)).isTrue();
    assertThat(CachePolicy.notModifiedSince("Mon, 13 Jan 2025 10:00:00 GMT", lm, after)).isFalse();
    assertThat(CachePolicy.notModifiedSince("not a date", lm, after)).isFalse();
    assertThat(CachePolicy.notModifiedSince(lm, null, after)).isFalse();
    // A date after now is invalid for the field (RFC 9110 §13.1.3).
    assertThat(CachePolicy.notModifiedSince(lm, lm, 1_700_000_000_000L)).isFalse();
  }

  private static CachedResponse entry(HttpHeaders response, HttpHeaders request, int bytes) {
    return new CachedResponse(
        200, response, new byte[bytes], CachePolicy.selected(response, request), 60_000, 0, NOW);
  }
}
