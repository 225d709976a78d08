/**
 * Types for the `Serializer` that the `phoenix` package exports at run time
 * but `@types/phoenix` does not declare. Only the members this project calls
 * are typed.
 */
import "phoenix";

declare module "phoenix" {
  /** A message as phoenix's serializer reads and writes it. */
  export interface SerializedMessage {
    join_ref: string | null;
    ref: string | null;
    topic: string;
    event: string;
    // biome-ignore lint/suspicious/noExplicitAny: payloads are arbitrary JSON
    payload: any;
  }

  /** Phoenix's wire format, version 2: JSON arrays and binary frames. */
  export const Serializer: {
    HEADER_LENGTH: number;
    META_LENGTH: number;
    KINDS: { push: number; reply: number; broadcast: number };
    encode<T>(
      message: SerializedMessage,
      callback: (frame: string | ArrayBuffer) => T,
    ): T;
    decode<T>(
      frame: string | ArrayBuffer,
      callback: (message: SerializedMessage) => T,
    ): T;
  };
}
