import { describe, expect, it } from "vitest";
import type { TenantUrl } from "../backend";
import { fieldMessage, initialState, normalizedHint, reduce, type Action, type State } from "./chooseTenantState";

const tenant: TenantUrl = {
  url: "https://cloud.uipath.com/acme/DefaultTenant",
  host: "cloud.uipath.com",
  organization: "acme",
  tenant: "DefaultTenant",
  loopback: false,
};
const httpError = { code: "invalid_input" as const, message: "Use https:// for a tenant URL." };

function run(...actions: Action[]): State {
  return actions.reduce(reduce, initialState);
}

describe("choose-tenant form", () => {
  it("does not show a validation message while the user is still typing", () => {
    const s = run(
      { type: "edited", input: "http://example.com" },
      { type: "checked", input: "http://example.com", result: { ok: false, error: httpError } },
    );
    expect(s.check.status).toBe("invalid");
    expect(fieldMessage(s)).toBeNull();
  });

  it("shows the message once the user leaves the field", () => {
    const s = run(
      { type: "edited", input: "http://example.com" },
      { type: "checked", input: "http://example.com", result: { ok: false, error: httpError } },
      { type: "left" },
    );
    expect(fieldMessage(s)).toBe(httpError.message);
  });

  it("shows the message after submitting, even if the field was never left", () => {
    const s = run(
      { type: "edited", input: "http://example.com" },
      { type: "submitted", pending: "signIn" },
      { type: "checked", input: "http://example.com", result: { ok: false, error: httpError } },
      { type: "finished" },
    );
    expect(fieldMessage(s)).toBe(httpError.message);
    expect(s.pending).toBe("none");
  });

  it("ignores an answer that belongs to an older input", () => {
    const s = run(
      { type: "edited", input: "http://example.com" },
      { type: "left" },
      { type: "edited", input: "https://cloud.uipath.com/acme/DefaultTenant" },
      { type: "checked", input: "http://example.com", result: { ok: false, error: httpError } },
    );
    expect(fieldMessage(s)).toBeNull();
    expect(s.check.status).toBe("idle");
  });

  it("hints at the normalized address once valid", () => {
    const input = "cloud.uipath.com/acme/DefaultTenant/orchestrator_/";
    const s = run({ type: "edited", input }, { type: "checked", input, result: { ok: true, tenant } });
    expect(normalizedHint(s)).toBe(tenant.url);
  });

  it("keeps a sign-in failure until the input changes", () => {
    const failure = { code: "cancelled" as const, message: "The sign-in was cancelled." };
    const failed = run(
      { type: "edited", input: tenant.url },
      { type: "submitted", pending: "signIn" },
      { type: "failed", error: failure },
    );
    expect(failed.failure).toEqual(failure);
    expect(failed.pending).toBe("none");
    expect(reduce(failed, { type: "left" }).failure).toEqual(failure);
    expect(reduce(failed, { type: "edited", input: `${tenant.url}x` }).failure).toBeNull();
  });

  it("does not mark an empty field as touched", () => {
    expect(run({ type: "left" }).touched).toBe(false);
  });
});
