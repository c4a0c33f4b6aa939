package dev.weir.controller.validate;

import dev.weir.controller.model.PathMatch;
import dev.weir.controller.translate.IngressTranslation;
import dev.weir.controller.translate.IngressTranslation.DefaultBackendCandidate;
import dev.weir.controller.translate.IngressTranslation.RouteCandidate;
import dev.weir.controller.translate.IngressTranslation.TlsCandidate;
import dev.weir.controller.translate.Problem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Settles conflicts between Ingresses, as ingress-nginx and Contour do: the oldest Ingress wins
 * (the translator's age rank), and each loser gets a {@code Conflicted} problem naming the winner.
 *
 * <ul>
 *   <li>Routes: the same host, match kind and canonical path ({@code /foo/} = {@code /foo} for
 *       prefixes) — {@code RuleConflict}. Within one Ingress the first path wins, too.
 *   <li>Default backends: only one may serve — {@code DefaultBackendConflict}.
 *   <li>Certificates: one SNI host, or the default certificate, served by two different Secrets —
 *       {@code CertificateConflict}; the loser keeps its other hosts.
 * </ul>
 *
 * <p>Stateless: safe to use from any thread.
 */
public final class ConflictValidator {

  private ConflictValidator() {}

  /** Returns {@code in} with the losers removed and their problems added. */
  public static IngressTranslation validate(IngressTranslation in) {
    List<Problem> problems = new ArrayList<>(in.problems());

    List<RouteCandidate> byAge = new ArrayList<>(in.routes());
    // Stable sort: within an Ingress, rule order is kept.
    byAge.sort(Comparator.comparingInt(RouteCandidate::rank));
    Map<String, RouteCandidate> winners = new HashMap<>();
    List<RouteCandidate> routes = new ArrayList<>();
    for (RouteCandidate c : byAge) {
      PathMatch canonical = c.match().canonical();
      String key = c.host() + " " + canonical.kind() + " " + canonical.value();
      RouteCandidate winner = winners.putIfAbsent(key, c);
      if (winner == null) {
        routes.add(c);
      } else {
        String by =
            winner.source().equals(c.source())
                ? "an earlier path of the same Ingress"
                : winner.source() + ", which is older";
        problems.add(
            new Problem(
                c.source(),
                "Conflicted",
                "RuleConflict",
                "host "
                    + c.host()
                    + " "
                    + kindName(c.match().kind())
                    + " path "
                    + c.match().value()
                    + " is already served by "
                    + by));
      }
    }

    List<DefaultBackendCandidate> defaults = new ArrayList<>(in.defaultBackends());
    defaults.sort(Comparator.comparingInt(DefaultBackendCandidate::rank));
    for (int i = 1; i < defaults.size(); i++) {
      problems.add(
          new Problem(
              defaults.get(i).source(),
              "Conflicted",
              "DefaultBackendConflict",
              "spec.defaultBackend is ignored: "
                  + defaults.get(0).source()
                  + " is older and also sets one"));
    }

    return new IngressTranslation(
        routes,
        defaults.isEmpty() ? List.of() : List.of(defaults.get(0)),
        certificates(in.tls(), problems),
        in.clusters(),
        problems);
  }

  private static List<TlsCandidate> certificates(List<TlsCandidate> in, List<Problem> problems) {
    List<TlsCandidate> byAge = new ArrayList<>(in);
    byAge.sort(Comparator.comparingInt(TlsCandidate::rank));
    Map<String, TlsCandidate> owners = new HashMap<>();
    TlsCandidate defaultOwner = null;
    List<TlsCandidate> out = new ArrayList<>();
    for (TlsCandidate c : byAge) {
      if (c.hosts().isEmpty()) {
        if (defaultOwner == null || defaultOwner.bundle().name().equals(c.bundle().name())) {
          defaultOwner = defaultOwner == null ? c : defaultOwner;
          out.add(c);
        } else {
          problems.add(
              new Problem(
                  c.source(),
                  "Conflicted",
                  "CertificateConflict",
                  "Secret "
                      + c.bundle().name()
                      + " is not the default certificate: "
                      + defaultOwner.source()
                      + " is older and sets Secret "
                      + defaultOwner.bundle().name()));
        }
        continue;
      }
      List<String> kept = new ArrayList<>();
      for (String host : c.hosts()) {
        TlsCandidate owner = owners.putIfAbsent(host, c);
        if (owner == null || owner.bundle().name().equals(c.bundle().name())) {
          kept.add(host);
        } else {
          problems.add(
              new Problem(
                  c.source(),
                  "Conflicted",
                  "CertificateConflict",
                  "TLS host "
                      + host
                      + " is already served with Secret "
                      + owner.bundle().name()
                      + " by "
                      + owner.source()
                      + ", which is older"));
        }
      }
      if (!kept.isEmpty()) {
        out.add(new TlsCandidate(kept, c.bundle(), c.source(), c.rank()));
      }
    }
    return out;
  }

  private static String kindName(PathMatch.Kind kind) {
    return kind == PathMatch.Kind.EXACT ? "Exact" : "Prefix";
  }
}
