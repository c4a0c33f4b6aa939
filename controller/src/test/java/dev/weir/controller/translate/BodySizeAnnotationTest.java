package dev.weir.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BodySizeAnnotationTest {

  @Test
  void sizesAreBytesOrPowersOf1024() {
    assertThat(BodySizeAnnotation.parse("1048576")).isEqualTo(1L << 20);
    assertThat(BodySizeAnnotation.parse("512k")).isEqualTo(512L << 10);
    assertThat(BodySizeAnnotation.parse("8m")).isEqualTo(8L << 20);
    assertThat(BodySizeAnnotation.parse("1G")).isEqualTo(1L << 30);
    assertThat(BodySizeAnnotation.parse(" 2M ")).isEqualTo(2L << 20);
  }

  @Test
  void anythingElseIsNoSize() {
    for (String bad :
        List.of("", "m", "8 megabytes", "-1", "1.5m", "8mb", "0x10", "99999999999g")) {
      assertThat(BodySizeAnnotation.parse(bad)).as(bad).isEqualTo(-1);
    }
  }

  @Test
  void invalidValueIsAProblemNamingTheIngressAndKeepsTheDefault() {
    List<Problem> problems = new ArrayList<>();
    ObjectRef ref = Ingresses.ref("Ingress", ingress("8 megabytes"));

    assertThat(BodySizeAnnotation.read(ingress("8 megabytes"), ref, problems)).isZero();
    assertThat(BodySizeAnnotation.read(ingress("0"), ref, problems)).isZero();
    assertThat(problems).hasSize(2);
    assertThat(problems.get(0).object()).isEqualTo(ref);
    assertThat(problems.get(0).reason()).isEqualTo("InvalidAnnotation");
    assertThat(problems.get(0).message()).contains("weir.dev/max-request-body", "8 megabytes");
  }

  @Test
  void absentAnnotationMeansTheDefaultWithoutAProblem() {
    List<Problem> problems = new ArrayList<>();
    Ingress plain = new IngressBuilder().withNewMetadata().withName("a").endMetadata().build();

    assertThat(BodySizeAnnotation.read(plain, Ingresses.ref("Ingress", plain), problems)).isZero();
    assertThat(BodySizeAnnotation.read(new Ingress(), null, problems)).isZero();
    assertThat(problems).isEmpty();
  }

  private static Ingress ingress(String value) {
    return new IngressBuilder()
        .withNewMetadata()
        .withName("up")
        .withNamespace("default")
        .addToAnnotations(BodySizeAnnotation.NAME, value)
        .endMetadata()
        .build();
  }
}
