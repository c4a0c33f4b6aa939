package dev.weir.examples.maintenance;

import dev.weir.dataplane.filter.ContextKey;
import dev.weir.dataplane.filter.FilterPlugin;
import dev.weir.dataplane.filter.ProxyFilter;
import dev.weir.dataplane.filter.RequestContext;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;

/**
 * An example filter plugin: puts a route into maintenance. Requests get {@code 503} with the
 * configured message and a {@code Retry-After} header, without reaching the backend, unless they
 * carry the bypass header with its value (for the operators checking the service).
 *
 * <p>Turned on per route by a FilterExtension:
 *
 * <pre>{@code
 * apiVersion: weir.dev/v1alpha1
 * kind: FilterExtension
 * metadata: {name: shop-maintenance, namespace: shop}
 * spec:
 *   plugin: maintenance
 *   config: {message: "Back at 14:00 UTC", retryAfterSeconds: 600,
 *            bypassHeader: x-operator, bypassValue: letmein}
 * }</pre>
 *
 * and an HTTPRoute rule filter {@code {type: ExtensionRef, extensionRef: {group: weir.dev, kind:
 * FilterExtension, name: shop-maintenance}}}.
 */
public final class MaintenancePlugin implements FilterPlugin<MaintenancePlugin.Config> {

  /**
   * The plugin's typed config, bound from the FilterExtension's {@code spec.config}.
   *
   * @param message the body of the 503 (a line of text); required
   * @param retryAfterSeconds the {@code Retry-After} value (RFC 9110 §10.2.3); 0 leaves it out
   * @param bypassHeader a request header that lets a request through; optional
   * @param bypassValue the value {@code bypassHeader} must have; required with it
   */
  public record Config(
      String message, int retryAfterSeconds, String bypassHeader, String bypassValue) {}

  /** Marks a request this plugin answered, for its response phase. */
  private static final ContextKey<Boolean> ANSWERED = ContextKey.of("maintenance.answered");

  @Override
  public String name() {
    return "maintenance";
  }

  @Override
  public Class<Config> configType() {
    return Config.class;
  }

  @Override
  public ProxyFilter create(Config config) {
    if (config.message() == null || config.message().isBlank()) {
      throw new IllegalArgumentException("message is required");
    }
    if (config.retryAfterSeconds() < 0) {
      throw new IllegalArgumentException("retryAfterSeconds must be >= 0");
    }
    if ((config.bypassHeader() == null) != (config.bypassValue() == null)) {
      throw new IllegalArgumentException("bypassHeader and bypassValue go together");
    }
    String body = config.message().strip() + "\n";
    return new ProxyFilter() {
      @Override
      public void onRequest(RequestContext ctx, HttpRequest request) {
        if (config.bypassHeader() != null
            && config.bypassValue().equals(request.headers().get(config.bypassHeader()))) {
          return;
        }
        ctx.set(ANSWERED, Boolean.TRUE);
        ctx.answer(new RequestContext.Answer.Direct(503, body));
      }

      @Override
      public void onResponse(RequestContext ctx, HttpResponse response) {
        if (Boolean.TRUE.equals(ctx.get(ANSWERED)) && config.retryAfterSeconds() > 0) {
          response.headers().set("retry-after", config.retryAfterSeconds());
        }
      }
    };
  }
}
