package dev.weir.controller.translate;

import dev.weir.controller.compile.IngressOptions;
import dev.weir.controller.model.Action;
import dev.weir.controller.model.PathMatch;
import dev.weir.controller.state.ClusterState;
import dev.weir.controller.translate.IngressTranslation.DefaultBackendCandidate;
import dev.weir.controller.translate.IngressTranslation.RouteCandidate;
import dev.weir.controller.translate.IngressTranslation.TlsCandidate;
import dev.weir.controller.validate.HostPathValidator;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Translates the Ingresses this controller owns (networking.k8s.io/v1) into route, cluster and
 * certificate candidates. Conflicts between Ingresses are settled afterwards by {@code
 * validate.ConflictValidator}; the candidates here carry each Ingress's age rank for that.
 *
 * <h2>Semantics</h2>
 *
 * <ul>
 *   <li><b>Ownership</b>: see {@link IngressOwnership}; Ingresses of other controllers are ignored
 *       without a problem.
 *   <li><b>Hosts</b>: one virtual host per distinct rule host; rules without a host go to the "*"
 *       catch-all. A wildcard {@code *.foo.com} matches exactly one extra label ({@code
 *       bar.foo.com}, not {@code baz.bar.foo.com} nor {@code foo.com}), as the Ingress spec says.
 *       Invalid hosts (IP addresses, uppercase, ports) drop their rule with an {@code InvalidHost}
 *       problem.
 *   <li><b>Paths</b>: {@code Exact} becomes an exact match and {@code Prefix} an element-wise
 *       prefix match ({@code /foo} matches {@code /foo/bar}, not {@code /foobar}; a trailing "/" is
 *       ignored). {@code ImplementationSpecific} is treated as {@code Prefix}, which is what
 *       ingress-nginx does without its regex annotation; a missing path with it means "/". Inside a
 *       virtual host, exact matches come first, then longer prefixes. A path that does not start
 *       with "/", holds characters outside RFC 3986 §3.3, or has dot segments is dropped with an
 *       {@code InvalidPath} problem.
 *   <li><b>Merging and conflicts</b>: rules of several Ingresses for one host merge into one
 *       virtual host. The same (host, match kind, path) from two Ingresses is a conflict: the older
 *       Ingress ({@code creationTimestamp}, then namespace/name; objects without a timestamp count
 *       as newest) wins and the other gets a {@code Conflicted/RuleConflict} problem naming the
 *       winner.
 *   <li><b>defaultBackend</b>: serves requests that match no rule. It becomes the lowest-precedence
 *       "/" prefix route of the "*" virtual host, and is appended to this Ingress's own host
 *       virtual hosts that have no "/" prefix route. If several owned Ingresses set one, the oldest
 *       wins and the others get a {@code Conflicted/DefaultBackendConflict} problem and are not
 *       used at all. Without any, the data plane answers unmatched requests with 404.
 *   <li><b>Backends</b>: see {@link BackendResolver}. A missing Service or port gives a 503 direct
 *       response on that path and a {@code ResolvedRefs} problem; {@code resource} backends are
 *       unsupported (503 and {@code UnsupportedValue}).
 *   <li><b>TLS</b>: each section's Secret (same namespace) must be of type {@code
 *       kubernetes.io/tls} with a parseable chain and a key that matches its leaf; otherwise an
 *       {@code InvalidCertificateRef} problem, and its hosts are served without that certificate
 *       (HTTP routes are unaffected). Hosts become SNI entries, exact names before wildcards,
 *       longer first; the same SNI host from two sections goes to the oldest Ingress ({@code
 *       CertificateConflict} on the other). A section without hosts makes its certificate the
 *       default one, served when SNI is absent or matches nothing (the spec: hosts default to the
 *       controller's wildcard); without such a section the default is the first certificate by
 *       name. The HTTPS listener exists only when at least one certificate is usable.
 *   <li><b>Body size</b>: the {@code weir.dev/max-request-body} annotation (see {@link
 *       BodySizeAnnotation}) limits the request bodies of all the Ingress's routes, its default
 *       backend included; an invalid value is an {@code InvalidAnnotation} problem and the routes
 *       keep the data plane's {@code --max-request-body}.
 * </ul>
 *
 * <p>Stateless: safe to use from any thread; each call builds its own indexes.
 */
public final class IngressTranslator {

  /** The host of rules without one: the catch-all virtual host. */
  public static final String ANY_HOST = "*";

  private final IngressOptions options;
  private final IngressOwnership ownership;

  /**
   * @param options the controller's settings
   */
  public IngressTranslator(IngressOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    this.ownership = new IngressOwnership(options.controllerName());
  }

  /** Translates every owned Ingress of {@code state}; never throws on user input. */
  public IngressTranslation translate(ClusterState state) {
    List<Ingress> owned = new ArrayList<>(ownership.owned(state));
    owned.sort(Ingresses.AGE);
    BackendResolver backends =
        new BackendResolver(
            options,
            state.services(),
            state.endpointSlices(),
            null,
            new BackendPolicies(state.policies().backendPolicies(), state.services()));
    TlsResolver certificates = new TlsResolver(state.secrets());
    List<RouteCandidate> routes = new ArrayList<>();
    List<DefaultBackendCandidate> defaults = new ArrayList<>();
    List<TlsCandidate> tls = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    for (int rank = 0; rank < owned.size(); rank++) {
      Ingress ingress = owned.get(rank);
      ObjectRef source = Ingresses.ref("Ingress", ingress);
      String namespace = Ingresses.namespace(ingress);
      IngressSpec spec = ingress.getSpec() == null ? new IngressSpec() : ingress.getSpec();
      long maxBody = BodySizeAnnotation.read(ingress, source, problems);
      TreeSet<String> hosts = new TreeSet<>();
      List<IngressRule> rules = Objects.requireNonNullElse(spec.getRules(), List.of());
      for (int r = 0; r < rules.size(); r++) {
        IngressRule rule = rules.get(r);
        if (rule == null) {
          continue;
        }
        String field = "spec.rules[" + r + "]";
        String host =
            rule.getHost() == null || rule.getHost().isEmpty() ? ANY_HOST : rule.getHost();
        if (!host.equals(ANY_HOST)) {
          Optional<String> bad = HostPathValidator.checkHost(host);
          if (bad.isPresent()) {
            problems.add(
                new Problem(source, "Accepted", "InvalidHost", field + ".host: " + bad.get()));
            continue;
          }
        }
        hosts.add(host);
        if (rule.getHttp() == null || rule.getHttp().getPaths() == null) {
          continue;
        }
        List<HTTPIngressPath> paths = rule.getHttp().getPaths();
        for (int p = 0; p < paths.size(); p++) {
          String pathField = field + ".http.paths[" + p + "]";
          Optional<PathMatch> match = pathMatch(paths.get(p), source, pathField, problems);
          if (match.isEmpty()) {
            continue;
          }
          Action action =
              backends.resolve(
                  paths.get(p).getBackend(), namespace, source, pathField + ".backend", problems);
          String name =
              "ingress/" + namespace + "/" + Ingresses.name(ingress) + "/r" + r + "/p" + p;
          routes.add(new RouteCandidate(host, match.get(), action, source, rank, name, maxBody));
        }
      }
      if (spec.getDefaultBackend() != null) {
        Action action =
            backends.resolve(
                spec.getDefaultBackend(), namespace, source, "spec.defaultBackend", problems);
        defaults.add(
            new DefaultBackendCandidate(action, List.copyOf(hosts), source, rank, maxBody));
      }
      List<IngressTLS> sections = Objects.requireNonNullElse(spec.getTls(), List.of());
      for (int t = 0; t < sections.size(); t++) {
        tlsSection(
            sections.get(t),
            "spec.tls[" + t + "]",
            source,
            namespace,
            rank,
            certificates,
            tls,
            problems);
      }
    }
    return new IngressTranslation(
        routes, defaults, tls, List.copyOf(backends.clusters().values()), problems);
  }

  private static Optional<PathMatch> pathMatch(
      HTTPIngressPath path, ObjectRef source, String field, List<Problem> problems) {
    if (path == null) {
      return Optional.empty();
    }
    String type = path.getPathType();
    String value = path.getPath();
    PathMatch.Kind kind;
    if ("Exact".equals(type)) {
      kind = PathMatch.Kind.EXACT;
    } else if ("Prefix".equals(type)) {
      kind = PathMatch.Kind.PREFIX;
    } else if ("ImplementationSpecific".equals(type)) {
      // Weir's implementation-specific matching is Prefix; an omitted path means everything.
      kind = PathMatch.Kind.PREFIX;
      if (value == null || value.isEmpty()) {
        value = "/";
      }
    } else {
      problems.add(
          new Problem(
              source,
              "Accepted",
              "InvalidPath",
              field
                  + ".pathType: \""
                  + type
                  + "\" is not Exact, Prefix or ImplementationSpecific"));
      return Optional.empty();
    }
    Optional<String> bad = HostPathValidator.checkPath(value);
    if (bad.isPresent()) {
      problems.add(new Problem(source, "Accepted", "InvalidPath", field + ".path: " + bad.get()));
      return Optional.empty();
    }
    return Optional.of(new PathMatch(kind, value));
  }

  private static void tlsSection(
      IngressTLS section,
      String field,
      ObjectRef source,
      String namespace,
      int rank,
      TlsResolver certificates,
      List<TlsCandidate> out,
      List<Problem> problems) {
    if (section == null) {
      return;
    }
    if (section.getSecretName() == null || section.getSecretName().isEmpty()) {
      problems.add(
          new Problem(
              source, "ResolvedRefs", "InvalidCertificateRef", field + ".secretName is empty"));
      return;
    }
    TreeSet<String> hosts = new TreeSet<>();
    for (String host : Objects.requireNonNullElse(section.getHosts(), List.<String>of())) {
      Optional<String> bad = HostPathValidator.checkHost(host);
      if (bad.isPresent()) {
        problems.add(
            new Problem(source, "Accepted", "InvalidHost", field + ".hosts: " + bad.get()));
      } else {
        hosts.add(host);
      }
    }
    if (hosts.isEmpty() && section.getHosts() != null && !section.getHosts().isEmpty()) {
      return; // every host was invalid: do not silently turn the section into the default.
    }
    certificates
        .resolve(namespace, section.getSecretName(), source, field + ".secretName", problems)
        .ifPresent(bundle -> out.add(new TlsCandidate(List.copyOf(hosts), bundle, source, rank)));
  }
}
