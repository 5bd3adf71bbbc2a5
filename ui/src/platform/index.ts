// The platform facade: typed commands and the wire types, in one import.
export * from "./ipc";
export type * from "./generated/wire";
