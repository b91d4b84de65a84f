// The IPC contract as the UI sees it: Commands.ts is generated from
// src-tauri/src/command_table.rs, and both backends must implement it. `tsc`
// (`npm run build`, CI's first UI step) checks the expected type errors
// below: were a missing or misspelt command, or an argument of the wrong
// type, accepted, tsc would fail on the unused directive.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { COMMANDS, type Commands } from "../bindings/Commands";
import { fakeBackend } from "./fake";
import { tauriBackend } from "./tauri";
import type { Backend } from "./types";

const methods = Object.keys(COMMANDS) as (keyof Commands)[];

describe("the generated command client", () => {
  it("is implemented by both backends, every command a function", () => {
    expect(methods.length).toBeGreaterThanOrEqual(27);
    for (const method of methods) {
      expect(typeof fakeBackend[method], `fake ${method}`).toBe("function");
      expect(typeof tauriBackend[method], `tauri ${method}`).toBe("function");
    }
  });

  it("refuses, at compile time, a backend without a command, a misspelt one and a wrong argument", () => {
    const { resetSandbox, ...withoutReset } = fakeBackend;
    // @ts-expect-error: a backend lacking resetSandbox is not a Backend.
    const incomplete: Backend = withoutReset;
    // @ts-expect-error: there is no command resetSandbx.
    const misspelt: unknown = fakeBackend.resetSandbx;
    // @ts-expect-error: checkTenantUrl takes the URL as a string.
    const wrongArgument = () => fakeBackend.checkTenantUrl(42);
    expect(typeof resetSandbox).toBe("function");
    expect("resetSandbox" in incomplete).toBe(false);
    expect(misspelt).toBeUndefined();
    expect(typeof wrongArgument).toBe("function");
  });
});

describe("the Tauri backend", () => {
  beforeAll(() => {
    // @tauri-apps/api/mocks plays the app's side on `window`; Node has none.
    Object.assign(globalThis, { window: globalThis });
  });
  afterEach(() => clearMocks());

  it("sends each command by its IPC name with its named arguments, callbacks as channels and left-out values as null", async () => {
    const sent: { command: string; args: Record<string, unknown> }[] = [];
    mockIPC((command, args) => {
      sent.push({ command, args: args as Record<string, unknown> });
      return command === "check_tenant_url" ? { url: "https://cloud.uipath.com/acme/DefaultTenant" } : null;
    });
    const tenant = await tauriBackend.checkTenantUrl("cloud.uipath.com/acme/DefaultTenant");
    await tauriBackend.listConnections(() => {});
    await tauriBackend.chooseConnection("r1", "b1", null);
    await tauriBackend.resetSandbox();
    expect(tenant.url).toBe("https://cloud.uipath.com/acme/DefaultTenant");
    expect(sent.map((s) => s.command)).toEqual(["check_tenant_url", "list_connections", "choose_connection", "reset_sandbox"]);
    expect(sent[0]?.args).toEqual({ url: "cloud.uipath.com/acme/DefaultTenant" });
    expect(Object.keys(sent[1]?.args ?? {})).toEqual(["onEvent", "folder"]);
    expect(sent[1]?.args.folder).toBeNull();
    expect(typeof (sent[1]?.args.onEvent as { id?: unknown }).id).toBe("number");
    expect(sent[2]?.args).toEqual({ releaseKey: "r1", bindingKey: "b1", connectionId: null });
    expect(sent[3]?.args).toEqual({});
  });

  it("rejects with the backend's {code, message}", async () => {
    mockIPC(() => {
      throw { code: "invalid_input", message: "Use https:// for a tenant URL." };
    });
    await expect(tauriBackend.checkTenantUrl("http://example.com")).rejects.toEqual({ code: "invalid_input", message: "Use https:// for a tenant URL." });
  });
});
