// Dates and numbers as the user's locale writes them, through Intl: one
// absolute form with the relative one beside it ("6 Dec 2026, 14:39 (3 days
// ago)"), so the list, the details, the health view and the queue agree.
import { i18n } from "./index";

const supported = new Map<string, string | undefined>();

function locale(): string | undefined {
  // The catalogue's language decides the words; the browser's locale the
  // date order (en-GB and en-US read the same English words). A webview
  // started with LANG=C reports a tag Intl refuses ("c"): then Intl's own
  // default, never a RangeError that blanks the window.
  const wanted = typeof navigator !== "undefined" && navigator.language ? navigator.language : i18n.language;
  if (!supported.has(wanted)) {
    let found: string | undefined;
    try {
      found = Intl.DateTimeFormat.supportedLocalesOf([wanted])[0];
    } catch {
      found = undefined;
    }
    supported.set(wanted, found);
  }
  return supported.get(wanted);
}

// Building an Intl formatter costs far more than using one, and a table of
// thousands of rows formats dates on every redraw: each is built once per
// locale and kind.
const formatters = new Map<string, unknown>();
function formatter<T>(kind: string, make: (locale: string | undefined) => T): T {
  const where = locale();
  const key = `${kind}|${where ?? ""}`;
  if (!formatters.has(key)) formatters.set(key, make(where));
  return formatters.get(key) as T;
}
const relativeFormat = () => formatter("relative", (l) => new Intl.RelativeTimeFormat(l, { numeric: "auto" }));
const dateTimeFormat = () => formatter("dateTime", (l) => new Intl.DateTimeFormat(l, { dateStyle: "medium", timeStyle: "short" }));
const dayFormat = () => formatter("day", (l) => new Intl.DateTimeFormat(l, { dateStyle: "medium" }));
const numberFormat = () => formatter("number", (l) => new Intl.NumberFormat(l));

const DAY = 86_400_000;

/** "3 days ago", "in 2 hours", "now". */
export function relative(iso: string, now: number = Date.now()): string {
  const ms = new Date(iso).getTime() - now;
  const rtf = relativeFormat();
  const abs = Math.abs(ms);
  if (abs >= DAY) return rtf.format(Math.round(ms / DAY), "day");
  if (abs >= 3_600_000) return rtf.format(Math.round(ms / 3_600_000), "hour");
  if (abs >= 60_000) return rtf.format(Math.round(ms / 60_000), "minute");
  return rtf.format(0, "second");
}

/** A date and time, absolute with the relative beside it; `null` reads "never". */
export function dateTime(iso: string | null, now: number = Date.now()): string {
  if (!iso) return i18n.t("date.never");
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const abs = dateTimeFormat().format(d);
  return `${abs} (${relative(iso, now)})`;
}

/** A calendar day (an expiry: "16 Dec 2026 (in 10 days)"). */
export function day(iso: string | null, now: number = Date.now()): string {
  if (!iso) return i18n.t("date.never");
  // A bare YYYY-MM-DD is that day where the user is, not midnight UTC.
  const d = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T00:00:00`) : new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const abs = dayFormat().format(d);
  return `${abs} (${relative(d.toISOString(), now)})`;
}

/** Only the relative form, for a table cell ("3 days ago", "never"). */
export function since(iso: string | null, now: number = Date.now()): string {
  if (!iso) return i18n.t("date.never");
  return Number.isNaN(new Date(iso).getTime()) ? iso : relative(iso, now);
}

/** A count as the locale groups digits. */
export function count(n: number): string {
  return numberFormat().format(n);
}
