package dev.weir.dataplane.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FilterChainTest {

  private static RequestContext context(boolean secure) {
    return new RequestContext(
        "10.1.2.3",
        secure,
        "Shop.example.com:8443",
        "shop.example.com",
        "/",
        null,
        null,
        secure ? 443 : 80);
  }

  @Test
  void requestPhasesRunInOrderAndResponsePhasesInReverse() {
    List<String> calls = new ArrayList<>();
    FilterChain chain =
        new FilterChain(List.of(new Recording("a", calls), new Recording("b", calls)));
    RequestContext ctx = context(false);
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    chain.onRequest(ctx, request);
    chain.onUpstreamRequest(ctx, request);
    chain.onResponse(ctx, new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    chain.onComplete(ctx);
    assertThat(calls)
        .containsExactly(
            "a.request",
            "b.request",
            "a.upstream",
            "b.upstream",
            "b.response",
            "a.response",
            "b.complete",
            "a.complete");
  }

  @Test
  void earlyAnswerStopsLaterRequestFilters() {
    List<String> calls = new ArrayList<>();
    ProxyFilter answering =
        new ProxyFilter() {
          @Override
          public void onRequest(RequestContext ctx, HttpRequest request) {
            ctx.answer(new RequestContext.Answer.Direct(204, ""));
          }
        };
    FilterChain chain = new FilterChain(List.of(answering, new Recording("late", calls)));
    RequestContext ctx = context(false);
    chain.onRequest(ctx, new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
    assertThat(calls).isEmpty();
    assertThat(ctx.earlyAnswer()).isEqualTo(new RequestContext.Answer.Direct(204, ""));
  }

  @Test
  void hopByHopFieldsAndTheFieldsConnectionNamesAreRemoved() {
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    request
        .headers()
        .add("Connection", "keep-alive, X-Private")
        .add("Connection", "x-other")
        .add("X-Private", "1")
        .add("X-Other", "2")
        .add("Keep-Alive", "timeout=5")
        .add("Proxy-Connection", "keep-alive")
        .add("TE", "gzip")
        .add("Transfer-Encoding", "chunked")
        .add("Upgrade", "websocket")
        .add("Trailer", "x-t")
        .add("X-Kept", "yes");
    HopByHopFilter.strip(request.headers());
    assertThat(request.headers().names()).containsExactly("X-Kept");
  }

  @Test
  void teTrailersIsKeptAsGrpcNeedsItButOtherCodingsAreNot() {
    // RFC 9113 §8.2.2: "TE: trailers" is the one TE field HTTP/2 allows, and gRPC requires it.
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/");
    request
        .headers()
        .add("TE", "gzip, trailers")
        .add("x-http2-stream-id", "3")
        .add("x-http2-scheme", "http");
    HopByHopFilter.strip(request.headers());
    assertThat(request.headers().entries())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getKey()).isEqualToIgnoringCase("te");
              assertThat(e.getValue()).isEqualTo("trailers");
            });
  }

  @Test
  void forwardedHeadersAppendClientAndKeepHost() {
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    request.headers().add("Host", "Shop.example.com:8443").add("X-Forwarded-For", "1.1.1.1");
    new ForwardedHeadersFilter().onUpstreamRequest(context(true), request);
    assertThat(request.headers().get("x-forwarded-for")).isEqualTo("1.1.1.1, 10.1.2.3");
    assertThat(request.headers().get("x-forwarded-proto")).isEqualTo("https");
    assertThat(request.headers().get("x-forwarded-host")).isEqualTo("Shop.example.com:8443");
    assertThat(request.headers().get("host")).isEqualTo("Shop.example.com:8443");
  }

  @Test
  void requestIdsAreFreshHex() {
    String a = RequestIdFilter.newId();
    String b = RequestIdFilter.newId();
    assertThat(a).matches("[0-9a-f]{32}").isNotEqualTo(b);
  }

  @Test
  void everyErrorKindMapsToItsStatus() {
    for (ErrorKind kind : ErrorKind.values()) {
      var response =
          ErrorResponses.forError(
              io.netty.buffer.UnpooledByteBufAllocator.DEFAULT,
              ProxyError.downstream(kind, "test"),
              "abc");
      try {
        assertThat(response.status().code()).isEqualTo(kind.status());
        assertThat(response.headers().get("x-request-id")).isEqualTo("abc");
        assertThat(response.content().toString(java.nio.charset.StandardCharsets.UTF_8))
            .isEqualTo(kind.status() + " " + kind.reason() + " (request id abc)\n");
      } finally {
        response.release();
      }
    }
  }

  private record Recording(String name, List<String> calls) implements ProxyFilter {
    @Override
    public void onRequest(RequestContext ctx, HttpRequest request) {
      calls.add(name + ".request");
    }

    @Override
    public void onUpstreamRequest(RequestContext ctx, HttpRequest request) {
      calls.add(name + ".upstream");
    }

    @Override
    public void onResponse(RequestContext ctx, HttpResponse response) {
      calls.add(name + ".response");
    }

    @Override
    public void onComplete(RequestContext ctx) {
      calls.add(name + ".complete");
    }
  }
}
