import { afterEach, beforeEach } from "vitest";
import {
  type HubOptions,
  startHub,
  type TestHub,
} from "../../../src/hub/index.js";
import {
  connectRaw,
  type RawClient,
  type RawClientOptions,
} from "./raw-client.js";

export interface HubFixture {
  readonly hub: TestHub;
  connect(options?: RawClientOptions): Promise<RawClient>;
}

/** A fresh hub per test; clients and hub are closed after each test. */
export function useHub(options?: HubOptions): HubFixture {
  let hub: TestHub | undefined;
  const clients: RawClient[] = [];

  beforeEach(async () => {
    hub = await startHub(options);
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await hub?.close();
    hub = undefined;
  });

  return {
    get hub() {
      if (!hub) throw new Error("hub fixture used outside a test");
      return hub;
    },
    async connect(clientOptions) {
      if (!hub) throw new Error("hub fixture used outside a test");
      const client = await connectRaw(hub, clientOptions);
      clients.push(client);
      return client;
    },
  };
}
