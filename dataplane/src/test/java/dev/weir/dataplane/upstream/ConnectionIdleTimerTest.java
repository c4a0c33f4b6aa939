package dev.weir.dataplane.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The idle timer on Netty's embedded channel, whose clock the test moves. */
class ConnectionIdleTimerTest {

  private final List<Object> events = new ArrayList<>();

  private EmbeddedChannel channel(long timeoutMillis) {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime();
    ch.pipeline()
        .addLast(
            new ConnectionIdleTimer(timeoutMillis, TimeUnit.MILLISECONDS),
            new ChannelInboundHandlerAdapter() {
              @Override
              public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                events.add(evt);
              }
            });
    return ch;
  }

  private void advance(EmbeddedChannel ch, long millis) {
    // In 1 ms steps, so every tick runs at its own time.
    for (long i = 0; i < millis; i++) {
      ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
      ch.runScheduledPendingTasks();
    }
  }

  @Test
  void aQuietConnectionIsIdleAfterOneToOneAndAQuarterTimeouts() {
    EmbeddedChannel ch = channel(400);
    advance(ch, 399);
    assertThat(events).isEmpty();
    advance(ch, 101);
    assertThat(events).containsExactly(IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT);
    // Still quiet: again after each further timeout, no longer the first.
    advance(ch, 400);
    assertThat(events)
        .containsExactly(
            IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT, IdleStateEvent.ALL_IDLE_STATE_EVENT);
    ch.finishAndReleaseAll();
  }

  @Test
  void readsAndWritesPostponeTheEvent() {
    EmbeddedChannel ch = channel(400);
    for (int i = 0; i < 5; i++) {
      advance(ch, 300);
      if (i % 2 == 0) {
        ch.writeInbound("request");
      } else {
        ch.writeOutbound("response");
      }
    }
    assertThat(events).isEmpty();
    // 1,500 ms have passed; the last activity starts the count again.
    advance(ch, 399);
    assertThat(events).isEmpty();
    advance(ch, 101);
    assertThat(events).containsExactly(IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT);
    // Activity after an event makes the next one a first again.
    ch.writeInbound("request");
    advance(ch, 500);
    assertThat(events)
        .containsExactly(
            IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT, IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT);
    ch.finishAndReleaseAll();
  }

  @Test
  void aZeroTimeoutNeverFiresAndAClosedChannelStopsTheTimer() {
    EmbeddedChannel off = channel(0);
    advance(off, 1000);
    assertThat(events).isEmpty();
    off.finishAndReleaseAll();

    EmbeddedChannel ch = channel(400);
    ch.close();
    advance(ch, 1000);
    assertThat(events).isEmpty();
  }
}
