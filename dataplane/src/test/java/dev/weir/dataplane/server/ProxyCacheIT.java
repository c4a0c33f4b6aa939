package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.Snapshots.cluster;
import static dev.weir.dataplane.server.Snapshots.freePort;
import static dev.weir.dataplane.server.Snapshots.http;
import static dev.weir.dataplane.server.Snapshots.snapshot;
import static dev.weir.dataplane.server.Snapshots.table;
import static dev.weir.dataplane.server.Snapshots.vhost;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.config.v1.Compression;
import dev.weir.api.config.v1.ForwardAction;
import dev.weir.api.config.v1.PathMatch;
import dev.weir.api.config.v1.ResponseCache;
import dev.weir.api.config.v1.Route;
import dev.weir.api.config.v1.RouteFilters;
import dev.weir.api.config.v1.WeightedBackend;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The response cache and gzip compression through the real proxy with a real backend that counts
 * its requests: hits skip it, stale entries are revalidated, unsafe methods invalidate, large
 * bodies are not stored, and gzip decompresses to the backend's bytes over HTTP/1.1 and h2c.
 */
class ProxyCacheIT {

  private static final byte[] TEXT =
      "the quick brown fox jumps over the lazy dog\n".repeat(100).getBytes(StandardCharsets.UTF_8);

  @TempDir Path tmp;
  private CachingBackend backend;
  private ProxyFixture proxy;
  private int port;
  private final HttpClient client = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws IOException {
    backend = new CachingBackend();
    proxy = new ProxyFixture();
    port = freePort();
  }

  @AfterEach
  void stop() {
    client.close();
    proxy.close();
    backend.close();
  }

  private void serve(RouteFilters.Builder filters) throws Exception {
    Route route =
        Route.newBuilder()
            .setName("cached")
            .setPath(PathMatch.newBuilder().setKind(PathMatch.Kind.PREFIX).setValue("/"))
            .setForward(
                ForwardAction.newBuilder()
                    .addBackends(WeightedBackend.newBuilder().setCluster("b").setWeight(1)))
            .setFilters(filters)
            .build();
    proxy.apply(
        snapshot()
            .addListeners(http("web", port, "rt"))
            .addRouteTables(table("rt", vhost("vh", List.of("*"), route)))
            .addClusters(cluster("b", backend.port()))
            .build());
  }

  private static RouteFilters.Builder cache(long maxEntryBytes) {
    return RouteFilters.newBuilder()
        .setCache(ResponseCache.newBuilder().setMaxEntryBytes(maxEntryBytes));
  }

