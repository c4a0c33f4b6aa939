package dev.weir.dataplane.auth;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The HTTP client of the authentication filters: JWKS fetches and external authorization calls,
 * through the JDK's asynchronous {@link HttpClient} (HTTP/1.1), so no event loop ever blocks; the
 * futures complete on the client's own threads and the filters move back to their event loop. The
 * client is created on first use (a proxy without authentication starts no thread) and shared by
 * all routes of the proxy.
 *
 * <p>Thread-safe.
 */
public final class AuthHttpClient implements JwksFetcher, AutoCloseable {

  /** The largest JWKS document read. */
  public static final int MAX_JWKS_BYTES = 1 << 20;

  /** How long a JWKS fetch may take. */
  public static final Duration JWKS_TIMEOUT = Duration.ofSeconds(10);

  private volatile HttpClient client;
  private boolean closed;

  private HttpClient client() {
    HttpClient c = client;
    if (c == null) {
      synchronized (this) {
        if (closed) {
          throw new IllegalStateException("closed");
        }
        c = client;
        if (c == null) {
          c =
              HttpClient.newBuilder()
                  .version(HttpClient.Version.HTTP_1_1)
                  .connectTimeout(JWKS_TIMEOUT)
                  .followRedirects(HttpClient.Redirect.NEVER)
                  .build();
          client = c;
        }
      }
    }
    return c;
  }

  @Override
  public CompletableFuture<String> fetch(URI uri) {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(JWKS_TIMEOUT)
            .header("accept", "application/json, application/jwk-set+json")
            .GET()
            .build();
    return send(request, MAX_JWKS_BYTES)
        .thenApply(
            response -> {
              if (response.statusCode() / 100 != 2) {
                throw new java.util.concurrent.CompletionException(
                    new IOException("JWKS answered " + response.statusCode()));
              }
              return new String(response.body(), StandardCharsets.UTF_8);
            });
  }

  /**
   * Sends {@code request}; at most {@code maxBody} bytes of the answer's body are read ({@link
   * BoundedBody}). Cancelling the future aborts the exchange.
   */
  public CompletableFuture<HttpResponse<byte[]>> send(HttpRequest request, int maxBody) {
    return client().sendAsync(request, BoundedBody.handler(maxBody));
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (client != null) {
      client.shutdownNow();
    }
  }
}
