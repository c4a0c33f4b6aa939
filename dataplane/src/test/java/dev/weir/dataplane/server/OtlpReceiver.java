package dev.weir.dataplane.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A local OpenTelemetry collector for tests: accepts OTLP/HTTP protobuf exports on {@code POST
 * /v1/traces} and keeps the spans, decoded by field number (opentelemetry-proto's {@code
 * trace/v1/trace.proto}) with protobuf's generic {@link UnknownFieldSet}. Its own threads; {@link
 * #spans()} may be read from any thread.
 */
final class OtlpReceiver implements AutoCloseable {

  /** {@code Span.SpanKind} values. */
  static final int SERVER = 2;

  static final int CLIENT = 3;

  /** {@code Status.StatusCode} values. */
  static final int STATUS_UNSET = 0;

  static final int STATUS_ERROR = 2;

  /**
   * One span as exported.
   *
   * @param parentSpanId hex, or "" for a root span
   * @param attributes string, long, double or boolean values by key
   * @param service the resource's {@code service.name}
   */
  record ReceivedSpan(
      String traceId,
      String spanId,
      String parentSpanId,
      String traceState,
      String name,
      int kind,
      Map<String, Object> attributes,
      int statusCode,
      String service) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
  private final List<String> contentTypes = new CopyOnWriteArrayList<>();

  OtlpReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/traces", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** The OTLP base endpoint, as {@code OTEL_EXPORTER_OTLP_ENDPOINT} would give it. */
  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Every span received so far, in arrival order. */
  List<ReceivedSpan> spans() {
    return List.copyOf(spans);
  }

  /** The spans of one trace. */
  List<ReceivedSpan> trace(String traceId) {
    return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
  }

  /** The Content-Type of every export request. */
  List<String> contentTypes() {
    return List.copyOf(contentTypes);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("POST")) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
      byte[] body = exchange.getRequestBody().readAllBytes();
      decodeRequest(body);
      // An empty ExportTraceServiceResponse: everything accepted.
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, -1);
    }
  }

  /** ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; } */
  private void decodeRequest(byte[] body) throws InvalidProtocolBufferException {
    for (ByteString resourceSpans : messages(UnknownFieldSet.parseFrom(body), 1)) {
      UnknownFieldSet rs = UnknownFieldSet.parseFrom(resourceSpans);
      // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
      String service = "";
      for (ByteString resource : messages(rs, 1)) {
        Object name = attributes(UnknownFieldSet.parseFrom(resource), 1).get("service.name");
        service = name == null ? "" : name.toString();
      }
      for (ByteString scopeSpans : messages(rs, 2)) {
        // ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
        for (ByteString span : messages(UnknownFieldSet.parseFrom(scopeSpans), 2)) {
          spans.add(span(UnknownFieldSet.parseFrom(span), service));
        }
      }
    }
  }

  /**
   * Span { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4;
   * string name = 5; SpanKind kind = 6; repeated KeyValue attributes = 9; Status status = 15; }
   */
  private static ReceivedSpan span(UnknownFieldSet s, String service)
      throws InvalidProtocolBufferException {
    int status = STATUS_UNSET;
    for (ByteString st : messages(s, 15)) {
      // Status { string message = 2; StatusCode code = 3; }
      status = (int) varint(UnknownFieldSet.parseFrom(st), 3);
    }
    return new ReceivedSpan(
        hex(s, 1),
        hex(s, 2),
        hex(s, 4),
        text(s, 3),
        text(s, 5),
        (int) varint(s, 6),
        attributes(s, 9),
        status,
        service);
  }

  /** KeyValue { string key = 1; AnyValue value = 2; } */
  private static Map<String, Object> attributes(UnknownFieldSet message, int field)
      throws InvalidProtocolBufferException {
    Map<String, Object> out = new HashMap<>();
    for (ByteString kv : messages(message, field)) {
      UnknownFieldSet pair = UnknownFieldSet.parseFrom(kv);
      for (ByteString value : messages(pair, 2)) {
        out.put(text(pair, 1), anyValue(UnknownFieldSet.parseFrom(value)));
      }
    }
    return out;
  }

  /** AnyValue { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double 4; } */
  private static Object anyValue(UnknownFieldSet v) {
    if (v.hasField(1)) {
      return text(v, 1);
    }
    if (v.hasField(2)) {
      return varint(v, 2) != 0;
    }
    if (v.hasField(3)) {
      return varint(v, 3);
    }
    if (v.hasField(4)) {
      return Double.longBitsToDouble(v.getField(4).getFixed64List().getFirst());
    }
    return null;
  }

  private static List<ByteString> messages(UnknownFieldSet message, int field) {
    return message.hasField(field) ? message.getField(field).getLengthDelimitedList() : List.of();
  }

  private static String text(UnknownFieldSet message, int field) {
    List<ByteString> values = messages(message, field);
    return values.isEmpty() ? "" : values.getLast().toStringUtf8();
  }

  private static String hex(UnknownFieldSet message, int field) {
    List<ByteString> values = messages(message, field);
    return values.isEmpty() ? "" : HexFormat.of().formatHex(values.getLast().toByteArray());
  }

  private static long varint(UnknownFieldSet message, int field) {
    return message.hasField(field) ? message.getField(field).getVarintList().getLast() : 0;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.close();
  }
}
