package dev.weir.dataplane.server;

import dev.weir.dataplane.filter.FilterChain;
import dev.weir.dataplane.filter.RequestContext;
import dev.weir.dataplane.routing.Mirror;
import dev.weir.dataplane.upstream.ConnectionLimitException;
import dev.weir.dataplane.upstream.UpstreamCluster;
import dev.weir.dataplane.upstream.UpstreamEndpoint;
import dev.weir.dataplane.upstream.UpstreamListener;
import dev.weir.dataplane.upstream.UpstreamPool;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The upstream side of a {@link ForwardExchange}'s current attempt: picks up an idle pooled
 * connection to the chosen endpoint or opens one, leases it to the exchange (the {@link
 * UpstreamListener}), and sends the request head. Each {@link #open} starts one attempt; the
 * connection of an abandoned attempt is {@link #discard}ed.
 *
 * <p>On the first attempt only, the head is prepared for upstream (the filters' upstream-request
 * phase, chunked framing for a body without length, HTTP/1.1) and the route's mirrors ({@link
 * MirrorExchange}) are started, so every attempt sends the same head and a request is mirrored
 * once.
 *
 * <p>Flow control: the upstream is read at once after the head, since it may answer before the
 * request body is complete; body parts are then asked of the client by the exchange.
 *
 * <p>Load: each attempt counts as one request in flight to its endpoint ({@link
 * UpstreamPool#inFlight}, which least-request balancing reads) from {@link #open} until the next
 * attempt, {@link #discard} or {@link #endLoad}, which the exchange calls however it ends.
 *
 * <p>Accessed only from the channel's event loop. Buffers: the head carries none, so it can be
 * encoded again by a later attempt; a discarded connection's remaining response parts are released
 * by {@link #DISCARD}.
 */
final class UpstreamAttempt {

  /** Takes over a failed attempt's connection: releases what still arrives, ignores the rest. */
  private static final UpstreamListener DISCARD =
      new UpstreamListener() {
        @Override
        public void onUpstreamMessage(HttpObject msg) {
          ReferenceCountUtil.release(msg);
        }

        @Override
        public void onUpstreamClosed() {}

        @Override
        public void onUpstreamFailure(Throwable cause) {}

        @Override
        public void onUpstreamWritabilityChanged(boolean writable) {}
      };

  private final ForwardExchange exchange;
  private final ProxyHandler handler;
  private final RequestContext rc;
  private final HttpRequest head;
  private final boolean hasBody;
  private final FilterChain filters;
  private final UpstreamPool pool;
  private final UpstreamCluster cluster;
  private final AttemptTimer timers;
  private UpstreamEndpoint endpoint;
  // The in-flight counter raised for the current attempt, or null.
  private AtomicInteger load;
  private Channel up;
  private boolean reused;
  private boolean headPrepared;

  /** The client sent no Host: each attempt names its endpoint instead. */
  private boolean hostFromEndpoint;

  UpstreamAttempt(
      ForwardExchange exchange,
      ProxyHandler handler,
      RequestContext rc,
      HttpRequest head,
      boolean hasBody,
      FilterChain filters,
      UpstreamPool pool,
      AttemptTimer timers) {
    this.exchange = exchange;
    this.handler = handler;
    this.rc = rc;
    this.head = head;
    this.hasBody = hasBody;
    this.filters = filters;
    this.pool = pool;
    this.cluster = rc.cluster();
    this.timers = timers;
  }

  /** The current attempt's connection; null while connecting, waiting for a retry, or unset. */
  Channel channel() {
    return up;
  }

  /** The current attempt's endpoint. */
  UpstreamEndpoint endpoint() {
    return endpoint;
  }

  /** Whether the current connection came from the pool (and so may have gone stale). */
  boolean reused() {
    return reused;
  }

  /** Whether the head went to an upstream connection, after which a body may have been read. */
  boolean headPrepared() {
    return headPrepared;
  }

  /** Starts an attempt to {@code target}: on an idle pooled connection, else a new one. */
  void open(UpstreamEndpoint target) {
    endpoint = target;
    rc.stats().attemptStarted(System.nanoTime(), target);
    endLoad();
    load = pool.inFlight().counter(target);
    load.incrementAndGet();
    // An h2c exchange always gets a new stream; only HTTP/1.1 connections wait idle in the pool.
    // A WebSocket handshake gets a new connection too: it may leave HTTP for good (RFC 6455 §4).
    Channel idle =
        cluster.h2c() || rc.webSocketUpgrade() ? null : pool.acquireIdle(endpoint, exchange);
    if (idle != null) {
      attached(idle, true);
    } else {
      connect();
    }
  }

  /** Replaces a pooled connection found stale by a new one to the same endpoint. */
  void reconnect() {
    up.close();
    up = null;
    connect();
  }

  /** Drops the current attempt's connection: {@link #DISCARD} releases what it still delivers. */
  void discard() {
    endLoad();
    if (up != null) {
      UpstreamPool.lease(up, DISCARD);
      up.close();
      up = null;
    }
  }

  /** The current attempt no longer counts as in flight; idempotent. */
  void endLoad() {
    if (load != null) {
      load.decrementAndGet();
      load = null;
    }
  }

  /** Closes the current connection, if any: the exchange ended without returning it. */
  void close() {
    if (up != null) {
      up.close();
    }
  }

  private void connect() {
    Future<Channel> f = pool.open(endpoint, cluster, exchange.clusterLoad());
    f.addListener(
        future -> {
          if (exchange.done()) {
            if (future.isSuccess()) {
              f.getNow().close();
            }
          } else if (future.isSuccess()) {
            UpstreamPool.lease(f.getNow(), exchange);
            attached(f.getNow(), false);
          } else if (future.cause() instanceof ConnectionLimitException) {
            exchange.onConnectionLimit();
          } else {
            exchange.onConnectFailed(future.cause());
          }
        });
  }

  private void attached(Channel ch, boolean fromPool) {
    up = ch;
    reused = fromPool;
    exchange.connected();
    timers.armAttempt(up);
    if (!headPrepared) {
      headPrepared = true;
      prepareHead();
    } else if (hostFromEndpoint) {
      head.headers().set(HttpHeaderNames.HOST, endpoint.authority());
    }
    filters.onUpstreamAttempt(rc, head);
    exchange.clusterLoad().meters().attemptSent();
    if (exchange.requestDone()) {
      // Resending a body-less request after a stale pooled connection or a retry; the head is not
      // reference-counted, so it can be encoded again.
      up.write(head);
      up.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
          .addListener(f -> exchange.armResponseTimeout());
      up.read();
      return;
    }
    up.write(head);
    // Read the upstream at once: it may answer before the request body is complete.
    up.read();
    handler.requestMessage();
  }

  /** Runs the upstream-request phase and starts the mirrors; once per exchange. */
  private void prepareHead() {
    filters.onUpstreamRequest(rc, head);
    // RFC 9112 §3.2: an HTTP/1.1 request carries Host. An HTTP/1.0 client may have sent none; the
    // upstream then gets its own address, as nginx's default proxy_set_header Host does.
    hostFromEndpoint = !head.headers().contains(HttpHeaderNames.HOST);
    if (hostFromEndpoint) {
      head.headers().set(HttpHeaderNames.HOST, endpoint.authority());
    }
    if (hasBody && !HttpUtil.isContentLengthSet(head)) {
      HttpUtil.setTransferEncodingChunked(head, true);
    }
    head.setProtocolVersion(HttpVersion.HTTP_1_1);
    List<Mirror> mirrors = rc.route().mirrors();
    if (!mirrors.isEmpty() && !hasBody) {
      for (Mirror m : mirrors) {
        if (m.sample()) {
          MirrorExchange.send(pool, m, head);
        }
      }
    }
  }
}
