/**
 * atomemo-transporter: the Phoenix Channels transport between an Atomemo
 * plugin process and the Atomemo Hub, modelled as RxJS observables.
 *
 * @packageDocumentation
 */
export const VERSION = "0.1.0";
