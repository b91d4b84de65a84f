// The only module that imports @tauri-apps/*: the desktop app's IPC. Every
// command comes from the generated COMMANDS table (src/bindings/Commands.ts,
// from src-tauri/src/command_table.rs): its name over IPC and its arguments'
// names, so no command is named here. Callbacks travel as Tauri channels.
import { Channel, invoke } from "@tauri-apps/api/core";
import { save } from "@tauri-apps/plugin-dialog";
import { COMMANDS, type Commands } from "../bindings/Commands";
import { toApiError } from "./errors";
import type { Backend } from "./types";

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toApiError(e);
  }
}

/** An argument as IPC carries it: a callback becomes a channel to it, a left-out value null. */
function toIpc(value: unknown): unknown {
  if (typeof value === "function") {
    const channel = new Channel<unknown>();
    channel.onmessage = value as (message: unknown) => void;
    return channel;
  }
  return value === undefined ? null : value;
}

/** The method of `method`'s command: positional values to the named arguments it sends. */
function invoker(method: keyof Commands) {
  const { command, args } = COMMANDS[method];
  return (...values: unknown[]) => call<unknown>(command, Object.fromEntries(args.map((name, i) => [name, toIpc(values[i])])));
}

// Built from COMMANDS, whose keys the generated type makes exactly those of
// Commands; the methods' types are the interface's.
const commands = Object.fromEntries((Object.keys(COMMANDS) as (keyof Commands)[]).map((method) => [method, invoker(method)])) as unknown as Commands;

export const tauriBackend: Backend = {
  ...commands,
  kind: "tauri",
  saveHealthExport: async (format) => {
    const path = await save({
      defaultPath: `connections-health.${format}`,
      filters: [{ name: format === "csv" ? "CSV" : "JSON", extensions: [format] }],
    });
    if (path === null) return null;
    const rows = await commands.exportHealth(path, format);
    return { path, rows };
  },
};

export function inTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}
