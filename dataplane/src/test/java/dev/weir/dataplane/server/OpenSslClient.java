package dev.weir.dataplane.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code openssl s_client} (OpenSSL 3, from the distribution) against a local port, sends one
 * HTTP/1.1 request with {@code Connection: close} and returns everything it printed: the handshake
 * summary ({@code Protocol}, {@code Cipher}, {@code Reused}/{@code New}, OCSP status) and the
 * response. Test-only; each call is one process.
 */
final class OpenSslClient {

  private OpenSslClient() {}

  /**
   * @param port the proxy's TLS port on 127.0.0.1
   * @param sni the SNI (and Host) to send
   * @param extra further s_client arguments ({@code -tls1_2}, {@code -status}, {@code -sess_out F},
   *     {@code -cert F -key F}...)
   * @return stdout and stderr together
   */
  static String request(int port, String sni, String... extra)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + port,
                "-servername",
                sni,
                "-ign_eof"));
    cmd.addAll(List.of(extra));
    Path out = java.nio.file.Files.createTempFile("s_client", ".txt");
    try {
      Process p =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      p.getOutputStream()
          .write(
              ("GET /tls HTTP/1.1\r\nHost: " + sni + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      p.getOutputStream().close();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("openssl s_client did not finish");
      }
      return java.nio.file.Files.readString(out, StandardCharsets.ISO_8859_1);
    } finally {
      java.nio.file.Files.deleteIfExists(out);
    }
  }
}
