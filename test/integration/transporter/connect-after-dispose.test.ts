/**
 * Once `dispose` has started, `connect` and `connect$` reject with
 * TransporterDisposedError and touch nothing: no socket, no join.
 */
import { firstValueFrom } from "rxjs";
import { describe, expect, it } from "vitest";
import { TransporterDisposedError } from "../../../src/errors.js";
import { firstOf, useHub, withinWait } from "./fixture.js";

const TOPIC = "debug_plugin:disposed";
const OTHER_TOPIC = "debug_plugin:disposed-other";

/** What `promise` rejects with, or a failure when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return withinWait(promise).then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

/** Resolves after `ms`: a bound for "nothing else happens". */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe("connect after dispose", () => {
  const harness = useHub();

  it("rejects connect and connect$ with ERR_DISPOSED and never reconnects", async () => {
    const transporter = harness.transporter();
    const { dispose } = await transporter.connect(TOPIC);
    const disposed = dispose();
    await disposed;
    const framesBefore = harness.hub.frames.length;

    const viaPromise = await rejection(transporter.connect(OTHER_TOPIC));
    const viaStream = await rejection(
      firstValueFrom(transporter.connect$(TOPIC)),
    );
    // Longer than the reconnect step (10 ms): a stray connect would show.
    await pause(100);

    expect(viaPromise).toBeInstanceOf(TransporterDisposedError);
    expect(viaPromise).toMatchObject({
      code: "ERR_DISPOSED",
      topic: OTHER_TOPIC,
      message: `Transporter disposed: cannot connect ${OTHER_TOPIC}`,
    });
    expect(viaStream).toMatchObject({
      code: "ERR_DISPOSED",
      message: `Transporter disposed: cannot connect ${TOPIC}`,
    });
    expect(await firstOf(transporter.state$)).toBe("closed");
    expect(harness.hub.frames.slice(framesBefore)).toEqual([]);
    expect(harness.hub.connections).toEqual([]);
    expect(dispose()).toBe(disposed);
    expect(transporter.exits.codes).toEqual([0]);
  });

  it("rejects a connect made while dispose is under way", async () => {
    const transporter = harness.transporter();
    const { dispose } = await transporter.connect(TOPIC);

    const disposed = dispose();
    const error = await rejection(transporter.connect(OTHER_TOPIC));
    await withinWait(disposed);

    expect(error).toBeInstanceOf(TransporterDisposedError);
    expect(
      harness.hub.frames.filter((frame) => frame.event === "phx_join"),
    ).toMatchObject([{ topic: TOPIC }]);
    expect(transporter.exits.codes).toEqual([0]);
  });

  it("gives up a join under way when dispose starts, and still finishes", async () => {
    const transporter = harness.transporter();
    const { dispose } = await transporter.connect(TOPIC);
    const joinSent = firstOf(
      harness.hub.frames$,
      (frame) => frame.event === "phx_join" && frame.topic === OTHER_TOPIC,
    );
    harness.hub.setReplyDelay(200);
    const pending = transporter.connect(OTHER_TOPIC);
    await joinSent;

    const disposed = dispose();
    const error = await rejection(pending);
    await withinWait(disposed);

    expect(error).toBeInstanceOf(TransporterDisposedError);
    expect(error).toMatchObject({ topic: OTHER_TOPIC });
    expect(transporter.exits.codes).toEqual([0]);
    expect(await firstOf(transporter.state$)).toBe("closed");
  });
});
