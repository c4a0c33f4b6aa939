package dev.weir.dataplane.server;

import dev.weir.dataplane.lb.PickRequest;
import dev.weir.dataplane.routing.Mirror;
import dev.weir.dataplane.upstream.UpstreamEndpoint;
import dev.weir.dataplane.upstream.UpstreamListener;
import dev.weir.dataplane.upstream.UpstreamPool;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mirrored request (Gateway API RequestMirror), fire-and-forget: a copy of a body-less request
 * head, as it goes upstream (after rewrites and header modifiers, Host kept), sent on its own
 * connection from the same event loop's pool. The mirror's response is read and released as it
 * arrives; its connection goes back to the pool when the response ended cleanly. Failures and
 * timeouts only close the mirror's connection: nothing reaches the exchange being mirrored.
 *
 * <p>Bodies: only requests without a body are mirrored, since teeing a streamed body would tie the
 * client's pace to the slower of two upstreams or buffer without bound.
 *
 * <p>Accessed only from the pool's event loop; owns its copy of the head, which has no buffer.
 */
final class MirrorExchange implements UpstreamListener {

  private static final Logger log = LoggerFactory.getLogger(MirrorExchange.class);

  private final UpstreamPool pool;
  private final Mirror mirror;
  private final UpstreamEndpoint endpoint;
  private final FullHttpRequest request;
  private Channel up;
  private boolean reusable = true;
  private boolean interim;
  private boolean done;
  private ScheduledFuture<?> timeout;

  private MirrorExchange(
      UpstreamPool pool, Mirror mirror, UpstreamEndpoint endpoint, FullHttpRequest request) {
    this.pool = pool;
    this.mirror = mirror;
    this.endpoint = endpoint;
    this.request = request;
  }

  /**
   * Sends a copy of {@code head} to {@code mirror}'s cluster if it has an endpoint; returns at
   * once.
   *
   * @param head a body-less request head as it goes upstream; only read here
   */
  static void send(UpstreamPool pool, Mirror mirror, HttpRequest head) {
    UpstreamEndpoint endpoint = mirror.cluster().balancer().select(PickRequest.NONE);
    if (endpoint == null) {
      return;
    }
    FullHttpRequest copy =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            head.method(),
            head.uri(),
            Unpooled.EMPTY_BUFFER,
            head.headers().copy(),
            EmptyHttpHeaders.INSTANCE);
    new MirrorExchange(pool, mirror, endpoint, copy).start();
  }

  private void start() {
    Channel idle = pool.acquireIdle(endpoint, this);
    if (idle != null) {
      attached(idle);
      return;
    }
    ChannelFuture f = pool.connect(endpoint, mirror.cluster().connectTimeoutMillis());
    f.addListener(
        future -> {
          if (future.isSuccess()) {
            UpstreamPool.lease(f.channel(), this);
            attached(f.channel());
          } else {
            log.debug("mirror connect to {} failed: {}", endpoint, future.cause().toString());
          }
        });
  }

  private void attached(Channel ch) {
    up = ch;
    timeout =
        ch.eventLoop()
            .schedule(
                this::onTimeout, mirror.cluster().responseTimeoutMillis(), TimeUnit.MILLISECONDS);
    ch.writeAndFlush(request);
    ch.read();
  }

  private void onTimeout() {
    if (!done) {
      finish(false);
    }
  }

  @Override
  public void onUpstreamMessage(HttpObject msg) {
    try {
      if (done) {
        return;
      }
      if (msg instanceof HttpResponse response && response.status().code() < 200) {
        // RFC 9110 §15.2: an interim response; the decoder ends it with an empty last content.
        interim = true;
      } else if (msg instanceof HttpResponse response
          && (!HttpUtil.isKeepAlive(response)
              || (!HttpUtil.isContentLengthSet(response)
                  && !HttpUtil.isTransferEncodingChunked(response)))) {
        // RFC 9112 §6.3: without length or chunking the body ends with the connection.
        reusable = false;
      }
      if (msg instanceof LastHttpContent && interim) {
        interim = false;
        up.read();
      } else if (msg instanceof LastHttpContent) {
        finish(reusable);
      } else {
        up.read();
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void onUpstreamClosed() {
    if (!done) {
      finish(false);
    }
  }

  @Override
  public void onUpstreamFailure(Throwable cause) {
    if (!done) {
      log.debug("mirror to {} failed: {}", endpoint, cause.toString());
      finish(false);
    }
  }

  @Override
  public void onUpstreamWritabilityChanged(boolean writable) {}

  private void finish(boolean keep) {
    done = true;
    if (timeout != null) {
      timeout.cancel(false);
    }
    if (keep && up.isActive()) {
      pool.release(endpoint, up);
    } else {
      up.close();
    }
  }
}
