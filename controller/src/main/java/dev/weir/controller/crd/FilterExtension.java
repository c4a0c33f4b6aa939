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
 * {@code weir.dev/v1alpha1 FilterExtension}: one configured instance of a plugin filter (a jar in
 * the data plane's plugin folder), named by an HTTPRoute rule's {@code ExtensionRef} filter in the
 * same namespace (Gateway API HTTPRouteFilter, extended support). The data plane runs it in the
 * rule's filter order after the built-in filters. It has no status: problems are reported on the
 * HTTPRoutes that name it. Mutable fabric8 bean; never mutated once in a {@code ClusterState}.
 */
@Group(BackendPolicy.GROUP)
@Version(BackendPolicy.VERSION)
@Kind(FilterExtension.KIND)
@Plural("filterextensions")
@ShortNames("wfe")
@AdditionalPrinterColumn(
    name = "Plugin",
    type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".spec.plugin")
@AdditionalPrinterColumn(
    name = "Age",
    type = AdditionalPrinterColumn.Type.DATE,
    jsonPath = ".metadata.creationTimestamp")
public class FilterExtension extends CustomResource<FilterExtensionSpec, Void>
    implements Namespaced {

  /** The kind an ExtensionRef names. */
  public static final String KIND = "FilterExtension";

  private static final long serialVersionUID = 1L;
}
