import pino from "pino";
import { describe, expect, it } from "vitest";
import { startHub } from "../../../src/hub/index.js";
import type { CloseInfo } from "../../../src/streams/websocket.js";
import { createTransporter } from "../../../src/transporter.js";
import { startChild } from "../../support/child/run-child.js";
import { activeHandles, recordingLogger } from "../../support/runtime.js";
import {
  API_KEY,
  debugEnv,
  FAST_OPTIONS,
  recordExit,
  useHub,
  withinWait,
} from "./fixture.js";

const TOPIC = "debug_plugin:dispose";

interface HubLogRecord {
  msg: string;
  code?: number;
  reason?: string;
  connectionId?: string;
}

/** A pino logger for the hub that keeps its records, and waits on them. */
function hubLog() {
  const records: HubLogRecord[] = [];
  const waiters: Array<() => void> = [];
  const logger = pino(
    { level: "debug" },
    {
      write: (line: string) => {
        records.push(JSON.parse(line) as HubLogRecord);
        for (const waiter of waiters.splice(0)) waiter();
      },
    },
  );
  const waitFor = (msg: string): Promise<HubLogRecord> =>
    withinWait(
      new Promise<HubLogRecord>((resolve) => {
        const check = () => {
          const found = records.find((record) => record.msg === msg);
          if (found) resolve(found);
          else waiters.push(check);
        };
        check();
      }),
    );

  return { logger, records, waitFor };
}

describe("Connection.dispose", () => {
  const log = hubLog();
  const harness = useHub({ logger: log.logger });

  it("sends phx_leave, waits for its reply, closes with 1000 and calls exit(0) once", async () => {
    const closes: CloseInfo[] = [];
    const transporter = harness.transporter({
      onClose: (event) => closes.push(event),
    });
    const { dispose } = await transporter.connect(TOPIC);
    // A delayed reply is dropped if the client closes before it comes.
    harness.hub.setReplyDelay(100);

    await dispose();

    const leave = harness.hub.frames.find(
      (frame) => frame.direction === "in" && frame.event === "phx_leave",
    );
    expect(leave).toMatchObject({ topic: TOPIC, payload: {} });
    const leaveReply = harness.hub.frames.find(
      (frame) =>
        frame.direction === "out" &&
        frame.event === "phx_reply" &&
        frame.ref === leave?.ref,
    );
    expect(leaveReply).toMatchObject({ payload: { status: "ok" } });
    const closed = await log.waitFor("connection closed");
    expect(closed).toMatchObject({ code: 1000, reason: "dispose" });
    expect(closes).toEqual([{ code: 1000, reason: "", wasClean: true }]);
    expect(transporter.exits.codes).toEqual([0]);
  });

  it("returns the same promise when called twice, leaving and exiting once", async () => {
    const transporter = harness.transporter();
    const { dispose } = await transporter.connect(TOPIC);

    const first = dispose();
    const second = dispose();
    await first;
    const third = dispose();

    expect(second).toBe(first);
    expect(third).toBe(first);
    await third;
    expect(transporter.exits.codes).toEqual([0]);
    const leaves = harness.hub.frames.filter(
      (frame) => frame.event === "phx_leave",
    );
    expect(leaves).toHaveLength(1);
  });

  it("finishes when the same topic was connected twice, leaving the shared join once", async () => {
    const transporter = harness.transporter();
    const first = await transporter.connect(TOPIC);
    const second = await transporter.connect(TOPIC);

    const outcome = await withinWait(first.dispose()).then(
      () => "disposed",
      (error: Error) => error.message,
    );
    // Releases the other holder of the join so that a hanging dispose can
    // finish and leave nothing running behind this test.
    second.channel.leave();
    await withinWait(first.dispose());

    expect(outcome).toBe("disposed");
    expect(transporter.exits.codes).toEqual([0]);
  });

  it("closes and exits within disposeTimeoutMs if the leave gets no reply", async () => {
    const transporter = harness.transporter({ disposeTimeoutMs: 200 });
    const { dispose } = await transporter.connect(TOPIC);
    harness.hub.setReplyDelay(60_000);

    await withinWait(dispose());

    expect(transporter.exits.codes).toEqual([0]);
    expect(
      harness.hub.frames.some((frame) => frame.event === "phx_leave"),
    ).toBe(true);
  });
});

describe("Connection.dispose and open handles", () => {
  it("leaves no timer or socket behind once the hub is closed", async () => {
    const before = activeHandles();
    const hub = await startHub();
    const exits = recordExit();
    const transporter = createTransporter({
      ...FAST_OPTIONS,
      heartbeatIntervalMs: 20,
      env: debugEnv(hub),
      exit: exits.exit,
      logger: recordingLogger(),
    });
    const { dispose } = await transporter.connect(TOPIC);

    await dispose();
    await hub.close();

    expect(exits.codes).toEqual([0]);
    expect(activeHandles()).toEqual(before);
  });
});

describe("Connection.dispose in a plugin process", () => {
  const harness = useHub();

  it("leaves and exits the process with code 0 through the default exit", async () => {
    const child = startChild("plugin.ts", {
      HUB_WS_URL: harness.hub.url,
      HUB_DEBUG_API_KEY: API_KEY,
      NODE_ENV: "development",
      CHILD_TOPIC: TOPIC,
    });
    await child.waitForStdout(/^joined /);

    child.send("dispose");
    const { code, stderr } = await child.exited;

    expect(code).toBe(0);
    expect(stderr).toEqual([]);
    expect(
      harness.hub.frames.filter((frame) => frame.event === "phx_leave"),
    ).toMatchObject([{ direction: "in", topic: TOPIC }]);
  });
});
