package dev.weir.controller.compile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.weir.controller.model.GatewayApiStatus;
import dev.weir.controller.source.ObjectStore;
import dev.weir.controller.state.ClusterState;
import dev.weir.controller.translate.Problem;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads golden-file inputs (multi-document Kubernetes YAML) into a {@link ClusterState}, and
 * renders a {@link BuildResult} as stable, readable YAML: the snapshot's fields in proto order,
 * enums by name, and bytes (key material) replaced by a sha256 fingerprint.
 */
final class GoldenCase {

  private static final KubernetesSerialization KUBE = new KubernetesSerialization();
  private static final ObjectMapper YAML =
      new ObjectMapper(
              new YAMLFactory()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  .disable(YAMLGenerator.Feature.SPLIT_LINES))
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  static {
    // Weir's own kinds are not in fabric8's model; register them like the informers do.
    KUBE.registerKubernetesResource(dev.weir.controller.crd.BackendPolicy.class);
    KUBE.registerKubernetesResource(dev.weir.controller.crd.TrafficPolicy.class);
    KUBE.registerKubernetesResource(dev.weir.controller.crd.FilterExtension.class);
  }

  private GoldenCase() {}

  /**
   * Parses every document of {@code file}; unknown kinds fail the test (the store refuses them).
   */
  static ClusterState read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Loaded the way the controller loads watched objects, so the lists come out sorted alike.
    ObjectStore store = new ObjectStore();
    for (String doc : text.split("(?m)^---\\s*$")) {
      if (doc.lines().allMatch(l -> l.isBlank() || l.strip().startsWith("#"))) {
        continue;
      }
      store.put(KUBE.<HasMetadata>unmarshal(doc));
    }
    return store.snapshot();
  }

  /** Renders {@code result} as YAML; the version is included, so any change shows. */
  static String render(BuildResult result) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("snapshot", toTree(result.snapshot()));
    List<Map<String, String>> problems = new ArrayList<>();
    for (Problem p : result.problems()) {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("object", p.object().toString());
      m.put("type", p.type());
      m.put("reason", p.reason());
      m.put("message", p.message());
      problems.add(m);
    }
    root.put("problems", problems);
    if (!result.gatewaySnapshots().isEmpty()) {
      Map<String, Object> per = new LinkedHashMap<>();
      result
          .gatewaySnapshots()
          .forEach(
              (gw, snap) -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("version", snap.getVersion());
                m.put("listeners", snap.getListenersList().stream().map(l -> l.getName()).toList());
                m.put(
                    "routes",
                    snap.getRouteTablesList().stream()
                        .flatMap(t -> t.getVirtualHostsList().stream())
                        .mapToInt(v -> v.getRoutesCount())
                        .sum());
                per.put(gw, m);
              });
      root.put("gatewaySnapshots", per);
    }
    GatewayApiStatus status = result.gatewayStatus();
    if (!status.equals(GatewayApiStatus.empty())) {
      root.put("gatewayStatus", status(status));
    }
    try {
      return YAML.writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> status(GatewayApiStatus s) {
    Map<String, Object> out = new LinkedHashMap<>();
    List<Object> classes = new ArrayList<>();
    for (GatewayApiStatus.GatewayClassStatus c : s.gatewayClasses()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ref", c.ref().toString());
      m.put("observedGeneration", c.observedGeneration());
      m.put("conditions", conditions(c.conditions()));
      m.put("supportedFeatures", c.supportedFeatures());
      classes.add(m);
    }
    out.put("gatewayClasses", classes);
    List<Object> gateways = new ArrayList<>();
    for (GatewayApiStatus.GatewayStatus g : s.gateways()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ref", g.ref().toString());
      m.put("observedGeneration", g.observedGeneration());
      m.put("conditions", conditions(g.conditions()));
      List<Object> listeners = new ArrayList<>();
      for (GatewayApiStatus.ListenerStatus l : g.listeners()) {
        Map<String, Object> lm = new LinkedHashMap<>();
        lm.put("name", l.name());
        lm.put("attachedRoutes", l.attachedRoutes());
        lm.put("supportedKinds", l.supportedKinds());
        lm.put("conditions", conditions(l.conditions()));
        listeners.add(lm);
      }
      m.put("listeners", listeners);
      gateways.add(m);
    }
    out.put("gateways", gateways);
    List<Object> routes = new ArrayList<>();
    for (GatewayApiStatus.RouteStatus r : s.routes()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ref", r.ref().toString());
      m.put("observedGeneration", r.observedGeneration());
      List<Object> parents = new ArrayList<>();
      for (GatewayApiStatus.RouteParentStatus p : r.parents()) {
        Map<String, Object> pm = new LinkedHashMap<>();
        pm.put("gateway", p.gateway().toString());
        if (!p.sectionName().isEmpty()) {
          pm.put("sectionName", p.sectionName());
        }
        if (p.port() != 0) {
          pm.put("port", p.port());
        }
        pm.put("conditions", conditions(p.conditions()));
        parents.add(pm);
      }
      m.put("parents", parents);
      routes.add(m);
    }
    out.put("routes", routes);
    if (!s.policies().isEmpty()) {
      List<Object> policies = new ArrayList<>();
      for (GatewayApiStatus.PolicyStatus p : s.policies()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ref", p.ref().toString());
        m.put("observedGeneration", p.observedGeneration());
        List<Object> ancestors = new ArrayList<>();
        for (GatewayApiStatus.PolicyAncestorStatus a : p.ancestors()) {
          Map<String, Object> am = new LinkedHashMap<>();
          am.put("gateway", a.gateway().toString());
          am.put("conditions", conditions(a.conditions()));
          ancestors.add(am);
        }
        m.put("ancestors", ancestors);
        policies.add(m);
      }
      out.put("policies", policies);
    }
    return out;
  }

  private static List<String> conditions(List<GatewayApiStatus.Condition> conditions) {
    return conditions.stream()
        .map(
            c ->
                c.type()
                    + "="
                    + (c.status() ? "True" : "False")
                    + " "
                    + c.reason()
                    + ": "
                    + c.message())
        .toList();
  }

  private static Map<String, Object> toTree(Message m) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (FieldDescriptor f : m.getDescriptorForType().getFields()) {
      if (f.isRepeated()) {
        if (m.getRepeatedFieldCount(f) == 0) {
          continue;
        }
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < m.getRepeatedFieldCount(f); i++) {
          items.add(value(m.getRepeatedField(f, i)));
        }
        out.put(f.getName(), items);
      } else if (m.hasField(f) || f.getJavaType() == FieldDescriptor.JavaType.ENUM) {
        // Enums print even at their zero value, so "kind: PREFIX" is visible.
        out.put(f.getName(), value(m.getField(f)));
      }
    }
    return out;
  }

  private static Object value(Object v) {
    return switch (v) {
      case Message m -> toTree(m);
      case EnumValueDescriptor e -> e.getName();
      case ByteString b -> "sha256:" + sha256(b.toByteArray());
      default -> v;
    };
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
