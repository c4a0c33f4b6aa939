package dev.weir.dataplane.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * An HTTP/2 client over a plain socket that writes frames exactly as told (RFC 9113 §4), for tests
 * that must send what no well-behaved client would: floods of resets or CONTINUATION frames, HPACK
 * bombs, streams past the limit. It encodes and decodes header blocks with Netty's HPACK coder
 * (every HEADERS frame read is decoded, keeping the dynamic table in step) and acknowledges the
 * server's SETTINGS. Not thread-safe: one test thread.
 */
final class RawH2 implements AutoCloseable {

  static final int DATA = 0x0;
  static final int HEADERS = 0x1;
  static final int RST_STREAM = 0x3;
  static final int SETTINGS = 0x4;
  static final int PING = 0x6;
  static final int GOAWAY = 0x7;
  static final int WINDOW_UPDATE = 0x8;
  static final int CONTINUATION = 0x9;

  static final int END_STREAM = 0x1;
  static final int END_HEADERS = 0x4;
  static final int ACK = 0x1;

  /** A frame read: its type, flags, stream, payload, and for HEADERS the decoded fields. */
  record Frame(int type, int flags, int streamId, byte[] payload, Http2Headers headers) {

    /** The error code of RST_STREAM, or of GOAWAY (after the last stream id). */
    int errorCode() {
      ByteBuffer b = ByteBuffer.wrap(payload);
      return type == GOAWAY ? b.getInt(4) : b.getInt(0);
    }

    /** The last stream id of GOAWAY (RFC 9113 §6.8). */
    int lastStreamId() {
      return ByteBuffer.wrap(payload).getInt(0) & 0x7FFFFFFF;
    }

    /** The opaque data of PING (RFC 9113 §6.7). */
    long pingData() {
      return ByteBuffer.wrap(payload).getLong(0);
    }

    /** SETTINGS parameters by identifier (RFC 9113 §6.5.1). */
    Map<Integer, Long> settings() {
      Map<Integer, Long> out = new HashMap<>();
      ByteBuffer b = ByteBuffer.wrap(payload);
      while (b.remaining() >= 6) {
        out.put(b.getShort() & 0xFFFF, b.getInt() & 0xFFFFFFFFL);
      }
      return out;
    }

    /** The window size increment of WINDOW_UPDATE. */
    int windowIncrement() {
      return ByteBuffer.wrap(payload).getInt() & 0x7FFFFFFF;
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
  private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false, 1 << 20);

  private RawH2(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects to 127.0.0.1:{@code port} and sends the preface and an empty SETTINGS frame. */
  static RawH2 connect(int port) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(10_000);
    RawH2 h2 = new RawH2(s);
    h2.out.write(ByteBufUtil.getBytes(Http2CodecUtil.connectionPrefaceBuf()));
    h2.frame(SETTINGS, 0, 0, new byte[0]);
    return h2;
  }

  /** A GET (or any bodyless method) request's fields for {@code path}. */
  static Http2Headers request(String method, String path) {
    return new DefaultHttp2Headers().method(method).scheme("http").path(path).authority("h2.test");
  }

  /** Writes one frame. */
  void frame(int type, int flags, int streamId, byte[] payload) throws IOException {
    byte[] head = new byte[9];
    head[0] = (byte) (payload.length >>> 16);
    head[1] = (byte) (payload.length >>> 8);
    head[2] = (byte) payload.length;
    head[3] = (byte) type;
    head[4] = (byte) flags;
    ByteBuffer.wrap(head, 5, 4).putInt(streamId);
    out.write(head);
    out.write(payload);
    out.flush();
  }

