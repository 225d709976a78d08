/**
 * The logger the engine writes to: the four levels of pino, each called
 * with a structured record first and a message second. A pino logger fits
 * as it is; the default writes nothing.
 *
 * @example
 * ```ts
 * import pino from "pino";
 * const logger: Logger = pino();
 * logger.info({ topic: "room:1" }, "joined");
 * ```
 */
export interface Logger {
  debug(record: object, message: string): void;
  info(record: object, message: string): void;
  warn(record: object, message: string): void;
  error(record: object, message: string): void;
}

/**
 * A logger that drops everything: the engine's default, since a library
 * should be silent unless asked.
 *
 * @example
 * ```ts
 * createSocket({ url, logger: silentLogger });
 * ```
 */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
