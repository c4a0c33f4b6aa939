package dev.weir.controller.compile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.weir.controller.state.ClusterState;
import dev.weir.controller.translate.Problem;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
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

  private GoldenCase() {}

  /** Parses every document of {@code file}; unknown kinds fail the test. */
  static ClusterState read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<IngressClass> classes = new ArrayList<>();
    List<Ingress> ingresses = new ArrayList<>();
    List<Service> services = new ArrayList<>();
    List<EndpointSlice> slices = new ArrayList<>();
    List<Secret> secrets = new ArrayList<>();
    for (String doc : text.split("(?m)^---\\s*$")) {
      if (doc.lines().allMatch(l -> l.isBlank() || l.strip().startsWith("#"))) {
        continue;
      }
      HasMetadata o = KUBE.unmarshal(doc);
      switch (o) {
        case IngressClass c -> classes.add(c);
        case Ingress i -> ingresses.add(i);
        case Service s -> services.add(s);
        case EndpointSlice s -> slices.add(s);
        case Secret s -> secrets.add(s);
        default -> throw new IllegalArgumentException("unexpected kind " + o.getKind());
      }
    }
    return new ClusterState(classes, ingresses, services, slices, secrets);
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
    try {
      return YAML.writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
