package dev.weir.dataplane.server;

import dev.weir.dataplane.filter.ErrorKind;
import dev.weir.dataplane.filter.FilterChain;
import dev.weir.dataplane.filter.ProxyError;
import dev.weir.dataplane.filter.RequestContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpRequest;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

/**
 * The request phase of one exchange: runs the filters' {@code onRequest} and, when one suspends it
 * ({@link RequestContext#defer}), waits for the stage and resumes with the next filter on the
 * channel's event loop, then hands over to {@code done} (answer early or forward). Used by {@link
 * ProxyHandler} for HTTP/1 connections and HTTP/2 streams alike.
 *
 * <p>Flow control: while the phase waits nothing is read from the client (the handler reads only
 * when asked), so a request body stays in the socket or the stream's flow-control window.
 *
 * <p>Lifecycle: {@link #cancel} (the client went away) makes a later completion a no-op and cancels
 * the stage when it is a {@link Future}, so a scheduled wait is dropped at once; {@code done} then
 * never runs.
 *
 * <p>Accessed only from the downstream channel's event loop; completions from other threads are
 * moved onto it.
 */
final class RequestPhase {

  private final FilterChain filters;
  private final RequestContext rc;
  private final HttpRequest request;
  private final EventLoop loop;
  private final Runnable done;
  private CompletionStage<?> waiting;
  private boolean cancelled;

  RequestPhase(
      FilterChain filters, RequestContext rc, HttpRequest request, EventLoop loop, Runnable done) {
    this.filters = filters;
    this.rc = rc;
    this.request = request;
    this.loop = loop;
    this.done = done;
  }

  /** Runs the phase from the first filter. */
  void start() {
    rc.executor(loop);
    run(0);
  }

  private void run(int from) {
    int next = filters.onRequest(rc, request, from);
    if (next == FilterChain.DONE) {
      done.run();
      return;
    }
    CompletionStage<?> stage = rc.takeDeferral();
    waiting = stage;
    stage.whenComplete(
        (value, error) -> {
          try {
            loop.execute(() -> resume(stage, next, error));
          } catch (RejectedExecutionException e) {
            // The event loop is shutting down: the channel, and this exchange, are gone.
          }
        });
  }

  private void resume(CompletionStage<?> stage, int next, Throwable error) {
    if (cancelled || waiting != stage) {
      return;
    }
    waiting = null;
    if (error != null && rc.earlyAnswer() == null) {
      rc.answer(
          new RequestContext.Answer.Error(
              ProxyError.downstream(ErrorKind.INTERNAL, "request filter failed: " + error)));
    }
    if (rc.earlyAnswer() != null) {
      done.run();
    } else {
      run(next);
    }
  }

  /** The client went away: the phase never resumes, and the filters see the exchange end. */
  void cancel() {
    cancelled = true;
    if (waiting instanceof Future<?> f) {
      f.cancel(false);
    }
    waiting = null;
    filters.onComplete(rc);
  }
}
