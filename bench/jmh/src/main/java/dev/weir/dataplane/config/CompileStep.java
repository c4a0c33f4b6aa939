package dev.weir.dataplane.config;

import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.dataplane.lb.InFlightRequests;
import dev.weir.dataplane.plugin.FilterPlugins;
import dev.weir.dataplane.server.ProxySettings;
import dev.weir.dataplane.tls.ServerSslContexts;
import dev.weir.dataplane.upstream.UpstreamEndpoint;

/**
 * The data plane's real compile step ({@link RuntimeConfigCompiler}, what {@link ConfigApplier}
 * runs before it ACKs a snapshot) for the benchmarks. It lives in the compiler's package, in the
 * benchmark module, so that the production class can stay package-private. It does what {@link
 * ConfigApplier#apply} does apart from binding ports and starting health checkers: no health states
 * (nothing is probed) and no session ticket keys (the benchmark snapshots have no TLS).
 *
 * <p>Holds the in-flight counts its least-request balancers read; one compile at a time.
 */
public final class CompileStep {

  private final InFlightRequests<UpstreamEndpoint> inFlight = new InFlightRequests<>();
  private final RuntimeConfigCompiler compiler =
      new RuntimeConfigCompiler(
          ProxySettings.defaults(),
          ServerSslContexts.provider(),
          null,
          null,
          inFlight,
          FilterPlugins.none());

  /**
   * Compiles {@code snapshot} as the first one a data plane receives.
   *
   * @throws IllegalStateException when the data plane would reject (NACK) it
   */
  public RuntimeConfig compile(ConfigSnapshot snapshot) {
    return compile(snapshot, null);
  }

  /**
   * Compiles {@code snapshot} as the next one after {@code serving}, which a data plane built from
   * the previous snapshot: what is unchanged is taken over from it.
   *
   * @throws IllegalStateException when the data plane would reject (NACK) it
   */
  public RuntimeConfig compile(ConfigSnapshot snapshot, RuntimeConfig serving) {
    try {
      return compiler.compile(snapshot, serving);
    } catch (SnapshotRejectedException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** The in-flight counts per endpoint, shared by every compiled least-request balancer. */
  public InFlightRequests<UpstreamEndpoint> inFlight() {
    return inFlight;
  }
}
