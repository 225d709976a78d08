/**
 * dispose gives pushes that wait for a rejoin their chance: they go out on
 * the new connection, before the leave.
 */
import { describe, expect, it } from "vitest";
import { callCounter, useHub } from "./fixture.js";

const TOPIC = "debug_plugin:dispose-flush";

describe("Connection.dispose with pushes waiting for a rejoin", () => {
  const harness = useHub();

  it("sends them on the new connection before phx_leave, then exits 0", async () => {
    const transporter = harness.transporter({ reconnectStepsMs: [50] });
    const { channel, dispose } = await transporter.connect(TOPIC);
    const errored = callCounter<[unknown]>();
    channel.onError(errored.callback);
    const outcomes: string[] = [];

    harness.hub.dropConnections();
    await errored.reached(1);
    channel
      .push("last_words", { n: 1 })
      .receive("ok", () => outcomes.push("ok"))
      .receive("timeout", (error: Error) =>
        outcomes.push(`${error.name}: ${error.message}`),
      );
    await dispose();

    const onNewConnection = harness.hub.frames
      .filter(
        (frame) =>
          frame.direction === "in" &&
          frame.connectionId === "conn-2" &&
          frame.topic === TOPIC,
      )
      .map((frame) => frame.event);
    expect(onNewConnection).toEqual(["phx_join", "last_words", "phx_leave"]);
    expect(outcomes).toEqual(["ok"]);
    expect(transporter.exits.codes).toEqual([0]);
  });
});
