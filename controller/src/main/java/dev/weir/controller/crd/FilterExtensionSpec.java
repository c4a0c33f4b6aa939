package dev.weir.controller.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** The spec of a {@link FilterExtension}. A plain Jackson bean. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FilterExtensionSpec {

  /** A plugin's name, as its {@code FilterPlugin.name()} returns it. */
  public static final String PLUGIN_NAME = "^[a-z0-9][a-z0-9._-]{0,62}$";

  @JsonPropertyDescription("The plugin's name (FilterPlugin.name() in its jar).")
  @Required
  @Pattern(PLUGIN_NAME)
  public String plugin;

  @JsonPropertyDescription(
      "The plugin's configuration: a JSON object, bound by the data plane to the plugin's own"
          + " config type. Unset: {}.")
  @PreserveUnknownFields
  public JsonNode config;
}
