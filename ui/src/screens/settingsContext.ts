// The user's settings, loaded once after sign-in and shared by every screen
// that opens a consent (which browser, per connector). Saving goes through the
// backend, which checks the values; the context then holds what was saved.
import { createContext, useContext } from "react";
import type { Settings } from "../backend";

export interface SettingsHandle {
  settings: Settings;
  save: (next: Settings) => Promise<void>;
}

export const DEFAULT_SETTINGS: Settings = { consentTimeoutSecs: 600, systemBrowserConnectors: [], backgroundCheckMinutes: 30, redirectPorts: [], extendedSandbox: false };

export const SettingsContext = createContext<SettingsHandle>({ settings: DEFAULT_SETTINGS, save: async () => {} });

export function useSettings(): SettingsHandle {
  return useContext(SettingsContext);
}

/** Whether a connector's consent opens in the system browser by default. */
export function systemBrowserFor(settings: Settings, connectorKey: string, connectorPrefers: boolean): boolean {
  return connectorPrefers || settings.systemBrowserConnectors.some((k) => k.toLowerCase() === connectorKey.toLowerCase());
}

/** The settings with `connectorKey` always (or no longer) in the system browser. */
export function withSystemBrowser(settings: Settings, connectorKey: string, always: boolean): Settings {
  const others = settings.systemBrowserConnectors.filter((k) => k.toLowerCase() !== connectorKey.toLowerCase());
  return { ...settings, systemBrowserConnectors: always ? [...others, connectorKey].sort() : others };
}
