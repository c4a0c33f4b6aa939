package dev.weir.dataplane.filter;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Gives every exchange a fresh id (128 random bits as 32 hex digits), sends it upstream and back to
 * the client as {@code x-request-id}. A client-supplied id is replaced, so ids in logs are always
 * ours. Stateless.
 */
public final class RequestIdFilter implements ProxyFilter {

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  /** A new request id; also used for errors found before the filters run. */
  public static String newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    byte[] out = new byte[32];
    long hi = random.nextLong();
    long lo = random.nextLong();
    for (int i = 0; i < 16; i++) {
      out[i] = HEX[(int) (hi >>> (60 - 4 * i)) & 0xf];
      out[16 + i] = HEX[(int) (lo >>> (60 - 4 * i)) & 0xf];
    }
    // Latin-1 bytes become a compact String with one copy, no char[] to compress.
    return new String(out, StandardCharsets.ISO_8859_1);
  }

  @Override
  public void onRequest(RequestContext ctx, HttpRequest request) {
    if (ctx.requestId() == null) {
      ctx.requestId(newId());
    }
  }

  @Override
  public void onUpstreamRequest(RequestContext ctx, HttpRequest request) {
    request.headers().set(ErrorResponses.REQUEST_ID, ctx.requestId());
  }

  @Override
  public void onResponse(RequestContext ctx, HttpResponse response) {
    if (ctx.requestId() != null) {
      response.headers().set(ErrorResponses.REQUEST_ID, ctx.requestId());
    }
  }
}
