import { filter, firstValueFrom, take, timeout, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import {
  CallbackError,
  ConnectionError,
  type TransporterError,
} from "../../../src/errors.js";
import type { PhoenixMessage } from "../../../src/streams/message.js";
import type { CloseInfo } from "../../../src/streams/websocket.js";
import { callCounter, firstOf, useHub, WAIT_MS } from "./fixture.js";

const TOPIC = "debug_plugin:callbacks";

describe("createTransporter callbacks", () => {
  const harness = useHub();

  it("calls onOpen once the connection opens and onMessage with the join reply", async () => {
    const opened = callCounter<[]>();
    const messages: PhoenixMessage[] = [];
    const transporter = harness.transporter({
      onOpen: opened.callback,
      onMessage: (message) => messages.push(message),
    });

    await transporter.connect(TOPIC);

    expect(opened.calls).toHaveLength(1);
    const joinReply = messages.find(
      (message) => message.topic === TOPIC && message.event === "phx_reply",
    );
    expect(joinReply?.payload).toEqual({ status: "ok", response: {} });
  });

  it("calls onMessage with every message the hub pushes to the channel", async () => {
    const received = callCounter<[PhoenixMessage]>();
    const transporter = harness.transporter({ onMessage: received.callback });
    await transporter.connect(TOPIC);
    const before = received.calls.length;

    harness.hub.push(TOPIC, "news", { n: 1 });
    harness.hub.push(TOPIC, "news", { n: 2 });
    await received.reached(before + 2);

    const pushed = received.calls.slice(before).map(([message]) => message);
    expect(pushed).toMatchObject([
      { topic: TOPIC, event: "news", payload: { n: 1 }, ref: null },
      { topic: TOPIC, event: "news", payload: { n: 2 }, ref: null },
    ]);
  });

  it("drop: onClose(1006), onError(e, 'websocket', 1), onOpen again", async () => {
    const opened = callCounter<[]>();
    const closed = callCounter<[CloseInfo]>();
    const failed = callCounter<[Error, string, number]>();
    const transporter = harness.transporter({
      onOpen: opened.callback,
      onClose: closed.callback,
      onError: failed.callback,
    });
    await transporter.connect(TOPIC);
    const reopened = firstOf(
      transporter.lifecycle$,
      (event) => event.type === "open",
    );

    harness.hub.dropConnections();
    const reopen = await reopened;
    await opened.reached(2);

    expect(closed.calls).toEqual([
      [{ code: 1006, reason: "", wasClean: false }],
    ]);
    expect(failed.calls).toHaveLength(1);
    const [error, transport, established] = failed.calls[0] ?? [];
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).closeCode).toBe(1006);
    expect(transport).toBe("websocket");
    expect(established).toBe(1);
    expect(reopen).toMatchObject({ type: "open", establishedConnections: 2 });
  });

  it("passes the server's close code and reason to onClose", async () => {
    const closed = callCounter<[CloseInfo]>();
    const failed = callCounter<[Error, string, number]>();
    const transporter = harness.transporter({
      onClose: closed.callback,
      onError: failed.callback,
    });
    await transporter.connect(TOPIC);

    harness.hub.closeConnections(4001, "going away for a test");
    await closed.reached(1);
    await failed.reached(1);

    expect(closed.calls[0]).toEqual([
      { code: 4001, reason: "going away for a test", wasClean: true },
    ]);
    expect(failed.calls[0]?.[0].message).toBe(
      'WebSocket closed by the server (code 4001, reason "going away for a test")',
    );
  });

  it("reports a throwing onMessage on errors$ as CallbackError and keeps delivering", async () => {
    const received = callCounter<[PhoenixMessage]>();
    const failed = callCounter<[Error, string, number]>();
    const transporter = harness.transporter({
      onMessage: (message) => {
        received.callback(message);
        throw new Error(`cannot handle ${message.event}`);
      },
      onError: failed.callback,
    });
    const reported = firstValueFrom(
      transporter.errors$.pipe(take(2), toArray(), timeout(WAIT_MS)),
    );

    await transporter.connect(TOPIC);
    harness.hub.push(TOPIC, "news", {});
    const errors: TransporterError[] = await reported;
    await received.reached(2);

    expect(errors.every((error) => error instanceof CallbackError)).toBe(true);
    expect(errors.map((error) => error.message)).toEqual([
      "The onMessage callback threw: cannot handle phx_reply",
      "The onMessage callback threw: cannot handle news",
    ]);
    expect(errors[0]).toMatchObject({
      code: "ERR_CALLBACK",
      callback: "onMessage",
    });
    expect(failed.calls).toEqual([]);
  });

  it("reports an async onMessage that rejects as CallbackError, not as an unhandled rejection", async () => {
    const transporter = harness.transporter({
      onMessage: async (message) => {
        throw new Error(`cannot handle ${message.event}`);
      },
    });
    const reported = firstValueFrom(
      transporter.errors$.pipe(take(1), timeout(WAIT_MS)),
    );

    await transporter.connect(TOPIC);
    const error = await reported;

    expect(error).toBeInstanceOf(CallbackError);
    expect(error.message).toBe(
      "The onMessage callback threw: cannot handle phx_reply",
    );
  });

  it("reports a throwing onOpen and onError and still reconnects and rejoins", async () => {
    const transporter = harness.transporter({
      onOpen: () => {
        throw new Error("open handler broke");
      },
      onError: () => {
        throw new Error("error handler broke");
      },
    });
    const callbackErrors = firstValueFrom(
      transporter.errors$.pipe(
        filter((error) => error instanceof CallbackError),
        take(3),
        toArray(),
        timeout(WAIT_MS),
      ),
    );
    await transporter.connect(TOPIC);

    harness.hub.dropConnections();
    const secondJoin = harness.hub.waitForFrame(
      (frame) =>
        frame.direction === "out" &&
        frame.connectionId === "conn-2" &&
        frame.topic === TOPIC,
      WAIT_MS,
    );

    expect((await callbackErrors).map((error) => error.message)).toEqual([
      "The onOpen callback threw: open handler broke",
      "The onError callback threw: error handler broke",
      "The onOpen callback threw: open handler broke",
    ]);
    expect(await secondJoin).toMatchObject({
      event: "phx_reply",
      payload: { status: "ok" },
    });
  });
});