  /** HEADERS with {@code headers}, HPACK-encoded, in one frame with END_HEADERS. */
  void headers(int streamId, Http2Headers headers, boolean endStream) throws IOException {
    frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), streamId, encode(streamId, headers));
  }

  /** The HPACK block for {@code headers}. */
  byte[] encode(int streamId, Http2Headers headers) {
    ByteBuf buf = Unpooled.buffer();
    try {
      encoder.encodeHeaders(streamId, headers, buf);
      return ByteBufUtil.getBytes(buf);
    } catch (Http2Exception e) {
      throw new IllegalStateException(e);
    } finally {
      buf.release();
    }
  }

  void data(int streamId, byte[] bytes, boolean endStream) throws IOException {
    frame(DATA, endStream ? END_STREAM : 0, streamId, bytes);
  }

  void rstStream(int streamId, int errorCode) throws IOException {
    frame(RST_STREAM, 0, streamId, ByteBuffer.allocate(4).putInt(errorCode).array());
  }

  /** PING with {@code data}; the server's PINGs are not answered unless a test does it. */
  void ping(boolean ack, long data) throws IOException {
    frame(PING, ack ? ACK : 0, 0, ByteBuffer.allocate(8).putLong(data).array());
  }

  void windowUpdate(int streamId, int increment) throws IOException {
    frame(WINDOW_UPDATE, 0, streamId, ByteBuffer.allocate(4).putInt(increment).array());
  }

  /** The next frame; null at end of stream. SETTINGS are acknowledged as they come. */
  Frame next() throws IOException {
    byte[] head = new byte[9];
    try {
      in.readFully(head);
    } catch (EOFException | SocketException e) {
      return null;
    }
    int length = ((head[0] & 0xFF) << 16) | ((head[1] & 0xFF) << 8) | (head[2] & 0xFF);
    int type = head[3] & 0xFF;
    int flags = head[4] & 0xFF;
    int streamId = ByteBuffer.wrap(head, 5, 4).getInt() & 0x7FFFFFFF;
    byte[] payload = new byte[length];
    try {
      in.readFully(payload);
    } catch (EOFException | SocketException e) {
      return null;
    }
    Http2Headers decoded = null;
    if (type == HEADERS) {
      decoded = decode(streamId, payload);
    } else if (type == SETTINGS && (flags & 0x1) == 0) {
      try {
        frame(SETTINGS, 0x1, 0, new byte[0]);
      } catch (IOException e) {
        // The server closed its side: what it sent can still be read.
      }
    }
    return new Frame(type, flags, streamId, payload, decoded);
  }

  /** The next frame if one arrives within {@code timeout}, else null. */
  Frame poll(java.time.Duration timeout) throws IOException {
    int before = socket.getSoTimeout();
    socket.setSoTimeout((int) timeout.toMillis());
    try {
      return next();
    } catch (java.net.SocketTimeoutException e) {
      return null;
    } finally {
      socket.setSoTimeout(before);
    }
  }

  /** Reads until a frame matches; null if the connection ended first. */
  Frame await(Predicate<Frame> match) throws IOException {
    for (Frame f; (f = next()) != null; ) {
      if (match.test(f)) {
        return f;
      }
    }
    return null;
  }

  /** The frames read up to and with the first that matches; all of them if the connection ends. */
  List<Frame> until(Predicate<Frame> match) throws IOException {
    List<Frame> read = new ArrayList<>();
    for (Frame f; (f = next()) != null; ) {
      read.add(f);
      if (match.test(f)) {
        break;
      }
    }
    return read;
  }

  /** Reads until the end of stream on {@code streamId}; returns the DATA bytes received. */
  byte[] body(int streamId) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Frame f; (f = next()) != null; ) {
      if (f.streamId() == streamId && f.type() == DATA) {
        body.write(f.payload());
      }
      if (f.streamId() == streamId && (f.flags() & END_STREAM) != 0) {
        return body.toByteArray();
      }
    }
    throw new EOFException("connection ended before stream " + streamId);
  }

  /** Whether the server closed the connection: reads (and drops) frames until the end. */
  boolean closedByServer() throws IOException {
    while (next() != null) {
      // drain
    }
    return true;
  }

  private Http2Headers decode(int streamId, byte[] block) {
    ByteBuf buf = Unpooled.wrappedBuffer(block);
    try {
      return decoder.decodeHeaders(streamId, buf);
    } catch (Http2Exception e) {
      throw new IllegalStateException(e);
    } finally {
      buf.release();
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
