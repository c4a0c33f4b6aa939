package dev.weir.dataplane.config;

import java.util.Objects;

/**
 * What the config client knows about its controller and the configuration it applied, as shown by
 * the probe and admin servers. Immutable; holds no key material.
 *
 * @param controller the controller's address, {@code host:port}
 * @param connected whether a stream to the controller is open on a connected transport
 * @param applied whether any snapshot was applied (from the controller or the saved file)
 * @param appliedVersion the version now serving, or "" before the first one
 * @param appliedGeneration the generation of that version, or 0
 * @param lastError the most recent NACK reason or stream failure, or "" if there was none
 */
public record ConfigClientState(
    String controller,
    boolean connected,
    boolean applied,
    String appliedVersion,
    long appliedGeneration,
    String lastError) {

  public ConfigClientState {
    Objects.requireNonNull(controller, "controller");
    Objects.requireNonNull(appliedVersion, "appliedVersion");
    Objects.requireNonNull(lastError, "lastError");
  }
}
