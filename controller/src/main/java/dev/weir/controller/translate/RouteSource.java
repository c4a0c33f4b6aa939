package dev.weir.controller.translate;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import java.util.List;
import java.util.function.Supplier;

/**
 * One HTTPRoute or GRPCRoute with what attachment needs: both kinds attach the same way.
 *
 * @param rules translates the route's rules, once, when a parent of ours is found
 */
record RouteSource(
    HasMetadata object,
    ObjectRef ref,
    List<ParentReference> parentRefs,
    List<String> hostnames,
    Supplier<HttpRouteRules.Result> rules) {}