  private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    return send("GET", path, headers);
  }

  private HttpResponse<byte[]> send(String method, String path, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .version(HttpClient.Version.HTTP_1_1)
            .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void aFreshHitSkipsTheBackend() throws Exception {
    serve(cache(0));
    backend.answer("/a", 200, Map.of("Cache-Control", "max-age=60", "ETag", "\"v1\""), TEXT);
    HttpResponse<byte[]> first = get("/a");
    HttpResponse<byte[]> second = get("/a");
    assertThat(first.headers().firstValue("cache-status")).hasValue("weir; fwd=miss");
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.body()).isEqualTo(TEXT);
    assertThat(second.headers().firstValue("cache-status").orElseThrow()).startsWith("weir; hit");
    assertThat(second.headers().firstValue("age")).isPresent();
    assertThat(backend.requests.get()).isEqualTo(1);
    // The client's own validator matching the fresh entry: 304 from the cache.
    HttpResponse<byte[]> conditional = get("/a", "If-None-Match", "\"v1\"");
    assertThat(conditional.statusCode()).isEqualTo(304);
    assertThat(backend.requests.get()).isEqualTo(1);
  }

  @Test
  void aFreshHitAnswersIfModifiedSince() throws Exception {
    serve(cache(0));
    String modified = "Tue, 14 Jan 2025 10:00:00 GMT";
    backend.answer(
        "/m", 200, Map.of("Cache-Control", "max-age=60", "Last-Modified", modified), TEXT);
    assertThat(get("/m").statusCode()).isEqualTo(200);

    // RFC 9110 §13.1.3: not modified since the client's copy (same date or later): 304.
    assertThat(get("/m", "If-Modified-Since", modified).statusCode()).isEqualTo(304);
    assertThat(get("/m", "If-Modified-Since", "Wed, 15 Jan 2025 10:00:00 GMT").statusCode())
        .isEqualTo(304);
    // Modified after the client's copy, an invalid date, or If-None-Match that does not match
    // (which decides alone, §13.2.2): the stored 200.
    assertThat(get("/m", "If-Modified-Since", "Mon, 13 Jan 2025 10:00:00 GMT").statusCode())
        .isEqualTo(200);
    assertThat(get("/m", "If-Modified-Since", "yesterday").statusCode()).isEqualTo(200);
    HttpResponse<byte[]> both =
        get("/m", "If-Modified-Since", modified, "If-None-Match", "\"other\"");
    assertThat(both.statusCode()).isEqualTo(200);
    assertThat(both.body()).isEqualTo(TEXT);
    assertThat(backend.requests.get()).isEqualTo(1);
  }

  @Test
  void aStaleEntryIsRevalidatedAndA304Refreshes() throws Exception {
    serve(cache(0));
    backend.answer("/r", 200, Map.of("Cache-Control", "max-age=0", "ETag", "\"v1\""), TEXT);
    get("/r");
    HttpResponse<byte[]> second = get("/r");
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.body()).isEqualTo(TEXT);
    assertThat(second.headers().firstValue("cache-status"))
        .hasValue("weir; fwd=stale; fwd-status=304");
    assertThat(backend.requests.get()).isEqualTo(2);
    assertThat(backend.ifNoneMatch).containsExactly("\"v1\"");
  }

  @Test
  void anUnsafeMethodInvalidatesTheUri() throws Exception {
    serve(cache(0));
    backend.answer("/p", 200, Map.of("Cache-Control", "max-age=60"), TEXT);
    get("/p");
    get("/p");
    assertThat(backend.requests.get()).isEqualTo(1);
    assertThat(send("POST", "/p").statusCode()).isEqualTo(200);
    get("/p");
    assertThat(backend.requests.get()).isEqualTo(3);
  }

  @Test
  void aBodyOverMaxEntryBytesIsNotStored() throws Exception {
    serve(cache(100));
    backend.answer("/big", 200, Map.of("Cache-Control", "max-age=60"), TEXT);
    assertThat(get("/big").body()).isEqualTo(TEXT);
    assertThat(get("/big").body()).isEqualTo(TEXT);
    assertThat(backend.requests.get()).isEqualTo(2);
  }

  @Test
  void privateAndNoStoreAreNotStored() throws Exception {
    serve(cache(0));
    backend.answer("/priv", 200, Map.of("Cache-Control", "private, max-age=60"), TEXT);
    backend.answer("/ns", 200, Map.of("Cache-Control", "no-store"), TEXT);
    get("/priv");
    get("/priv");
    get("/ns");
    get("/ns");
    assertThat(backend.requests.get()).isEqualTo(4);
  }

  private static RouteFilters.Builder gzip() {
    return RouteFilters.newBuilder()
        .setCompression(Compression.newBuilder())
        .setCache(ResponseCache.newBuilder());
  }

  @Test
  void gzipDecompressesToTheBackendsBytesAndHitsAreCompressedToo() throws Exception {
    serve(gzip());
    backend.answer(
        "/t",
        200,
        Map.of("Content-Type", "text/plain", "Cache-Control", "max-age=60", "ETag", "\"e\""),
        TEXT);
    for (int i = 0; i < 2; i++) {
      HttpResponse<byte[]> r = get("/t", "Accept-Encoding", "gzip");
      assertThat(r.headers().firstValue("content-encoding")).hasValue("gzip");
      assertThat(r.headers().firstValue("vary")).hasValue("Accept-Encoding");
      assertThat(r.headers().firstValue("etag")).hasValue("W/\"e\"");
      assertThat(r.headers().firstValue("content-length")).isEmpty();
      assertThat(gunzip(r.body())).isEqualTo(TEXT);
      assertThat(r.body().length).isLessThan(TEXT.length / 4);
    }
    assertThat(backend.requests.get()).isEqualTo(1);
    // The stored representation is the uncompressed one.
    HttpResponse<byte[]> plain = get("/t");
    assertThat(plain.headers().firstValue("content-encoding")).isEmpty();
    assertThat(plain.body()).isEqualTo(TEXT);
  }

  @Test
  void notCompressedWhenRefusedSmallOrOfAnotherType() throws Exception {
    serve(RouteFilters.newBuilder().setCompression(Compression.newBuilder()));
    backend.answer("/t", 200, Map.of("Content-Type", "text/plain"), TEXT);
    backend.answer("/small", 200, Map.of("Content-Type", "text/plain"), "tiny".getBytes());
    backend.answer("/png", 200, Map.of("Content-Type", "image/png"), TEXT);
    assertThat(get("/t", "Accept-Encoding", "gzip;q=0, br").headers().map())
        .doesNotContainKey("content-encoding");
    assertThat(get("/t").body()).isEqualTo(TEXT);
    assertThat(get("/small", "Accept-Encoding", "gzip").headers().map())
        .doesNotContainKey("content-encoding");
    assertThat(get("/png", "Accept-Encoding", "gzip").headers().map())
        .doesNotContainKey("content-encoding");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2c"})
  void curlCompressedGetsTheBackendsBytes(String protocol) throws Exception {
    serve(RouteFilters.newBuilder().setCompression(Compression.newBuilder()));
    backend.answer("/t", 200, Map.of("Content-Type", "text/html; charset=utf-8"), TEXT);
    Path body = tmp.resolve("body");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "curl",
                "-s",
                "--compressed",
                "-D",
                "-",
                "-o",
                body.toString(),
                "--max-time",
                "10",
                protocol.equals("h2c") ? "--http2-prior-knowledge" : "--http1.1",
                "http://127.0.0.1:" + port + "/t"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String head = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
    assertThat(head.toLowerCase()).contains("content-encoding: gzip");
    assertThat(Files.readAllBytes(body)).isEqualTo(TEXT);
  }

  private static byte[] gunzip(byte[] gz) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }
}
