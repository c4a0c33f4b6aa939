package dev.weir.dataplane.server;

import dev.weir.dataplane.upstream.Http2CloseWhenIdle;
import dev.weir.dataplane.upstream.Http2PerRequestHeaders;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.UniformStreamByteDistributor;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * The connection-level half of a client HTTP/2 pipeline, held to {@link Http2Limits}:
 *
 * <pre>
 * Http2FrameCodec → FlushConsolidationHandler → Http2MultiplexHandler(streams) → Http2CloseWhenIdle
 *   → Http2DrainHandler
 * </pre>
 *
 * <p>Flushes: each stream flushes its response when it is written, and responses arrive from many
 * upstream connections in one event-loop turn. The {@link FlushConsolidationHandler} turns those
 * flushes into one at the end of the turn, or at the end of the client connection's read: the
 * codec's flow controller then writes the turn's DATA frames in one pass, and the socket (over TLS,
 * the {@code SslHandler} first) takes them in one write. The codec's own frames (SETTINGS and PING
 * acknowledgements, WINDOW_UPDATE) do not pass it and go out at the end of each read.
 *
 * <p>What each attack meets (all enforced by Netty's codec, configured here):
 *
 * <ul>
 *   <li>Too many streams: a stream past SETTINGS_MAX_CONCURRENT_STREAMS is reset with
 *       REFUSED_STREAM (RFC 9113 §5.1.2) and never reaches a proxy handler.
 *   <li>Rapid reset (CVE-2023-44487): more RST_STREAM frames than the limit per window end the
 *       connection with GOAWAY ENHANCE_YOUR_CALM.
 *   <li>HPACK bombs and CONTINUATION floods: the header list is counted as it is decoded and as
 *       CONTINUATION frames arrive; a list a little over SETTINGS_MAX_HEADER_LIST_SIZE is answered
 *       431, one far over it (or a flood of tiny CONTINUATION frames) ends the connection, before
 *       anything is buffered beyond the limit.
 * </ul>
 *
 * <p>Flow control: the connection is read all the time, and each stream's channel only when its
 * handler asks; a DATA frame's bytes return to the client's window when the stream's handler reads
 * it (Netty's multiplexer does this), so a stream whose upstream is slow holds at most one window.
 * Stateless; called on the connection's event loop.
 */
final class Http2ServerPipeline {

  private Http2ServerPipeline() {}

  /**
   * Adds the HTTP/2 handlers after {@code ctx}, announces {@code limits}, and widens the connection
   * window. The connection must be active (the codec sends its preface on being added).
   *
   * @param streams initializes each stream's channel
   */
  static void install(ChannelHandlerContext ctx, Http2Limits limits, ChannelHandler streams) {
    Http2FrameCodec codec =
        new ServerCodecBuilder()
            .initialSettings(
                Http2Settings.defaultSettings()
                    .maxConcurrentStreams(limits.maxConcurrentStreams())
                    .maxHeaderListSize(limits.maxHeaderListSize())
                    .initialWindowSize(limits.initialWindowSize())
                    // RFC 8441 §3: extended CONNECT, for WebSocket over HTTP/2.
                    .connectProtocolEnabled(true))
            .headerSensitivityDetector(Http2PerRequestHeaders.INSTANCE)
            .decoderEnforceMaxRstFramesPerWindow(
                limits.maxResetsPerWindow(), limits.resetWindowSeconds())
            .build();
    ctx.pipeline()
        .addLast(
            codec,
            new FlushConsolidationHandler(
                FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true),
            new Http2MultiplexHandler(streams),
            new Http2CloseWhenIdle(codec),
            new Http2DrainHandler(codec, Http2DrainHandler.PING_ACK_TIMEOUT));
    ctx.fireChannelActive();
    widenConnectionWindow(codec, limits.connectionWindowSize());
    ctx.flush();
  }

  /**
   * A server codec whose flow controller shares the connection window among streams evenly ({@link
   * UniformStreamByteDistributor}) instead of by the priority tree of RFC 7540 §5.3, which RFC 9113
   * §5.3 deprecates: the weighted distributor keeps that tree up to date as every stream opens and
   * closes, work a proxy answering one small response per stream pays on each request for nothing.
   */
  private static final class ServerCodecBuilder extends Http2FrameCodecBuilder {
    ServerCodecBuilder() {
      // As forServer() does; the connection given below makes this a server codec (a builder
      // takes either a connection or a side, not both).
      gracefulShutdownTimeoutMillis(0);
      DefaultHttp2Connection connection = new DefaultHttp2Connection(true);
      connection
          .remote()
          .flowController(
              new DefaultHttp2RemoteFlowController(
                  connection, new UniformStreamByteDistributor(connection)));
      connection(connection);
    }
  }

  /** RFC 9113 §6.9.2: only WINDOW_UPDATE changes the connection window, SETTINGS cannot. */
  private static void widenConnectionWindow(Http2FrameCodec codec, int size) {
    int delta = size - Http2Limits.DEFAULT_WINDOW;
    if (delta <= 0) {
      return;
    }
    Http2Connection connection = codec.connection();
    try {
      connection.local().flowController().incrementWindowSize(connection.connectionStream(), delta);
    } catch (Http2Exception e) {
      // Only on overflow past 2^31-1, which Http2Limits rules out.
      throw new IllegalStateException(e);
    }
  }
}
