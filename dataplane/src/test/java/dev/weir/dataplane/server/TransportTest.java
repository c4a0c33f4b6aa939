package dev.weir.dataplane.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.dataplane.server.ProxyRuntime.Transport;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringSocketChannel;
import org.junit.jupiter.api.Test;

class TransportTest {

  @Test
  void autoTakesIoUringWhereTheKernelAllowsItElseEpoll() {
    Transport auto = Transport.select("auto");
    if (IoUring.isAvailable()) {
      assertThat(auto.name()).isEqualTo("io_uring");
      assertThat(auto.client()).isEqualTo(IoUringSocketChannel.class);
    } else {
      assertThat(auto.name()).isEqualTo(Epoll.isAvailable() ? "epoll" : "nio");
    }
  }

  @Test
  void eachTransportCanBeAskedForByName() {
    assertThat(Transport.select("nio").name()).isEqualTo("nio");
    if (Epoll.isAvailable()) {
      assertThat(Transport.select("epoll").name()).isEqualTo("epoll");
    }
  }

  @Test
  void anUnknownNameIsRefusedWithTheChoices() {
    assertThatThrownBy(() -> Transport.select("kqueue"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-Dweir.transport=kqueue")
        .hasMessageContaining("auto, io_uring, epoll or nio");
  }
}
