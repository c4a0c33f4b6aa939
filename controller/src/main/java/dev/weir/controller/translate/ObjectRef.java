package dev.weir.controller.translate;

import java.util.Objects;

/**
 * Names a Kubernetes object: its kind, namespace ("" for cluster-scoped kinds) and name.
 *
 * @param kind the object's kind, for example {@code "Ingress"}
 * @param namespace the namespace, or {@code ""} for cluster-scoped objects
 * @param name the object's name
 */
public record ObjectRef(String kind, String namespace, String name)
    implements Comparable<ObjectRef> {

  public ObjectRef {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  @Override
  public int compareTo(ObjectRef o) {
    int c = kind.compareTo(o.kind);
    if (c == 0) {
      c = namespace.compareTo(o.namespace);
    }
    return c != 0 ? c : name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return namespace.isEmpty() ? kind + " " + name : kind + " " + namespace + "/" + name;
  }
}
