package dev.weir.dataplane.config;

import dev.weir.api.config.v1.Compression;
import dev.weir.api.config.v1.FaultInjection;
import dev.weir.api.config.v1.IpAccess;
import dev.weir.api.config.v1.LocalRateLimit;
import dev.weir.api.config.v1.PluginFilter;
import dev.weir.api.config.v1.ResponseCache;
import dev.weir.api.config.v1.Route;
import dev.weir.dataplane.filter.ProxyFilter;
import dev.weir.dataplane.plugin.FilterPlugins;
import dev.weir.dataplane.routing.CidrSet;
import dev.weir.dataplane.routing.CompressionSettings;
import dev.weir.dataplane.routing.FaultSettings;
import dev.weir.dataplane.routing.IpAccessList;
import dev.weir.dataplane.routing.RateLimitSettings;
import dev.weir.dataplane.routing.ResponseCacheSettings;
import dev.weir.dataplane.routing.RouteFilters;
import dev.weir.dataplane.routing.SecurityHeaders;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Compiles a route's {@code RouteFilters} (TrafficPolicy) into {@link RouteFilters}: CIDRs are
 * precompiled, defaults filled in, and each invalid value is reported through {@code fail} (which
 * names the route, so the snapshot is NACKed); JWT and external auth through {@link AuthCompiler}.
 * Used by {@link RouteCompiler} on the applying thread; stateless.
 */
final class RouteFiltersCompiler {

  private RouteFiltersCompiler() {}

  static RouteFilters compile(Route route, FilterPlugins plugins, Consumer<String> fail) {
    if (!route.hasFilters()) {
      return RouteFilters.NONE;
    }
    dev.weir.api.config.v1.RouteFilters f = route.getFilters();
    RouteFilters out =
        new RouteFilters(
            f.hasRateLimit() ? rateLimit(route.getName(), f.getRateLimit(), fail) : null,
            f.hasIpAccess() ? ipAccess(f.getIpAccess(), fail) : null,
            f.hasSecurityHeaders() ? securityHeaders(f.getSecurityHeaders()) : null,
            f.hasCompression() ? compression(f.getCompression(), fail) : null,
            f.hasFault() ? fault(f.getFault(), fail) : null,
            f.hasJwt() ? AuthCompiler.jwt(f.getJwt(), fail) : null,
            f.hasExtAuth() ? AuthCompiler.extAuth(f.getExtAuth(), fail) : null,
            f.hasCache() ? cache(route.getName(), f.getCache(), fail) : null,
            plugins(f.getPluginsList(), plugins, fail));
    return out.isEmpty() ? RouteFilters.NONE : out;
  }

  private static RateLimitSettings rateLimit(
      String routeName, LocalRateLimit r, Consumer<String> fail) {
    long requests = Integer.toUnsignedLong(r.getRequests());
    long interval = Integer.toUnsignedLong(r.getFillIntervalMs());
    if (requests == 0 || interval == 0) {
      fail.accept("rate limit needs requests > 0 and fill_interval_ms > 0");
      return null;
    }
    RateLimitSettings.Key key =
        switch (r.getKeyCase()) {
          case CLIENT_IP -> new RateLimitSettings.Key.ClientIp();
          case HEADER -> {
            if (r.getHeader().isBlank()) {
              fail.accept("rate limit header key has no name");
            }
            yield new RateLimitSettings.Key.Header(r.getHeader().toLowerCase(Locale.ROOT));
          }
          case ROUTE, KEY_NOT_SET -> new RateLimitSettings.Key.Route();
        };
    long burst = r.getBurst() == 0 ? requests : Integer.toUnsignedLong(r.getBurst());
    long maxKeys = Integer.toUnsignedLong(r.getMaxKeys());
    int keys =
        maxKeys == 0 ? RateLimitSettings.DEFAULT_MAX_KEYS : (int) Math.min(maxKeys, 1_000_000);
    return new RateLimitSettings(routeName, requests, interval, burst, key, keys);
  }

  private static IpAccessList ipAccess(IpAccess a, Consumer<String> fail) {
    try {
      return new IpAccessList(CidrSet.of(a.getAllowList()), CidrSet.of(a.getDenyList()));
    } catch (IllegalArgumentException e) {
      fail.accept("IP access: " + e.getMessage());
      return null;
    }
  }

  private static SecurityHeaders securityHeaders(dev.weir.api.config.v1.SecurityHeaders s) {
    return new SecurityHeaders(
        emptyToNull(s.getStrictTransportSecurity()),
        s.getContentTypeNosniff(),
        emptyToNull(s.getFrameOptions()),
        emptyToNull(s.getContentSecurityPolicy()),
        emptyToNull(s.getReferrerPolicy()),
        s.getRemoveServerHeaders());
  }

