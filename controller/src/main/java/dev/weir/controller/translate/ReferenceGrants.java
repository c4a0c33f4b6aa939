package dev.weir.controller.translate;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantFrom;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantTo;
import java.util.List;
import java.util.Objects;

/**
 * Answers whether a cross-namespace reference is allowed by a ReferenceGrant (Gateway API v1). A
 * grant lives in the namespace of the referent: it allows references from objects of one of its
 * {@code from} (group, kind, namespace) entries to objects of one of its {@code to} (group, kind,
 * optional name) entries in its own namespace. References within one namespace need no grant.
 * Immutable: safe to share between threads.
 */
public final class ReferenceGrants {

  /** The API group of the Gateway API kinds. */
  public static final String GATEWAY_GROUP = "gateway.networking.k8s.io";

  private final List<ReferenceGrant> grants;

  /**
   * @param grants every ReferenceGrant in the cluster
   */
  public ReferenceGrants(List<ReferenceGrant> grants) {
    this.grants = List.copyOf(grants);
  }

  /**
   * True when an object ({@code fromGroup}, {@code fromKind}) in {@code fromNamespace} may refer to
   * the object ({@code toGroup}, {@code toKind}) {@code toNamespace/toName}. Groups use "" for the
   * core group.
   */
  public boolean allows(
      String fromGroup,
      String fromKind,
      String fromNamespace,
      String toGroup,
      String toKind,
      String toNamespace,
      String toName) {
    if (fromNamespace.equals(toNamespace)) {
      return true;
    }
    for (ReferenceGrant g : grants) {
      if (g == null || g.getMetadata() == null || g.getSpec() == null) {
        continue;
      }
      if (!toNamespace.equals(Ingresses.namespace(g))) {
        continue;
      }
      boolean fromOk = false;
      for (ReferenceGrantFrom f :
          Objects.requireNonNullElse(g.getSpec().getFrom(), List.<ReferenceGrantFrom>of())) {
        if (f != null
            && fromGroup.equals(group(f.getGroup()))
            && fromKind.equals(f.getKind())
            && fromNamespace.equals(f.getNamespace())) {
          fromOk = true;
          break;
        }
      }
      if (!fromOk) {
        continue;
      }
      for (ReferenceGrantTo t :
          Objects.requireNonNullElse(g.getSpec().getTo(), List.<ReferenceGrantTo>of())) {
        if (t != null
            && toGroup.equals(group(t.getGroup()))
            && toKind.equals(t.getKind())
            && (t.getName() == null || t.getName().isEmpty() || t.getName().equals(toName))) {
          return true;
        }
      }
    }
    return false;
  }

  /** The core group is written "" (and sometimes "core" in hand-written YAML). */
  static String group(String g) {
    return g == null || g.equals("core") ? "" : g;
  }
}
