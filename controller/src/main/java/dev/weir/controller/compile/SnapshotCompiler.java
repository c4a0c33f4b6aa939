package dev.weir.controller.compile;

import com.google.protobuf.ByteString;
import dev.weir.api.config.v1.Cluster;
import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.api.config.v1.Cors;
import dev.weir.api.config.v1.DirectResponse;
import dev.weir.api.config.v1.Endpoint;
import dev.weir.api.config.v1.ForwardAction;
import dev.weir.api.config.v1.Header;
import dev.weir.api.config.v1.HeaderMatch;
import dev.weir.api.config.v1.HeaderModifier;
import dev.weir.api.config.v1.Listener;
import dev.weir.api.config.v1.Mirror;
import dev.weir.api.config.v1.PathMatch;
import dev.weir.api.config.v1.PathRewrite;
import dev.weir.api.config.v1.QueryParamMatch;
import dev.weir.api.config.v1.Redirect;
import dev.weir.api.config.v1.Retry;
import dev.weir.api.config.v1.Route;
import dev.weir.api.config.v1.RouteTable;
import dev.weir.api.config.v1.SniCertificate;
import dev.weir.api.config.v1.StringMatch;
import dev.weir.api.config.v1.Timeouts;
import dev.weir.api.config.v1.TlsSecret;
import dev.weir.api.config.v1.UpstreamTls;
import dev.weir.api.config.v1.UrlRewrite;
import dev.weir.api.config.v1.VirtualHost;
import dev.weir.api.config.v1.WeightedBackend;
import dev.weir.controller.model.Action;
import dev.weir.controller.model.Model;
import dev.weir.controller.model.ValueMatch;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Compiles a sorted {@link Model} into the {@link ConfigSnapshot} proto and stamps its version: the
 * hex sha256 of the snapshot serialized with version, generation and nonce cleared. Proto3 binary
 * serialization of a message without maps is deterministic, so equal models give equal versions and
 * an identical rebuild pushes nothing. Stateless.
 */
public final class SnapshotCompiler {

  private SnapshotCompiler() {}

  /** The snapshot for {@code model}, with generation 0 and nonce "" left for the pusher. */
  public static ConfigSnapshot compile(Model model) {
    ConfigSnapshot.Builder b = ConfigSnapshot.newBuilder();
    for (dev.weir.controller.model.Listener l : model.listeners()) {
      Listener.Builder lb =
          Listener.newBuilder()
              .setName(l.name())
              .setPort(l.port())
              .setProtocol(l.tls() ? Listener.Protocol.HTTPS : Listener.Protocol.HTTP)
              .setRouteTable(l.routeTable())
              .setDefaultSecret(l.defaultSecret());
      if (l.clientValidation() != null) {
        lb.setClientCaCertificates(
                ByteString.copyFromUtf8(l.clientValidation().caCertificatesPem()))
            .setClientCertificateOptional(l.clientValidation().optional());
      }
      l.certificates()
          .forEach(
              c ->
                  lb.addCertificates(
                      SniCertificate.newBuilder().setHostname(c.hostname()).setSecret(c.secret())));
      b.addListeners(lb);
    }
    for (dev.weir.controller.model.RouteTable t : model.routeTables()) {
      RouteTable.Builder tb = RouteTable.newBuilder().setName(t.name());
      for (dev.weir.controller.model.VirtualHost v : t.virtualHosts()) {
        VirtualHost.Builder vb =
            VirtualHost.newBuilder().setName(v.name()).addAllDomains(v.domains());
        v.routes().forEach(r -> vb.addRoutes(route(r)));
        tb.addVirtualHosts(vb);
      }
      b.addRouteTables(tb);
    }
    for (dev.weir.controller.model.Cluster c : model.clusters()) {
      Cluster.Builder cb =
          Cluster.newBuilder()
              .setName(c.name())
              .setConnectTimeoutMs(millis(c.connectTimeout()))
              .setResponseTimeoutMs(millis(c.responseTimeout()))
              .setProtocol(
                  switch (c.protocol()) {
                    case HTTP1 -> Cluster.Protocol.HTTP1;
                    case H2C -> Cluster.Protocol.H2C;
                    case H2 -> Cluster.Protocol.H2;
                  });
      if (c.tls() != null) {
        cb.setTls(upstreamTls(c.tls()));
      }
      BackendSettingsCompiler.apply(c.backend(), cb);
      c.endpoints()
          .forEach(
              e ->
                  cb.addEndpoints(
                      Endpoint.newBuilder()
                          .setAddress(e.address())
                          .setPort(e.port())
                          // 0 means 1 on the wire: weight-1 endpoints stay as they were.
                          .setWeight(e.weight() == 1 ? 0 : e.weight())));
      b.addClusters(cb);
    }
    for (dev.weir.controller.model.TlsBundle s : model.secrets()) {
      b.addSecrets(
          TlsSecret.newBuilder()
              .setName(s.name())
              .setCertificateChain(ByteString.copyFrom(s.certificateChainPem()))
              .setPrivateKey(ByteString.copyFrom(s.privateKeyPem()))
              .setOcspResponse(ByteString.copyFrom(s.ocspResponse())));
    }
    return b.setVersion(versionOf(b.build())).build();
  }

