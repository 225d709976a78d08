/**
 * A channel's options: what may be given, their defaults, and the checks
 * made when the channel is created.
 */
import {
  assertCount,
  assertPositiveMs,
  assertSchedule,
} from "./assert-options.js";
import { DEFAULT_REJOIN_STEPS_MS } from "./backoff.js";

/**
 * How a channel behaves; every field has a default.
 *
 * @example
 * ```ts
 * const options: ChannelOptions = { joinTimeoutMs: 5_000, pushBufferSize: 50 };
 * ```
 */
export interface ChannelOptions {
  /** Join params; a function is called again on every (re)join. */
  params?: object | (() => object);
  /** How long a join may wait, socket open included. Default 10 000 ms. */
  joinTimeoutMs?: number;
  /** Default timeout of a push, counted from the call. Default 10 000 ms. */
  pushTimeoutMs?: number;
  /** How long a leave waits for its reply. Default 10 000 ms. */
  leaveTimeoutMs?: number;
  /**
   * The rejoin schedule after a crash or a failed rejoin; the last step
   * repeats. Default 1000, 2000, 5000, then 10 000 ms.
   */
  rejoinStepsMs?: readonly number[];
  /** How many pushes may wait while not joined. Default 100. */
  pushBufferSize?: number;
}

/** Every option with its value, params as a function. */
export type ResolvedChannelOptions = Required<
  Omit<ChannelOptions, "params">
> & {
  params: () => object;
};

/** Join params as a function; channels without params share one. */
function paramsReader(params: ChannelOptions["params"]): () => object {
  if (typeof params === "function") return params as () => object;
  if (params === undefined) return noParams;

  return () => params;
}

function noParams(): object {
  return {};
}

/**
 * Fills in the defaults and checks every option.
 *
 * @throws {TypeError} naming the first option that cannot work.
 * @example
 * ```ts
 * resolveChannelOptions({ joinTimeoutMs: 5_000 }).pushTimeoutMs; // 10000
 * ```
 */
export function resolveChannelOptions(
  options: ChannelOptions,
): ResolvedChannelOptions {
  const resolved: ResolvedChannelOptions = {
    params: paramsReader(options.params),
    joinTimeoutMs: options.joinTimeoutMs ?? 10_000,
    pushTimeoutMs: options.pushTimeoutMs ?? 10_000,
    leaveTimeoutMs: options.leaveTimeoutMs ?? 10_000,
    rejoinStepsMs: options.rejoinStepsMs ?? DEFAULT_REJOIN_STEPS_MS,
    pushBufferSize: options.pushBufferSize ?? 100,
  };

  for (const name of [
    "joinTimeoutMs",
    "pushTimeoutMs",
    "leaveTimeoutMs",
  ] as const) {
    assertPositiveMs(name, resolved[name]);
  }
  assertSchedule("rejoinStepsMs", resolved.rejoinStepsMs);
  assertCount("pushBufferSize", resolved.pushBufferSize);

  return resolved;
}
