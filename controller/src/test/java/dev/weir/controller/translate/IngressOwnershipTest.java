package dev.weir.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.controller.state.ClusterState;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngressOwnershipTest {

  private static final String US = "weir.dev/ingress-controller";
  private final IngressOwnership ownership = new IngressOwnership(US);

  @Test
  void classNameOfOurClassIsOurs() {
    assertThat(names(state(List.of(ourClass("weir", false)), ingress("a", "weir", null))))
        .containsExactly("a");
  }

  @Test
  void classNameOfForeignOrMissingClassIsNotOurs() {
    ClusterState s =
        state(
            List.of(ourClass("weir", true), foreignClass("nginx")),
            ingress("foreign", "nginx", null),
            ingress("missing", "nope", null));
    assertThat(names(s)).isEmpty();
  }

  @Test
  void classNameWinsOverTheLegacyAnnotation() {
    ClusterState s =
        state(
            List.of(ourClass("weir", false), foreignClass("nginx")), ingress("a", "nginx", "weir"));
    assertThat(names(s)).isEmpty();
  }

  @Test
  void legacyAnnotationNamingOurClassIsOurs() {
    ClusterState s =
        state(
            List.of(ourClass("weir", false), foreignClass("nginx")),
            ingress("ours", null, "weir"),
            ingress("theirs", null, "nginx"));
    assertThat(names(s)).containsExactly("ours");
  }

  @Test
  void classlessIngressIsOursOnlyWhenOurClassIsTheDefault() {
    assertThat(names(state(List.of(ourClass("weir", true)), ingress("a", null, null))))
        .containsExactly("a");
    assertThat(names(state(List.of(ourClass("weir", false)), ingress("a", null, null)))).isEmpty();
    assertThat(
            names(
                state(
                    List.of(ourClass("weir", false), defaultForeign("nginx")),
                    ingress("a", null, null))))
        .isEmpty();
  }

  @Test
  void ownedIsSortedByNamespaceThenName() {
    ClusterState s =
        state(
            List.of(ourClass("weir", true)),
            ingress("b", null, null),
            ingress("a", null, null),
            new IngressBuilder(ingress("z", null, null))
                .editMetadata()
                .withNamespace("aaa")
                .endMetadata()
                .build());
    assertThat(ownership.owned(s))
        .extracting(i -> i.getMetadata().getNamespace() + "/" + i.getMetadata().getName())
        .containsExactly("aaa/z", "default/a", "default/b");
  }

  @Test
  void referencedSecretsComeFromOwnedIngressesOnly() {
    Ingress ours =
        new IngressBuilder(ingress("ours", "weir", null))
            .editSpec()
            .addNewTl()
            .withSecretName("cert-b")
            .endTl()
            .addNewTl()
            .withHosts("x.example.com")
            .withSecretName("cert-a")
            .endTl()
            .endSpec()
            .build();
    Ingress theirs =
        new IngressBuilder(ingress("theirs", "nginx", null))
            .editSpec()
            .addNewTl()
            .withSecretName("other")
            .endTl()
            .endSpec()
            .build();
    ClusterState s = state(List.of(ourClass("weir", false), foreignClass("nginx")), ours, theirs);
    assertThat(ownership.referencedSecrets(s))
        .containsExactly(
            new ObjectRef("Secret", "default", "cert-a"),
            new ObjectRef("Secret", "default", "cert-b"));
  }

  private List<String> names(ClusterState s) {
    return ownership.owned(s).stream().map(i -> i.getMetadata().getName()).toList();
  }

  private static ClusterState state(List<IngressClass> classes, Ingress... ingresses) {
    return new ClusterState(classes, List.of(ingresses), List.of(), List.of(), List.of());
  }

  private static IngressClass ourClass(String name, boolean isDefault) {
    return ingressClass(name, US, isDefault);
  }

  private static IngressClass foreignClass(String name) {
    return ingressClass(name, "k8s.io/ingress-nginx", false);
  }

  private static IngressClass defaultForeign(String name) {
    return ingressClass(name, "k8s.io/ingress-nginx", true);
  }

  private static IngressClass ingressClass(String name, String controller, boolean isDefault) {
    return new IngressClassBuilder()
        .withNewMetadata()
        .withName(name)
        .withAnnotations(
            isDefault ? Map.of(IngressOwnership.DEFAULT_CLASS_ANNOTATION, "true") : Map.of())
        .endMetadata()
        .withNewSpec()
        .withController(controller)
        .endSpec()
        .build();
  }

  private static Ingress ingress(String name, String className, String annotation) {
    return new IngressBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .withAnnotations(
            annotation == null
                ? Map.of()
                : Map.of(IngressOwnership.LEGACY_CLASS_ANNOTATION, annotation))
        .endMetadata()
        .withNewSpec()
        .withIngressClassName(className)
        .endSpec()
        .build();
  }
}
