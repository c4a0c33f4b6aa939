package dev.weir.dataplane.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.dataplane.health.ClusterHealth;
import dev.weir.dataplane.lb.HashKey;
import dev.weir.dataplane.lb.KeyHash;
import dev.weir.dataplane.lb.PickRequest;
import dev.weir.dataplane.lb.RoundRobinBalancer;
import dev.weir.dataplane.lb.SessionAffinity;
import dev.weir.dataplane.routing.Backend;
import dev.weir.dataplane.upstream.ClusterLimits;
import dev.weir.dataplane.upstream.UpstreamCluster;
import dev.weir.dataplane.upstream.UpstreamEndpoint;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The session filter with a header carrier, and the request hash keys, on real contexts. */
class SessionPersistenceFilterTest {

  private static final UpstreamEndpoint A = new UpstreamEndpoint("10.0.0.1", 80);
  private static final UpstreamEndpoint B = new UpstreamEndpoint("10.0.0.2", 80);
  private static final List<UpstreamEndpoint> BOTH = List.of(A, B);

  private final SessionAffinity<UpstreamEndpoint> session =
      SessionAffinity.of(
          SessionAffinity.Carrier.HEADER, "x-session", 0, "ns/web:80", BOTH, e -> e.address());
  private final UpstreamCluster cluster =
      new UpstreamCluster(
          "ns/web:80",
          BOTH,
          new RoundRobinBalancer<>(BOTH),
          1000,
          1000,
          false,
          HashKey.NONE,
          session,
          ClusterHealth.none(),
          ClusterLimits.NONE);
  private final FilterChain chain =
      new FilterChain(List.of(new RoutingFilter(), new SessionPersistenceFilter()));

  private RequestContext context() {
    RequestContext ctx = new RequestContext("192.0.2.7", false, "h", "h", "/", null, null, 80);
    ctx.backend(Backend.of(cluster));
    return ctx;
  }

  private static HttpRequest request(String header, String value) {
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    if (header != null) {
      r.headers().set(header, value);
    }
    return r;
  }

  private HttpResponse respond(RequestContext ctx) {
    HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    ctx.upstreamResponse(true);
    chain.onResponse(ctx, response);
    return response;
  }

  @Test
  void aRequestWithoutTokenIsBalancedAndGetsItsEndpointsToken() {
    RequestContext ctx = context();
    new SessionPersistenceFilter().onRequest(ctx, request(null, null));
    chain.selectUpstream(ctx);
    assertThat(respond(ctx).headers().get("x-session")).isEqualTo(session.token(ctx.endpoint()));
  }

  @Test
  void aTokenPinsItsEndpointOnceAndARetryMovesOn() {
    for (int i = 0; i < 4; i++) {
      RequestContext ctx = context();
      new SessionPersistenceFilter().onRequest(ctx, request("x-session", session.token(B)));
      chain.selectUpstream(ctx);
      assertThat(ctx.endpoint()).isEqualTo(B);
      assertThat(respond(ctx).headers().contains("x-session")).isFalse();
      // A failed connect asks again: the routing filter's other endpoint stays.
      chain.selectUpstream(ctx);
      assertThat(ctx.endpoint()).isEqualTo(A);
      assertThat(respond(ctx).headers().get("x-session")).isEqualTo(session.token(A));
    }
  }

  @Test
  void anUnknownTokenIsBalancedAndReplaced() {
    RequestContext ctx = context();
    new SessionPersistenceFilter().onRequest(ctx, request("x-session", "stale-token"));
    chain.selectUpstream(ctx);
    assertThat(ctx.endpoint()).isIn(A, B);
    assertThat(respond(ctx).headers().get("x-session")).isEqualTo(session.token(ctx.endpoint()));
  }

  @Test
  void responsesMadeByTheProxyCarryNoToken() {
    RequestContext ctx = context();
    chain.selectUpstream(ctx);
    HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    chain.onResponse(ctx, response);
    assertThat(response.headers().contains("x-session")).isFalse();
  }

  @Test
  void cookieValuesAreFoundAcrossFieldsAndUnquoted() {
    HttpHeaders h = new DefaultHttpHeaders();
    h.add("cookie", "a=1; theme=dark");
    h.add("cookie", "sid=\"abc\"; other=2");
    assertThat(RequestHashes.cookie(h, "theme")).isEqualTo("dark");
    assertThat(RequestHashes.cookie(h, "sid")).isEqualTo("abc");
    assertThat(RequestHashes.cookie(h, "the")).isNull();
    assertThat(RequestHashes.cookie(new DefaultHttpHeaders(), "sid")).isNull();
  }

  @Test
  void hashKeysReadTheirPropertyOrNothing() {
    HttpHeaders h = new DefaultHttpHeaders().add("X-User", "u1").add("cookie", "sid=s1");
    assertThat(RequestHashes.pick(new HashKey.Header("x-user"), h, "192.0.2.7"))
        .isEqualTo(PickRequest.ofHash(KeyHash.of("u1")));
    assertThat(RequestHashes.pick(new HashKey.Cookie("sid"), h, "192.0.2.7"))
        .isEqualTo(PickRequest.ofHash(KeyHash.of("s1")));
    assertThat(RequestHashes.pick(new HashKey.SourceIp(), h, "192.0.2.7"))
        .isEqualTo(PickRequest.ofHash(KeyHash.of("192.0.2.7")));
    assertThat(RequestHashes.pick(new HashKey.Header("x-other"), h, "192.0.2.7"))
        .isSameAs(PickRequest.NONE);
    assertThat(RequestHashes.pick(HashKey.NONE, h, "192.0.2.7")).isSameAs(PickRequest.NONE);
  }
}
