package dev.weir.dataplane.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code weir_tls_handshakes_total{sni,result}}: client TLS handshakes by the certificate hostname
 * their SNI matched in the config ({@code "none"} without SNI, {@code "unknown"} for any other
 * name, so the label never carries what a client sent), {@code result} = {@code ok} | {@code
 * failed}.
 *
 * <p>One per proxy runtime. Thread-safe: counters are looked up once per label and kept.
 */
public final class TlsMetrics {

  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, Counter[]> bySni = new ConcurrentHashMap<>();

  public TlsMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * Counts one finished handshake.
   *
   * @param sni a bounded label (see the class comment)
   * @param ok whether it succeeded
   */
  public void handshake(String sni, boolean ok) {
    Counter[] counters = bySni.get(sni);
    if (counters == null) {
      counters = bySni.computeIfAbsent(sni, this::register);
    }
    counters[ok ? 0 : 1].increment();
  }

  private Counter[] register(String sni) {
    return new Counter[] {counter(sni, "ok"), counter(sni, "failed")};
  }

  private Counter counter(String sni, String result) {
    return Counter.builder("weir.tls.handshakes")
        .description("Client TLS handshakes by matched certificate hostname and result")
        .tag("sni", sni)
        .tag("result", result)
        .register(registry);
  }
}