  private static UpstreamTls upstreamTls(dev.weir.controller.model.UpstreamTls t) {
    return UpstreamTls.newBuilder()
        .setSni(t.sni())
        .setCaCertificates(ByteString.copyFromUtf8(t.caCertificatesPem()))
        .setUseSystemTrustStore(t.systemTrust())
        .addAllSubjectAltNames(t.subjectAltNames())
        .setClientSecret(t.clientSecret())
        .build();
  }

  /** Hex sha256 of {@code snapshot} serialized with version, generation and nonce cleared. */
  public static String versionOf(ConfigSnapshot snapshot) {
    ConfigSnapshot unstamped =
        snapshot.getVersion().isEmpty()
                && snapshot.getGeneration() == 0
                && snapshot.getNonce().isEmpty()
            ? snapshot
            : snapshot.toBuilder().clearVersion().clearGeneration().clearNonce().build();
    // Into one array rather than streamed into the digest: protobuf's array encoder is about twice
    // as fast as its stream encoder, and the build's time is what a change waits for.
    byte[] bytes = unstamped.toByteArray();
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static Route route(dev.weir.controller.model.Route r) {
    Route.Builder rb =
        Route.newBuilder()
            .setName(r.name())
            .setSource(r.source().toString())
            .setPath(
                PathMatch.newBuilder()
                    .setKind(
                        switch (r.match().kind()) {
                          case EXACT -> PathMatch.Kind.EXACT;
                          case PREFIX -> PathMatch.Kind.PREFIX;
                          case REGEX -> PathMatch.Kind.REGEX;
                        })
                    .setValue(r.match().value()))
            .setMethod(r.method());
    for (ValueMatch h : r.headers()) {
      rb.addHeaders(HeaderMatch.newBuilder().setName(h.name()).setValue(stringMatch(h)));
    }
    for (ValueMatch q : r.queryParams()) {
      rb.addQueryParams(QueryParamMatch.newBuilder().setName(q.name()).setValue(stringMatch(q)));
    }
    if (!r.requestHeaders().isEmpty()) {
      rb.setRequestHeaders(modifier(r.requestHeaders()));
    }
    if (!r.responseHeaders().isEmpty()) {
      rb.setResponseHeaders(modifier(r.responseHeaders()));
    }
    if (!r.rewrite().equals(dev.weir.controller.model.UrlRewrite.NONE)) {
      UrlRewrite.Builder ub = UrlRewrite.newBuilder().setHostname(r.rewrite().hostname());
      r.rewrite().path().ifPresent(p -> ub.setPath(path(p)));
      rb.setRewrite(ub);
    }
    if (!r.timeouts().equals(dev.weir.controller.model.Timeouts.NONE)) {
      rb.setTimeouts(
          Timeouts.newBuilder()
              .setRequestMs(millis(r.timeouts().request()))
              .setBackendRequestMs(millis(r.timeouts().backendRequest())));
    }
    for (dev.weir.controller.model.Mirror m : r.mirrors()) {
      rb.addMirrors(
          Mirror.newBuilder()
              .setCluster(m.cluster())
              .setNumerator(m.numerator())
              .setDenominator(m.denominator()));
    }
    if (!r.cors().equals(dev.weir.controller.model.Cors.NONE)) {
      dev.weir.controller.model.Cors c = r.cors();
      rb.setCors(
          Cors.newBuilder()
              .addAllAllowOrigins(c.allowOrigins())
              .addAllAllowMethods(c.allowMethods())
              .addAllAllowHeaders(c.allowHeaders())
              .addAllExposeHeaders(c.exposeHeaders())
              .setAllowCredentials(c.allowCredentials())
              .setMaxAgeSeconds(c.maxAgeSeconds()));
    }
    if (r.maxRequestBodyBytes() > 0) {
      rb.setMaxRequestBodyBytes(r.maxRequestBodyBytes());
    }
    RouteFiltersCompiler.compile(r.filters()).ifPresent(rb::setFilters);
    if (!r.retry().equals(dev.weir.controller.model.Retry.NONE)) {
      Retry.Builder yb =
          Retry.newBuilder()
              .setAttempts(r.retry().attempts())
              .setBackoffMs(millis(r.retry().backoff()));
      r.retry().codes().forEach(yb::addCodes);
      rb.setRetry(yb);
    }
    switch (r.action()) {
      case Action.Forward f -> {
        ForwardAction.Builder fb = ForwardAction.newBuilder();
        for (dev.weir.controller.model.WeightedBackend w : f.backends()) {
          WeightedBackend.Builder wb =
              WeightedBackend.newBuilder()
                  .setCluster(w.cluster())
                  .setWeight(w.weight())
                  .setErrorStatus(w.errorStatus());
          if (!w.requestHeaders().isEmpty()) {
            wb.setRequestHeaders(modifier(w.requestHeaders()));
          }
          if (!w.responseHeaders().isEmpty()) {
            wb.setResponseHeaders(modifier(w.responseHeaders()));
          }
          fb.addBackends(wb);
        }
        rb.setForward(fb);
      }
      case Action.DirectResponse d ->
          rb.setDirectResponse(DirectResponse.newBuilder().setStatus(d.status()).setBody(d.body()));
      case Action.Redirect d -> {
        Redirect.Builder db =
            Redirect.newBuilder()
                .setScheme(d.scheme())
                .setHostname(d.hostname())
                .setPort(d.port())
                .setStatus(d.status());
        d.path().ifPresent(p -> db.setPath(path(p)));
        rb.setRedirect(db);
      }
    }
    return rb.build();
  }

  private static StringMatch stringMatch(ValueMatch m) {
    return StringMatch.newBuilder()
        .setKind(m.regex() ? StringMatch.Kind.REGEX : StringMatch.Kind.EXACT)
        .setValue(m.value())
        .build();
  }

  private static HeaderModifier modifier(dev.weir.controller.model.HeaderModifier m) {
    HeaderModifier.Builder b = HeaderModifier.newBuilder().addAllRemove(m.remove());
    m.set().forEach(h -> b.addSet(Header.newBuilder().setName(h.name()).setValue(h.value())));
    m.add().forEach(h -> b.addAdd(Header.newBuilder().setName(h.name()).setValue(h.value())));
    return b.build();
  }

  private static PathRewrite path(dev.weir.controller.model.PathRewrite p) {
    return switch (p.kind()) {
      case FULL -> PathRewrite.newBuilder().setFull(p.value()).build();
      case PREFIX -> PathRewrite.newBuilder().setPrefix(p.value()).build();
    };
  }

  private static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(0, d.toMillis()));
  }
}
