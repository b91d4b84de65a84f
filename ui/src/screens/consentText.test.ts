import { expect, it } from "vitest";
import type { ReconnectProgress } from "../backend";
import { scopeLines } from "./consentText";

function progress(status: ReconnectProgress["status"], added: string[], granted: string[] | null): ReconnectProgress {
  return {
    sessionId: "s",
    status,
    identity: null,
    previousIdentity: null,
    scopes: { added, dropped: [], granted },
    failure: null,
    adminConsentUrl: null,
    otherAccount: false,
  };
}

it("names new permissions before a reconnect's consent, and only what was granted once it completed", () => {
  expect(scopeLines(progress("pending", ["Mail.Send"], null), "reconnect")).toEqual(["Asks for new permissions: Mail.Send."]);
  const done = scopeLines(progress("completed", ["profile", "email"], ["openid", "profile", "email"]), "reconnect");
  expect(done).toEqual(["Permissions granted: openid, profile, email."]);
  expect(done.join(" ")).not.toContain("Asks for");
});

it("does not call every permission of a new connection new, and lists what the consent granted", () => {
  const nine = ["openid", "profile", "email", "offline_access", "Mail.Read", "Mail.Send", "User.Read", "Files.Read", "Sites.Read.All"];
  expect(scopeLines(progress("pending", nine, null), "create")).toEqual([]);
  expect(scopeLines(progress("completed", nine, ["Mail.Read", "Mail.Send"]), "create")).toEqual(["Permissions granted: Mail.Read, Mail.Send."]);
});

it("says nothing about permissions after a failure", () => {
  expect(scopeLines(progress("failed", ["Mail.Send"], null), "reconnect")).toEqual([]);
});
