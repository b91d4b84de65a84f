import { describe, expect, it } from "vitest";
import type { ConnectorInfo } from "../backend";
import { searchConnectors } from "./newConnectionState";
import { DEFAULT_SETTINGS, systemBrowserFor, withSystemBrowser } from "./settingsContext";

const connector = (key: string, name: string, description = ""): ConnectorInfo => ({
  key,
  name,
  description,
  authTypes: ["delegated"],
  supportsSharedMailbox: false,
  preferSystemBrowser: false,
  connectionCount: null,
});

describe("the connector catalogue search", () => {
  const all = [
    connector("uipath-microsoft-outlook365", "Microsoft Outlook 365", "Mail and calendar"),
    connector("uipath-google-gmail", "Gmail", "Google mail"),
    connector("uipath-salesforce-slack", "Slack"),
  ];
  it("matches every word in name, key or description, in any case", () => {
    expect(searchConnectors(all, "").map((c) => c.name)).toEqual(["Microsoft Outlook 365", "Gmail", "Slack"]);
    expect(searchConnectors(all, "MAIL").map((c) => c.name)).toEqual(["Microsoft Outlook 365", "Gmail"]);
    expect(searchConnectors(all, "google mail").map((c) => c.name)).toEqual(["Gmail"]);
    expect(searchConnectors(all, "salesforce").map((c) => c.name)).toEqual(["Slack"]);
    expect(searchConnectors(all, "teams")).toEqual([]);
  });
});

describe("the system browser default per connector", () => {
  it("is the connector's preference or the user's choice, which can be taken back", () => {
    expect(systemBrowserFor(DEFAULT_SETTINGS, "uipath-google-gmail", true)).toBe(true);
    expect(systemBrowserFor(DEFAULT_SETTINGS, "uipath-salesforce-slack", false)).toBe(false);
    const chosen = withSystemBrowser(DEFAULT_SETTINGS, "uipath-salesforce-slack", true);
    expect(systemBrowserFor(chosen, "UIPATH-SALESFORCE-SLACK", false)).toBe(true);
    expect(withSystemBrowser(chosen, "uipath-salesforce-slack", true).systemBrowserConnectors).toEqual(["uipath-salesforce-slack"]);
    expect(systemBrowserFor(withSystemBrowser(chosen, "uipath-salesforce-slack", false), "uipath-salesforce-slack", false)).toBe(false);
  });
});
