package dev.weir.dataplane.health;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The two messages of the gRPC health-checking protocol ({@code grpc/health/v1/health.proto}),
 * encoded by hand as grpc-services is not a dependency: {@code HealthCheckRequest { string service
 * = 1; }} and {@code HealthCheckResponse { ServingStatus status = 1; }}, each in gRPC's
 * length-prefixed framing (PROTOCOL-HTTP2.md: a compressed flag byte, a 4-byte big-endian length,
 * the message). Stateless.
 */
final class GrpcHealthMessages {

  /** The method's path ({@code /package.Service/Method}). */
  static final String PATH = "/grpc.health.v1.Health/Check";

  /** {@code HealthCheckResponse.ServingStatus.SERVING}. */
  static final int SERVING = 1;

  private GrpcHealthMessages() {}

  /** A framed {@code HealthCheckRequest} for {@code service}. */
  static byte[] request(String service) {
    byte[] name = service.getBytes(StandardCharsets.UTF_8);
    int size = name.length == 0 ? 0 : CodedOutputStream.computeStringSize(1, service);
    ByteBuffer framed = ByteBuffer.allocate(5 + size);
    framed.put((byte) 0).putInt(size);
    if (size > 0) {
      try {
        CodedOutputStream out = CodedOutputStream.newInstance(framed);
        out.writeString(1, service);
        out.flush();
      } catch (IOException e) {
        throw new IllegalStateException("a sized buffer cannot overflow", e);
      }
    }
    return framed.array();
  }

  /**
   * The status in a framed {@code HealthCheckResponse}: 0 (UNKNOWN) when absent, as proto3 leaves a
   * default out.
   *
   * @throws IOException when the bytes are not one uncompressed message
   */
  static int status(byte[] framed) throws IOException {
    if (framed.length < 5 || framed[0] != 0) {
      throw new IOException("not one uncompressed gRPC message");
    }
    int size = ByteBuffer.wrap(framed, 1, 4).getInt();
    if (size < 0 || size > framed.length - 5) {
      throw new IOException("truncated gRPC message");
    }
    CodedInputStream in = CodedInputStream.newInstance(framed, 5, size);
    int status = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == (1 << 3)) {
        status = in.readEnum();
      } else {
        in.skipField(tag);
      }
    }
    return status;
  }
}
