// A backend for the browser (dev server, Playwright specs). Its tenant-URL
// rules follow crates/core/src/tenant_url.rs; fake.test.ts runs it over the
// same case table as the Rust tests, so the two cannot drift apart silently.
import type { ApiError, Backend, TenantUrl } from "./types";

function invalid(message: string): ApiError {
  return { code: "invalid_input", message };
}

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

export function fakeCheckTenantUrl(input: string): TenantUrl {
  const text = input.trim();
  if (text === "") throw invalid("Enter your tenant's URL, for example https://cloud.uipath.com/acme/DefaultTenant.");
  const withScheme = text.includes("://") ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw invalid("That is not a URL. Copy the address of your tenant from the browser.");
  }
  if (url.hostname === "") throw invalid("That is not a URL. Copy the address of your tenant from the browser.");
  const scheme = url.protocol.replace(/:$/, "");
  const loopback = isLoopback(url.hostname);
  if (scheme === "http" && !loopback) {
    throw invalid(
      "Use https:// for a tenant URL. Plain http:// is only accepted for a tenant on this computer (127.0.0.1 or localhost).",
    );
  }
  if (scheme !== "https" && scheme !== "http") throw invalid(`A tenant URL starts with https://, not ${scheme}://.`);
  if (url.username || url.password) {
    throw invalid("Remove the user name and password from the URL: you sign in on the next step, never in the address.");
  }
  const host = url.hostname.toLowerCase();
  let segments = url.pathname.split("/").filter((s) => s !== "");
  const service = segments.findIndex((s) => s.endsWith("_"));
  if (service >= 0) segments = segments.slice(0, service);
  if (host === "uipath.com" || host.endsWith(".uipath.com")) {
    const [org] = segments;
    if (org === undefined) throw invalid(`Add your organization and tenant to the address, for example https://${host}/acme/DefaultTenant.`);
    if (segments.length === 1) {
      throw invalid(`Add the tenant name after the organization, for example https://${host}/${org}/DefaultTenant.`);
    }
    segments = segments.slice(0, 2);
  }
  const base = `${scheme}://${url.host.toLowerCase()}`;
  return {
    url: [base, ...segments].join("/"),
    host,
    organization: segments[0] ?? null,
    tenant: segments[1] ?? null,
    loopback,
  };
}

export const fakeBackend: Backend = {
  kind: "fake",
  async checkTenantUrl(url) {
    return fakeCheckTenantUrl(url);
  },
  async connectTenant(url) {
    const tenant = fakeCheckTenantUrl(url);
    throw {
      code: "not_available",
      message: `Signing in to ${tenant.host} is not available in this build yet. Meanwhile, the command-line tool can check tenant URLs: connassist --help.`,
    } satisfies ApiError;
  },
  async startSandbox() {
    throw {
      code: "not_available",
      message: "The sandbox tenant is not available in this build yet. Enter your tenant's URL to continue.",
    } satisfies ApiError;
  },
};
