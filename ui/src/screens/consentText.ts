// What the consent panel says about permissions, decided here so it is
// tested without a window. Before the user consents to a reconnect, the
// difference from the previous grant; once it completed, only what was
// granted (a reconnect where the provider asked nothing must not still read
// "Asks for new permissions"); for a new connection there is no previous
// grant, so nothing is "new": the provider's own page says what it asks.
import type { ReconnectProgress } from "../backend";
import { t } from "../i18n";

export type ConsentPurpose = "reconnect" | "create";

export function scopeLines(progress: ReconnectProgress | null, purpose: ConsentPurpose): string[] {
  if (!progress) return [];
  const { added, dropped, granted } = progress.scopes;
  if (progress.status === "completed") {
    return granted && granted.length > 0 ? [t("consent.granted", { scopes: granted.join(", ") })] : [];
  }
  if (progress.status !== "pending" || purpose === "create") return [];
  const lines: string[] = [];
  if (added.length > 0) lines.push(t("consent.asksFor", { scopes: added.join(", ") }));
  if (dropped.length > 0) lines.push(t("consent.noLongerAsks", { scopes: dropped.join(", ") }));
  return lines;
}
