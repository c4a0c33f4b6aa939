package dev.weir.dataplane.filter;

import dev.weir.dataplane.cache.CacheControl;
import dev.weir.dataplane.routing.CompressionSettings;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import java.util.Locale;

/**
 * gzips a route's responses per its {@link CompressionSettings} (proto {@code Compression}), as
 * they stream (the body phase), for HTTP/1.1 (chunked) and HTTP/2 clients alike. A response is
 * compressed only when all of these hold:
 *
 * <ul>
 *   <li>the client's {@code Accept-Encoding} allows gzip with q > 0 (RFC 9110 §12.5.3), and the
 *       request is not a HEAD;
 *   <li>the response has no {@code Content-Encoding}, no {@code Content-Range}, and no {@code
 *       Cache-Control: no-transform} (RFC 9111 §5.2.2.6); its status is not 1xx, 204, 206 or 304;
 *   <li>its media type is in the settings' list, and its Content-Length is unknown or at least
 *       {@code min_bytes}.
 * </ul>
 *
 * Then Content-Length goes, {@code Content-Encoding: gzip} and {@code Vary: Accept-Encoding} are
 * added, and a strong ETag is made weak (RFC 9110 §8.8.3: the bytes are no longer the ones it
 * named). Stateless; per-response state lives in the request's context.
 */
public final class CompressionFilter implements ProxyFilter {

  private static final ContextKey<GzipBody> GZIP = ContextKey.of("gzip-body");

  @Override
  public void onRequest(RequestContext ctx, HttpRequest request) {
    if (settings(ctx) != null && !request.method().equals(HttpMethod.HEAD)) {
      ctx.acceptsGzip(allowsGzip(request.headers().get(HttpHeaderNames.ACCEPT_ENCODING)));
    }
  }

  @Override
  public void onResponse(RequestContext ctx, HttpResponse response) {
    CompressionSettings settings = settings(ctx);
    if (!ctx.acceptsGzip() || settings == null) {
      return;
    }
    int code = response.status().code();
    HttpHeaders h = response.headers();
    if (code < 200
        || code == 204
        || code == 206
        || code == 304
        || h.contains(HttpHeaderNames.CONTENT_ENCODING)
        || h.contains(HttpHeaderNames.CONTENT_RANGE)
        || !settings.compresses(h.get(HttpHeaderNames.CONTENT_TYPE))
        || CacheControl.of(h).noTransform()) {
      return;
    }
    long length = HttpUtil.getContentLength(response, -1L);
    if (length >= 0 && length < settings.minBytes()) {
      return;
    }
    h.remove(HttpHeaderNames.CONTENT_LENGTH).set(HttpHeaderNames.CONTENT_ENCODING, "gzip");
    if (!varies(h)) {
      h.add(HttpHeaderNames.VARY, "Accept-Encoding");
    }
    String etag = h.get(HttpHeaderNames.ETAG);
    if (etag != null && etag.startsWith("\"")) {
      h.set(HttpHeaderNames.ETAG, "W/" + etag);
    }
    ctx.set(GZIP, new GzipBody());
    ctx.watchResponseBody();
  }

  @Override
  public HttpContent onResponseBody(RequestContext ctx, HttpContent content) {
    GzipBody gzip = ctx.get(GZIP);
    return gzip == null ? content : gzip.encode(content);
  }

  @Override
  public void onComplete(RequestContext ctx) {
    GzipBody gzip = ctx.get(GZIP);
    if (gzip != null) {
      gzip.close();
    }
  }

  private static CompressionSettings settings(RequestContext ctx) {
    return ctx.route() == null ? null : ctx.route().filters().compression();
  }

  /** Whether the response already varies on Accept-Encoding (or on everything). */
  private static boolean varies(HttpHeaders h) {
    for (String line : h.getAll(HttpHeaderNames.VARY)) {
      for (String name : line.split(",")) {
        String n = name.trim();
        if (n.equals("*") || n.equalsIgnoreCase(HttpHeaderNames.ACCEPT_ENCODING.toString())) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Whether an {@code Accept-Encoding} value allows gzip (RFC 9110 §12.5.3): {@code gzip} (or
   * {@code x-gzip}) with q > 0, or else {@code *} with q > 0. No field at all means no preference,
   * which a proxy treats as identity only, as browsers always send the field.
   */
  static boolean allowsGzip(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    Boolean gzip = null;
    boolean star = false;
    for (String item : acceptEncoding.split(",")) {
      String[] parts = item.split(";");
      String coding = parts[0].trim().toLowerCase(Locale.ROOT);
      boolean allowed = quality(parts) > 0;
      if (coding.equals(HttpHeaderValues.GZIP.toString()) || coding.equals("x-gzip")) {
        gzip = allowed;
      } else if (coding.equals("*")) {
        star = allowed;
      }
    }
    return gzip != null ? gzip : star;
  }

  private static double quality(String[] parts) {
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].trim();
      if (p.startsWith("q=") || p.startsWith("Q=")) {
        try {
          return Double.parseDouble(p.substring(2).trim());
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 1;
  }
}
