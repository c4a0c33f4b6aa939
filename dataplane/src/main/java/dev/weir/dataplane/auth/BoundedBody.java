package dev.weir.dataplane.auth;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body of at most {@code max} bytes: a longer body is cut at {@code max} and
 * the rest is not read (the subscription is cancelled, which closes the connection), so a
 * misbehaving authorization or JWKS server cannot make the proxy buffer without bound. Used by one
 * exchange of the JDK HTTP client; its callbacks are serialised by the client.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {

  private final int max;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private Flow.Subscription subscription;

  BoundedBody(int max) {
    this.max = max;
  }

  /** A body handler that reads at most {@code max} bytes of every body. */
  static HttpResponse.BodyHandler<byte[]> handler(int max) {
    return info -> new BoundedBody(max);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer b : items) {
      int take = Math.min(b.remaining(), max - out.size());
      byte[] chunk = new byte[take];
      b.get(chunk);
      out.writeBytes(chunk);
      if (out.size() >= max && b.hasRemaining()) {
        subscription.cancel();
        result.complete(out.toByteArray());
        return;
      }
    }
  }

  @Override
  public void onError(Throwable error) {
    result.completeExceptionally(error);
  }

  @Override
  public void onComplete() {
    result.complete(out.toByteArray());
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return result;
  }
}
