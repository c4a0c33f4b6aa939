package dev.weir.controller.source;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.weir.controller.crd.BackendPolicy;
import dev.weir.controller.crd.FilterExtension;
import dev.weir.controller.crd.TrafficPolicy;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the text of one YAML file (one or more {@code ---}-separated documents, or a {@code kind:
 * List}) into the typed objects the controller watches: the Ingress-side kinds and the Gateway API
 * kinds (gateway.networking.k8s.io/v1) and Weir's policies (weir.dev/v1alpha1). Unknown kinds are
 * skipped, so that files holding other objects do not break local mode. Stateless: safe from any
 * thread.
 */
final class ManifestParser {

  private static final Logger log = LoggerFactory.getLogger(ManifestParser.class);

  /** apiVersion + kind → model class, for the kinds the store holds. */
  private static final Map<String, Class<? extends HasMetadata>> TYPES =
      Map.ofEntries(
          Map.entry("networking.k8s.io/v1/IngressClass", IngressClass.class),
          Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
          Map.entry("v1/Service", Service.class),
          Map.entry("discovery.k8s.io/v1/EndpointSlice", EndpointSlice.class),
          Map.entry("v1/Secret", Secret.class),
          Map.entry("v1/Namespace", Namespace.class),
          Map.entry("gateway.networking.k8s.io/v1/GatewayClass", GatewayClass.class),
          Map.entry("gateway.networking.k8s.io/v1/Gateway", Gateway.class),
          Map.entry("gateway.networking.k8s.io/v1/HTTPRoute", HTTPRoute.class),
          Map.entry("gateway.networking.k8s.io/v1/GRPCRoute", GRPCRoute.class),
          Map.entry("gateway.networking.k8s.io/v1/ReferenceGrant", ReferenceGrant.class),
          Map.entry("gateway.networking.k8s.io/v1/BackendTLSPolicy", BackendTLSPolicy.class),
          Map.entry("v1/ConfigMap", ConfigMap.class),
          Map.entry("weir.dev/v1alpha1/BackendPolicy", BackendPolicy.class),
          Map.entry("weir.dev/v1alpha1/TrafficPolicy", TrafficPolicy.class),
          Map.entry("weir.dev/v1alpha1/FilterExtension", FilterExtension.class));

  private final YAMLMapper yaml = new YAMLMapper();
  private final ObjectMapper json = new ObjectMapper();

  /** Why a file could not be read: a message and the 1-based line (0 when unknown). */
  static final class ParseException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;

    ParseException(String message, int line) {
      super(message);
      this.line = line;
    }

    int line() {
      return line;
    }
  }

  /**
   * Parses every document of {@code text}.
   *
   * @param file the file's name, for logs
   * @return the supported objects, in document order; namespaced objects without a namespace get
   *     {@code "default"}
   * @throws ParseException on the first document that is not valid YAML or not a valid object
   */
  List<HasMetadata> parse(String file, String text) throws ParseException {
    List<HasMetadata> out = new ArrayList<>();
    try (JsonParser parser = yaml.getFactory().createParser(text)) {
      MappingIterator<JsonNode> docs = yaml.readValues(parser, JsonNode.class);
      while (docs.hasNextValue()) {
        int line = parser.currentTokenLocation().getLineNr();
        JsonNode doc = docs.nextValue();
        if (doc == null || doc.isNull() || doc.isMissingNode()) {
          continue; // an empty document, for example a leading "---"
        }
        addDocument(file, doc, line, out);
      }
    } catch (JsonProcessingException e) {
      throw new ParseException(
          oneLine(e.getOriginalMessage()),
          e.getLocation() == null ? 0 : e.getLocation().getLineNr());
    } catch (IOException | RuntimeException e) {
      // RuntimeException: Jackson wraps some scanner errors in unchecked ones.
      throw new ParseException(oneLine(String.valueOf(e.getMessage())), lineOf(e));
    }
    return out;
  }

  private void addDocument(String file, JsonNode doc, int line, List<HasMetadata> out)
      throws ParseException {
    if (!doc.isObject()) {
      throw new ParseException("a document must be a mapping, not " + doc.getNodeType(), line);
    }
    String apiVersion = doc.path("apiVersion").asText("");
    String kind = doc.path("kind").asText("");
    if (kind.isEmpty() || apiVersion.isEmpty()) {
      throw new ParseException("document without apiVersion or kind", line);
    }
    if (kind.equals("List")) {
      for (JsonNode item : doc.path("items")) {
        addDocument(file, item, line, out);
      }
      return;
    }
    Class<? extends HasMetadata> type = TYPES.get(apiVersion + "/" + kind);
    if (type == null) {
      log.debug("{}: ignoring {} {} (not watched)", file, apiVersion, kind);
      return;
    }
    if (doc.path("metadata").path("name").asText("").isEmpty()) {
      throw new ParseException(kind + " without metadata.name", line);
    }
    HasMetadata object;
    try {
      object = json.treeToValue(stringDataToData((ObjectNode) doc, kind), type);
    } catch (JsonProcessingException e) {
      // Jackson's message may quote the offending value, which in a Secret could be key material.
      String why = kind.equals("Secret") ? "invalid fields" : oneLine(e.getOriginalMessage());
      throw new ParseException(kind + ": " + why, line);
    }
    if (object instanceof Secret s && !ConfigMaps.isKept(s)) {
      log.debug("{}: ignoring Secret {} of type {}", file, s.getMetadata().getName(), s.getType());
      return;
    }
    if (object instanceof IngressClass
        || object instanceof GatewayClass
        || object instanceof Namespace) {
      object.getMetadata().setNamespace(null); // cluster-scoped
    } else if (object.getMetadata().getNamespace() == null
        || object.getMetadata().getNamespace().isEmpty()) {
      object.getMetadata().setNamespace("default");
    }
    out.add(object);
  }

  /** The API server folds a Secret's stringData into base64 data; local mode does the same. */
  private static JsonNode stringDataToData(ObjectNode doc, String kind) {
    if (!kind.equals("Secret") || !doc.path("stringData").isObject()) {
      return doc;
    }
    ObjectNode copy = doc.deepCopy();
    ObjectNode data =
        copy.path("data").isObject() ? (ObjectNode) copy.get("data") : copy.putObject("data");
    Map<String, String> strings = new HashMap<>();
    copy.get("stringData")
        .properties()
        .forEach(e -> strings.put(e.getKey(), e.getValue().asText()));
    strings.forEach(
        (k, v) ->
            data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    copy.remove("stringData");
    return copy;
  }

  private static int lineOf(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof JsonProcessingException j && j.getLocation() != null) {
        return j.getLocation().getLineNr();
      }
      if (t instanceof org.yaml.snakeyaml.error.MarkedYAMLException m
          && m.getProblemMark() != null) {
        return m.getProblemMark().getLine() + 1;
      }
    }
    return 0;
  }

  private static String oneLine(String message) {
    String m = message == null ? "unreadable" : message.strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl).strip();
  }
}
