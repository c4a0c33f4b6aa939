package dev.weir.dataplane.auth;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

/** Fetches a JWKS document without blocking the caller; implemented by {@link AuthHttpClient}. */
@FunctionalInterface
public interface JwksFetcher {

  /**
   * Starts fetching {@code uri}; the future completes (on any thread) with the document, or
   * exceptionally when it could not be fetched or the answer was not 2xx.
   */
  CompletableFuture<String> fetch(URI uri);
}
