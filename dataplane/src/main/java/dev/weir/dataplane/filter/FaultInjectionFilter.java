package dev.weir.dataplane.filter;

import dev.weir.dataplane.routing.FaultSettings;
import dev.weir.dataplane.routing.RouteEntry;
import io.netty.handler.codec.http.HttpRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Injects a route's {@link FaultSettings}: its abort share is answered with the abort status and
 * never forwarded; its delay share waits {@code delayMillis} before the next filter runs, through
 * {@link RequestContext#defer} on a timer of the channel's event loop, so the loop keeps serving
 * other connections meanwhile. A client that leaves while delayed cancels the timer. The abort is
 * drawn first: an aborted request is answered at once, undelayed. Stateless.
 */
public final class FaultInjectionFilter implements ProxyFilter {

  @Override
  public void onRequest(RequestContext ctx, HttpRequest request) {
    RouteEntry route = ctx.route();
    FaultSettings fault = route == null ? null : route.filters().fault();
    if (fault == null) {
      return;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (hit(random, fault.abortPerMillion())) {
      ctx.answer(new RequestContext.Answer.Status(fault.abortStatus()));
      return;
    }
    ScheduledExecutorService loop = ctx.executor();
    if (fault.delayMillis() > 0 && loop != null && hit(random, fault.delayPerMillion())) {
      CompletableFuture<Void> delay = new CompletableFuture<>();
      ScheduledFuture<?> timer =
          loop.schedule(() -> delay.complete(null), fault.delayMillis(), TimeUnit.MILLISECONDS);
      // The proxy cancels the deferral when the client leaves; drop the timer with it.
      delay.whenComplete(
          (v, e) -> {
            if (delay.isCancelled()) {
              timer.cancel(false);
            }
          });
      ctx.defer(delay);
    }
  }

  private static boolean hit(ThreadLocalRandom random, int perMillion) {
    return perMillion > 0 && random.nextInt(FaultSettings.MILLION) < perMillion;
  }
}
