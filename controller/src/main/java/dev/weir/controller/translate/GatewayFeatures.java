package dev.weir.controller.translate;

import java.util.List;

/**
 * The one list of Gateway API conformance features (names as in the upstream {@code pkg/features})
 * that Weir implements end to end: the controller translates them and the data plane serves them.
 * Published in {@code GatewayClass.status.supportedFeatures}. The e2e suite checks that this list
 * equals the features its conformance scenarios prove ({@code GatewayStatusE2E}), so a feature is
 * listed here only once a scenario passes for it.
 */
public final class GatewayFeatures {

  /** Sorted alphabetically, as the status field wants. */
  public static final List<String> SUPPORTED =
      List.of(
          "BackendTLSPolicy",
          "BackendTLSPolicySANValidation",
          "GRPCRoute",
          "GRPCRouteNamedRouteRule",
          "Gateway",
          "GatewayAddressEmpty",
          "GatewayBackendClientCertificate",
          "GatewayHTTPListenerIsolation",
          "GatewayHTTPSListenerDetectMisdirectedRequests",
          "GatewayPort8080",
          "GatewayStaticAddresses",
          "HTTPRoute",
          "HTTPRoute303RedirectStatusCode",
          "HTTPRoute307RedirectStatusCode",
          "HTTPRoute308RedirectStatusCode",
          "HTTPRouteBackendProtocolH2C",
          "HTTPRouteBackendProtocolWebSocket",
          "HTTPRouteBackendRequestHeaderModification",
          "HTTPRouteBackendTimeout",
          "HTTPRouteCORS",
          "HTTPRouteHostRewrite",
          "HTTPRouteMethodMatching",
          "HTTPRouteNamedRouteRule",
          "HTTPRouteParentRefPort",
          "HTTPRoutePathRedirect",
          "HTTPRoutePathRewrite",
          "HTTPRoutePortRedirect",
          "HTTPRouteQueryParamMatching",
          "HTTPRouteRequestMirror",
          "HTTPRouteRequestMultipleMirrors",
          "HTTPRouteRequestPercentageMirror",
          "HTTPRouteRequestTimeout",
          "HTTPRouteResponseHeaderModification",
          "HTTPRouteRetry",
          "HTTPRouteSchemeRedirect",
          "ReferenceGrant");

  private GatewayFeatures() {}
}