  private static CompressionSettings compression(Compression c, Consumer<String> fail) {
    long min = Integer.toUnsignedLong(c.getMinBytes());
    Set<String> types = new HashSet<>();
    for (String t : c.getContentTypesList()) {
      String type = t.trim().toLowerCase(Locale.ROOT);
      if (type.indexOf('/') <= 0 || type.indexOf(';') >= 0) {
        fail.accept("compression content type " + t + " is not type/subtype");
      }
      types.add(type);
    }
    return new CompressionSettings(
        min == 0 ? CompressionSettings.DEFAULT_MIN_BYTES : min,
        types.isEmpty() ? CompressionSettings.DEFAULT_TYPES : types);
  }

  /** The proto's defaults: 64 MiB in all, 1 MiB per entry, no heuristic freshness. */
  private static ResponseCacheSettings cache(
      String routeName, ResponseCache c, Consumer<String> fail) {
    long max = c.getMaxBytes() == 0 ? ResponseCacheSettings.DEFAULT_MAX_BYTES : c.getMaxBytes();
    long entry =
        c.getMaxEntryBytes() == 0
            ? ResponseCacheSettings.DEFAULT_MAX_ENTRY_BYTES
            : c.getMaxEntryBytes();
    // uint64 on the wire: a value past Long.MAX_VALUE arrives negative.
    if (max < 0 || entry < 0) {
      fail.accept("cache max_bytes and max_entry_bytes must be below 2^63");
      return null;
    }
    if (entry > max) {
      fail.accept("cache max_entry_bytes " + entry + " is larger than max_bytes " + max);
      return null;
    }
    if (entry > ResponseCacheSettings.ENTRY_LIMIT) {
      fail.accept(
          "cache max_entry_bytes " + entry + " is over " + ResponseCacheSettings.ENTRY_LIMIT);
      return null;
    }
    return new ResponseCacheSettings(
        routeName, max, entry, Integer.toUnsignedLong(c.getDefaultTtlSeconds()));
  }

  private static FaultSettings fault(FaultInjection f, Consumer<String> fail) {
    long delayShare = Integer.toUnsignedLong(f.getDelayPerMillion());
    long abortShare = Integer.toUnsignedLong(f.getAbortPerMillion());
    if (delayShare > FaultSettings.MILLION || abortShare > FaultSettings.MILLION) {
      fail.accept("fault share per million is > 1000000");
      return null;
    }
    try {
      return new FaultSettings(
          Integer.toUnsignedLong(f.getDelayMs()),
          (int) delayShare,
          (int) Math.min(Integer.toUnsignedLong(f.getAbortStatus()), 1000),
          (int) abortShare);
    } catch (IllegalArgumentException e) {
      fail.accept("fault: " + e.getMessage());
      return null;
    }
  }

  /**
   * Appends the {@code /config} words for the route's filters (no secrets: inline JWKS are not
   * printed).
   */
  static void describe(RouteFilters f, StringBuilder out) {
    if (f.ipAccess() != null) {
      out.append(" ip-access ").append(f.ipAccess());
    }
    if (f.rateLimit() != null) {
      out.append(" rate-limit ").append(f.rateLimit());
    }
    if (f.fault() != null) {
      out.append(" fault ").append(f.fault());
    }
    if (f.securityHeaders() != null) {
      out.append(" security-headers");
    }
    if (f.compression() != null) {
      out.append(" compression");
    }
    if (f.cache() != null) {
      out.append(" cache ").append(f.cache().maxBytes()).append('B');
    }
    if (f.jwt() != null) {
      out.append(' ').append(f.jwt());
    }
    if (f.extAuth() != null) {
      out.append(' ').append(f.extAuth());
    }
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }

  /** One filter per plugin entry, in order; each config bound and checked by its plugin now. */
  private static List<ProxyFilter> plugins(
      List<PluginFilter> entries, FilterPlugins plugins, Consumer<String> fail) {
    List<ProxyFilter> out = new ArrayList<>(entries.size());
    for (PluginFilter p : entries) {
      try {
        out.add(plugins.create(p.getName(), p.getConfigJson()));
      } catch (IllegalArgumentException e) {
        fail.accept(
            (p.getSource().isEmpty() ? "" : "FilterExtension " + p.getSource() + ": ")
                + e.getMessage());
      }
    }
    return out;
  }
}
