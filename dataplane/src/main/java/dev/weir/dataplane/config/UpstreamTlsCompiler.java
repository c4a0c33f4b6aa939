package dev.weir.dataplane.config;

import dev.weir.api.config.v1.Cluster;
import dev.weir.api.config.v1.ResourceError;
import dev.weir.api.config.v1.TlsSecret;
import dev.weir.dataplane.tls.ClientSslContexts;
import dev.weir.dataplane.tls.ServerSslContexts;
import dev.weir.dataplane.upstream.UpstreamCluster;
import dev.weir.dataplane.upstream.UpstreamEndpoint;
import dev.weir.dataplane.upstream.UpstreamTls;
import io.netty.handler.ssl.SslProvider;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * Compiles a {@link Cluster}'s {@code tls} into an {@link UpstreamTls}: checks its references and
 * builds the client context, reusing the previous snapshot's context when every input is the same
 * (so pooled TLS connections survive the swap). Used by {@link RuntimeConfigCompiler} on the
 * applying thread; one compile at a time per instance.
 */
final class UpstreamTlsCompiler {

  private final SslProvider provider;
  private final Map<String, TlsSecret> secrets = new HashMap<>();
  private final Map<String, UpstreamTls> previous = new HashMap<>();

  /**
   * @param secrets the snapshot's secrets, for client certificates
   * @param previousConfig the serving config, whose contexts are reused; may be null
   */
  UpstreamTlsCompiler(SslProvider provider, List<TlsSecret> secrets, RuntimeConfig previousConfig) {
    this.provider = provider;
    for (TlsSecret s : secrets) {
      this.secrets.put(s.getName(), s);
    }
    if (previousConfig != null) {
      for (UpstreamCluster c : previousConfig.clusters().values()) {
        // Every endpoint of a cluster carries the same setting (withTls).
        UpstreamTls tls = c.endpoints().isEmpty() ? null : c.endpoints().get(0).tls();
        if (tls != null) {
          previous.put(tls.key(), tls);
        }
      }
    }
  }

  /**
   * @return the cluster's TLS setting, null for a cleartext cluster or when an error was added
   */
  UpstreamTls compile(Cluster c, List<ResourceError> errors) {
    boolean h2 = c.getProtocol() == Cluster.Protocol.H2 || c.getProtocol() == Cluster.Protocol.H2C;
    if (!c.hasTls()) {
      if (c.getProtocol() == Cluster.Protocol.H2) {
        errors.add(error(c, "protocol H2 needs tls"));
      }
      return null;
    }
    var tls = c.getTls();
    TlsSecret client = null;
    if (!tls.getClientSecret().isEmpty()) {
      client = secrets.get(tls.getClientSecret());
      if (client == null) {
        errors.add(error(c, "unknown client secret " + tls.getClientSecret()));
        return null;
      }
    }
    List<String> names =
        tls.getSubjectAltNamesCount() > 0
            ? tls.getSubjectAltNamesList()
            : tls.getSni().isEmpty() ? List.of() : List.of(tls.getSni());
    String key = key(tls.toByteArray(), client, h2);
    UpstreamTls old = previous.get(key);
    if (old != null && old.h2() == h2) {
      return old;
    }
    try {
      ClientSslContexts.Spec spec =
          new ClientSslContexts.Spec(
              tls.getCaCertificates().toByteArray(),
              tls.getUseSystemTrustStore(),
              names,
              client == null ? null : client.getCertificateChain().toByteArray(),
              client == null ? null : client.getPrivateKey().toByteArray(),
              h2);
      return new UpstreamTls(key, ClientSslContexts.build(spec, provider), tls.getSni(), h2);
    } catch (SSLException e) {
      errors.add(error(c, e.getMessage()));
      return null;
    }
  }

  private static String key(byte[] tls, TlsSecret client, boolean h2) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(tls);
      sha.update((byte) (h2 ? 1 : 0));
      if (client != null) {
        sha.update(
            ServerSslContexts.digest(
                    client.getCertificateChain().toByteArray(),
                    client.getPrivateKey().toByteArray())
                .getBytes(StandardCharsets.US_ASCII));
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing", e);
    }
  }

  private static ResourceError error(Cluster c, String reason) {
    return RuntimeConfigCompiler.error("cluster", c.getName(), "tls: " + reason);
  }

  /** The endpoints of a cluster, each carrying {@code tls} (null for cleartext). */
  static List<UpstreamEndpoint> withTls(List<UpstreamEndpoint> endpoints, UpstreamTls tls) {
    if (tls == null) {
      return endpoints;
    }
    List<UpstreamEndpoint> out = new ArrayList<>(endpoints.size());
    for (UpstreamEndpoint e : endpoints) {
      out.add(new UpstreamEndpoint(e.address(), e.port(), tls));
    }
    return out;
  }
}
