package dev.weir.testing;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts calls, hands the request metadata to the service through the gRPC {@link Context}, names
 * the backend in the response header {@code x-backend}, and answers gzip with gzip. Stateless apart
 * from the shared counter; one instance serves every call.
 */
final class BackendInterceptor implements ServerInterceptor {

  /** The response header that names the backend. */
  static final Metadata.Key<String> BACKEND =
      Metadata.Key.of("x-backend", Metadata.ASCII_STRING_MARSHALLER);

  /** The request metadata of the current call, as echoed in {@code EchoResponse.headers}. */
  static final Context.Key<Map<String, String>> HEADERS = Context.key("weir-echo-headers");

  private static final Metadata.Key<String> ENCODING =
      Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER);

  private final String name;
  private final AtomicLong requests;

  BackendInterceptor(String name, AtomicLong requests) {
    this.name = name;
    this.requests = requests;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    requests.incrementAndGet();
    if ("gzip".equals(headers.get(ENCODING))) {
      call.setCompression("gzip");
    }
    Context context = Context.current().withValue(HEADERS, echo(call.getAuthority(), headers));
    return Contexts.interceptCall(context, new NamingCall<>(call), headers, next);
  }

  /** Text metadata by lower-case name, repeated values joined with "," (RFC 9110 §5.3). */
  private static Map<String, String> echo(String authority, Metadata headers) {
    Map<String, String> out = new TreeMap<>();
    if (authority != null) {
      out.put(":authority", authority);
    }
    for (String key : headers.keys()) {
      if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
        continue;
      }
      Iterable<String> values =
          headers.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
      if (values != null) {
        out.put(key, String.join(",", values));
      }
    }
    return out;
  }

  /** Adds {@code x-backend} to the headers, or to the trailers of a trailers-only response. */
  private final class NamingCall<Q, R> extends SimpleForwardingServerCall<Q, R> {
    // Written and read on the call's serialized executor (gRPC serializes ServerCall methods).
    private boolean headersSent;

    NamingCall(ServerCall<Q, R> delegate) {
      super(delegate);
    }

    @Override
    public void sendHeaders(Metadata headers) {
      headers.put(BACKEND, name);
      headersSent = true;
      super.sendHeaders(headers);
    }

    @Override
    public void close(Status status, Metadata trailers) {
      if (!headersSent) {
        trailers.put(BACKEND, name);
      }
      super.close(status, trailers);
    }
  }
}
