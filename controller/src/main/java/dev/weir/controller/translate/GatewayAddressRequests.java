package dev.weir.controller.translate;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewaySpecAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks the addresses a Gateway requests ({@code spec.addresses}) for what the input alone can
 * tell: Weir supports the types {@code IPAddress} (the default) and {@code Hostname}; a value, when
 * given, must be an IP literal or a DNS name of that type. Anything else makes the Gateway {@code
 * Accepted=False} with reason {@code UnsupportedAddress} (Gateway API, GatewayConditionReason).
 * Whether a well-formed address is one Weir can use depends on the published addresses, which the
 * status writer knows ({@code status/GatewayAddresses}). Stateless.
 */
final class GatewayAddressRequests {

  static final String IP_ADDRESS = "IPAddress";
  static final String HOSTNAME = "Hostname";

  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
              + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
  private static final Pattern DNS_NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private GatewayAddressRequests() {}

  /** Why {@code gateway}'s requested addresses are not supported, or empty when they are. */
  static Optional<String> unsupported(Gateway gateway) {
    List<GatewaySpecAddress> requested =
        gateway.getSpec() == null || gateway.getSpec().getAddresses() == null
            ? List.of()
            : gateway.getSpec().getAddresses();
    for (GatewaySpecAddress a : requested) {
      if (a == null) {
        continue;
      }
      String type = a.getType() == null || a.getType().isEmpty() ? IP_ADDRESS : a.getType();
      String value = Objects.requireNonNullElse(a.getValue(), "");
      boolean ok =
          switch (type) {
            case IP_ADDRESS ->
                value.isEmpty() || IPV4.matcher(value).matches() || IPV6.matcher(value).matches();
            case HOSTNAME -> value.isEmpty() || DNS_NAME.matcher(value).matches();
            default -> false;
          };
      if (!ok) {
        String shown = value.replaceAll("[^\\x21-\\x7e]", "?");
        return Optional.of(
            type.equals(IP_ADDRESS) || type.equals(HOSTNAME)
                ? "address \"" + shown + "\" is not a valid " + type
                : "address type \""
                    + type.replaceAll("[^\\x21-\\x7e]", "?")
                    + "\" is not supported; use IPAddress or Hostname");
      }
    }
    return Optional.empty();
  }
}
