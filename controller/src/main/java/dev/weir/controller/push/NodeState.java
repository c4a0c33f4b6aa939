package dev.weir.controller.push;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the controller knows about one data-plane node: who it is, whether it is connected, the
 * version it last ACKed, and its last NACK. Immutable; {@link NodeRegistry} replaces it whole.
 *
 * @param id the node's stable id
 * @param pod the node's pod name
 * @param namespace the node's namespace
 * @param role {@code GATEWAY}, {@code SIDECAR} or {@code ROLE_UNSPECIFIED}
 * @param workload for a sidecar, the workload it fronts; otherwise ""
 * @param gateway the Gateway this node serves ("namespace/name"), or "" for a shared node
 * @param connected whether a stream from this node is open
 * @param lastAckedVersion the version the node last ACKed (or reported on connect), "" if none
 * @param lastAckedGeneration the generation of that version, 0 if unknown
 * @param lastAckAt when that ACK arrived, or null
 * @param lastPropagationMillis time from publishing the ACKed snapshot to its ACK, or -1
 * @param lastNack the node's last NACK, or null
 * @param lastSeen when the node last sent anything or disconnected
 */
public record NodeState(
    String id,
    String pod,
    String namespace,
    String role,
    String workload,
    String gateway,
    boolean connected,
    String lastAckedVersion,
    long lastAckedGeneration,
    Instant lastAckAt,
    long lastPropagationMillis,
    Nack lastNack,
    Instant lastSeen) {

  public NodeState {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(pod, "pod");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(lastAckedVersion, "lastAckedVersion");
    Objects.requireNonNull(lastSeen, "lastSeen");
  }

  /** This state with the stream open or closed, seen at {@code at}. */
  NodeState withConnected(boolean open, Instant at) {
    return new NodeState(
        id,
        pod,
        namespace,
        role,
        workload,
        gateway,
        open,
        lastAckedVersion,
        lastAckedGeneration,
        lastAckAt,
        lastPropagationMillis,
        lastNack,
        at);
  }

  /** This state after an ACK of {@code version} at {@code at}. */
  NodeState withAck(String version, long generation, Instant at, long propagationMillis) {
    return new NodeState(
        id,
        pod,
        namespace,
        role,
        workload,
        gateway,
        connected,
        version,
        generation,
        at,
        propagationMillis,
        lastNack,
        at);
  }

  /** This state after {@code nack}; the last ACK is untouched. */
  NodeState withNack(Nack nack) {
    return new NodeState(
        id,
        pod,
        namespace,
        role,
        workload,
        gateway,
        connected,
        lastAckedVersion,
        lastAckedGeneration,
        lastAckAt,
        lastPropagationMillis,
        nack,
        nack.at());
  }

  /**
   * A rejected snapshot.
   *
   * @param version the version the node rejected
   * @param nonce the nonce of the rejected send
   * @param message the node's one-line reason
   * @param resources the snapshot resources that failed
   * @param at when the NACK arrived
   */
  public record Nack(
      String version, String nonce, String message, List<FailedResource> resources, Instant at) {

    public Nack {
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(nonce, "nonce");
      Objects.requireNonNull(message, "message");
      resources = List.copyOf(resources);
      Objects.requireNonNull(at, "at");
    }
  }

  /**
   * One snapshot resource named in a NACK.
   *
   * @param kind "listener", "route_table", "route", "cluster" or "secret"
   * @param name its name in the snapshot
   * @param reason why it failed
   */
  public record FailedResource(String kind, String name, String reason) {}
}
