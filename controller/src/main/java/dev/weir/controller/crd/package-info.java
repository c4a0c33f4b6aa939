/**
 * Weir's own custom resources, {@code weir.dev/v1alpha1}: {@link
 * dev.weir.controller.crd.BackendPolicy} (how traffic reaches a Service's endpoints) and {@link
 * dev.weir.controller.crd.TrafficPolicy} (what a Gateway or HTTPRoute does to requests). Both
 * attach through Gateway API policy attachment (GEP-713) and report a GEP-713 {@link
 * dev.weir.controller.crd.PolicyStatus}.
 *
 * <p>These classes are the source of the CRDs in the repository's {@code crds/} folder: fabric8's
 * crd-generator reads their fields and the {@code io.fabric8.generator.annotation} validation
 * annotations at build time. They are plain Jackson beans with public fields, read by the
 * translators and never mutated once they are in a {@code ClusterState}. Durations are Gateway API
 * duration strings (GEP-2257: "5s", "250ms", "1h30m").
 */
package dev.weir.controller.crd;
