// The string catalogue: every word the UI shows comes from `en.json` through
// i18next, so a translation is a new file beside it, not a code change.
// English only for now. Dates and numbers are formatted by `Intl` for the
// user's locale (format.ts), never by hand.
import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import en from "./en.json";

export const resources = { en: { translation: en } } as const;

// Initialised synchronously (resources are bundled), so the first render and
// tests outside React read the same catalogue.
void i18next.use(initReactI18next).init({
  resources,
  lng: "en",
  fallbackLng: "en",
  initAsync: false,
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
  showSupportNotice: false,
});

export const i18n = i18next;
/** Looks a key up outside React (state modules, tests). */
export const t = i18next.t.bind(i18next);
