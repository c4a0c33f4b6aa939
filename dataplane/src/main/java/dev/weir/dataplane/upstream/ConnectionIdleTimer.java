package dev.weir.dataplane.upstream;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Tells the pipeline when a connection has neither read nor written for its timeout: it fires
 * {@link IdleStateEvent#FIRST_ALL_IDLE_STATE_EVENT}, then {@link
 * IdleStateEvent#ALL_IDLE_STATE_EVENT} after each further timeout of quiet. The handlers after it
 * decide what idle means (close, unless a request is in flight). Used on client and upstream
 * connections alike.
 *
 * <p>Netty's {@code IdleStateHandler} does the same to the nanosecond, at a cost on every message:
 * a clock read per read burst and per write, and a listener on every write's promise (so no write
 * may use the void promise). Here a read or a write only sets a flag. A timer ticks every quarter
 * of the timeout and counts the quiet ticks, so the event comes between 1 and 1.25 timeouts after
 * the last read or write. A write counts when it is made, not when it completes: a client that
 * stops reading stops the relay (backpressure), so its connection goes quiet too.
 *
 * <p>Accessed only from the channel's event loop.
 */
public final class ConnectionIdleTimer extends ChannelDuplexHandler {

  private static final int TICKS_PER_TIMEOUT = 4;

  private final long tickNanos;
  private boolean active;
  private int quietTicks;
  private boolean firstEventSent;
  private ScheduledFuture<?> tick;
  private Runnable onTick;

  /**
   * @param timeout the quiet time after which the event fires; 0 or less turns the timer off
   * @param unit the unit of {@code timeout}
   */
  public ConnectionIdleTimer(long timeout, TimeUnit unit) {
    this.tickNanos = timeout <= 0 ? 0 : Math.max(1, unit.toNanos(timeout) / TICKS_PER_TIMEOUT);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
      start(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    start(ctx);
    ctx.fireChannelActive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stop();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stop();
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    active = true;
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    active = true;
    ctx.write(msg, promise);
  }

  private void start(ChannelHandlerContext ctx) {
    if (tickNanos == 0 || onTick != null) {
      return;
    }
    onTick = () -> tick(ctx);
    schedule(ctx);
  }

  private void stop() {
    if (tick != null) {
      tick.cancel(false);
      tick = null;
    }
  }

  private void schedule(ChannelHandlerContext ctx) {
    tick = ctx.executor().schedule(onTick, tickNanos, TimeUnit.NANOSECONDS);
  }

  private void tick(ChannelHandlerContext ctx) {
    if (!ctx.channel().isOpen()) {
      tick = null;
      return;
    }
    if (active) {
      active = false;
      quietTicks = 0;
      firstEventSent = false;
    } else if (++quietTicks == TICKS_PER_TIMEOUT) {
      quietTicks = 0;
      ctx.fireUserEventTriggered(
          firstEventSent
              ? IdleStateEvent.ALL_IDLE_STATE_EVENT
              : IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT);
      firstEventSent = true;
    }
    if (ctx.channel().isOpen()) {
      schedule(ctx);
    } else {
      tick = null;
    }
  }
}
