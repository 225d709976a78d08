import { HubArgumentError } from "./errors.js";

/**
 * The hub's fault-injection switches, read by every connection.
 * Defaults: heartbeats answered, no reply delay, upgrades accepted.
 *
 * @example
 * const faults = new FaultSettings();
 * faults.setReplyDelay(200); // every phx_reply now waits 200 ms
 */
export class FaultSettings {
  heartbeatReplies = true;
  replyDelayMs = 0;
  refusedUpgradeStatus: number | null = null;

  setReplyDelay(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new HubArgumentError(
        `Reply delay must be a finite number >= 0, got ${ms}`,
      );
    }
    this.replyDelayMs = ms;
  }

  refuseUpgrades(status: number | null): void {
    if (status !== null && !isRefusalStatus(status)) {
      throw new HubArgumentError(
        `Refusal status must be an HTTP status 200-599 or null, got ${status}`,
      );
    }
    this.refusedUpgradeStatus = status;
  }
}

function isRefusalStatus(status: number): boolean {
  return Number.isInteger(status) && status >= 200 && status <= 599;
}
