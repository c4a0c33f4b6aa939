package dev.weir.controller.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * {@code weir.dev/v1alpha1 TrafficPolicy}: what the data plane does to the requests of the Gateways
 * and HTTPRoutes it targets (rate limits, caching, JWT, external authorization, IP lists, security
 * headers, compression, body limits, direct responses, fault injection) — Envoy Gateway's
 * ClientTrafficPolicy, BackendTrafficPolicy and SecurityPolicy as one object. A policy on an
 * HTTPRoute beats one on its Gateway; a {@code sectionName} (listener or rule) beats the whole
 * object. Mutable fabric8 bean; never mutated once in a {@code ClusterState}.
 */
@Group(BackendPolicy.GROUP)
@Version(BackendPolicy.VERSION)
@Kind("TrafficPolicy")
@Plural("trafficpolicies")
@ShortNames("wtp")
@AdditionalPrinterColumn(
    name = "Accepted",
    type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.ancestors[0].conditions[?(@.type==\"Accepted\")].status")
@AdditionalPrinterColumn(
    name = "Age",
    type = AdditionalPrinterColumn.Type.DATE,
    jsonPath = ".metadata.creationTimestamp")
public class TrafficPolicy extends CustomResource<TrafficPolicySpec, PolicyStatus>
    implements Namespaced {

  private static final long serialVersionUID = 1L;
}
