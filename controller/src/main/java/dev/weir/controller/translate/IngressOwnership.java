package dev.weir.controller.translate;

import dev.weir.controller.state.ClusterState;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides which Ingresses this controller serves, following the IngressClass rules of
 * networking.k8s.io/v1:
 *
 * <ol>
 *   <li>{@code spec.ingressClassName} set: ours if it names an IngressClass whose {@code
 *       spec.controller} is our controller name (a missing class means not ours);
 *   <li>otherwise the deprecated annotation {@code kubernetes.io/ingress.class}: ours if it names
 *       one of our IngressClasses;
 *   <li>neither set: ours if one of our IngressClasses carries {@code
 *       ingressclass.kubernetes.io/is-default-class: "true"}.
 * </ol>
 *
 * <p>Ingresses that are not ours are ignored silently. Stateless: safe to use from any thread.
 */
public final class IngressOwnership {

  /** The deprecated annotation that predates {@code spec.ingressClassName}. */
  public static final String LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class";

  /** The IngressClass annotation that makes it the default for Ingresses without a class. */
  public static final String DEFAULT_CLASS_ANNOTATION =
      "ingressclass.kubernetes.io/is-default-class";

  private static final Comparator<Ingress> BY_NAME =
      Comparator.comparing((Ingress i) -> Ingresses.namespace(i)).thenComparing(Ingresses::name);

  private final String controllerName;

  /**
   * @param controllerName the {@code IngressClass.spec.controller} value that names this controller
   */
  public IngressOwnership(String controllerName) {
    this.controllerName = Objects.requireNonNull(controllerName, "controllerName");
  }

  /** The Ingresses of {@code state} that this controller serves, sorted by namespace and name. */
  public List<Ingress> owned(ClusterState state) {
    Set<String> ours = new TreeSet<>();
    boolean haveDefault = false;
    for (IngressClass c : state.ingressClasses()) {
      if (c == null || c.getMetadata() == null || c.getSpec() == null) {
        continue;
      }
      if (controllerName.equals(c.getSpec().getController())) {
        ours.add(c.getMetadata().getName());
        Map<String, String> annotations = c.getMetadata().getAnnotations();
        if (annotations != null && "true".equals(annotations.get(DEFAULT_CLASS_ANNOTATION))) {
          haveDefault = true;
        }
      }
    }
    boolean defaultIsOurs = haveDefault;
    return state.ingresses().stream()
        .filter(i -> i != null && i.getMetadata() != null && i.getMetadata().getName() != null)
        .filter(i -> isOurs(i, ours, defaultIsOurs))
        .sorted(BY_NAME)
        .toList();
  }

  /** The Secrets named in the TLS sections of the owned Ingresses, sorted. */
  public Set<ObjectRef> referencedSecrets(ClusterState state) {
    TreeSet<ObjectRef> refs = new TreeSet<>();
    for (Ingress i : owned(state)) {
      if (i.getSpec() == null || i.getSpec().getTls() == null) {
        continue;
      }
      for (IngressTLS tls : i.getSpec().getTls()) {
        if (tls != null && tls.getSecretName() != null && !tls.getSecretName().isEmpty()) {
          refs.add(new ObjectRef("Secret", Ingresses.namespace(i), tls.getSecretName()));
        }
      }
    }
    return Collections.unmodifiableSortedSet(refs);
  }

  private static boolean isOurs(Ingress ingress, Set<String> ours, boolean defaultIsOurs) {
    String className = ingress.getSpec() == null ? null : ingress.getSpec().getIngressClassName();
    if (className != null && !className.isEmpty()) {
      return ours.contains(className);
    }
    Map<String, String> annotations = ingress.getMetadata().getAnnotations();
    String legacy = annotations == null ? null : annotations.get(LEGACY_CLASS_ANNOTATION);
    if (legacy != null && !legacy.isEmpty()) {
      return ours.contains(legacy);
    }
    return defaultIsOurs;
  }
}
