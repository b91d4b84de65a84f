import { describe, expect, it } from "vitest";
import { isApiError, toApiError } from "./errors";

describe("toApiError", () => {
  it("keeps a {code, message} error from Rust as it is", () => {
    const err = { code: "invalid_input", message: "Use https://." };
    expect(isApiError(err)).toBe(true);
    expect(toApiError(err)).toEqual(err);
  });

  it("drops fields beyond code and message", () => {
    expect(toApiError({ code: "cancelled", message: "Later.", stack: "x" })).toEqual({
      code: "cancelled",
      message: "Later.",
    });
  });

  it("treats an unknown code as not an ApiError", () => {
    const err = { code: "teapot", message: "I am one." };
    expect(isApiError(err)).toBe(false);
    expect(toApiError(err).code).toBe("internal");
  });

  it("turns a bare string (Tauri's own errors) into an internal error with that text", () => {
    expect(toApiError("command check_tenant_url not allowed")).toEqual({
      code: "internal",
      message: "command check_tenant_url not allowed",
    });
  });

  it("turns an Error into an internal error with its message", () => {
    expect(toApiError(new TypeError("boom"))).toEqual({ code: "internal", message: "boom" });
  });

  it("never returns an empty message", () => {
    for (const v of [undefined, null, 42, "", "  ", new Error("")]) {
      expect(toApiError(v).message.length).toBeGreaterThan(20);
    }
  });
});
