// Whatever a backend throws becomes an ApiError, so screens handle one shape
// and branch on `code`, never on message text.
import { t } from "../i18n";
import type { ApiError, ErrorCode } from "./types";

const ERROR_CODES = [
  "invalid_input",
  "internal",
  "unauthorized",
  "forbidden",
  "not_found",
  "unreachable",
  "tenant_error",
  "cancelled",
] as const satisfies readonly ErrorCode[];
// Fails to compile when Rust adds a code that this list lacks.
type Missing = Exclude<ErrorCode, (typeof ERROR_CODES)[number]>;
const exhaustive: Missing extends never ? true : false = true;
void exhaustive;

export function isApiError(value: unknown): value is ApiError {
  if (typeof value !== "object" || value === null) return false;
  const { code, message } = value as Record<string, unknown>;
  return (
    typeof message === "string" &&
    typeof code === "string" &&
    (ERROR_CODES as readonly string[]).includes(code)
  );
}

export function toApiError(value: unknown): ApiError {
  if (isApiError(value)) return { code: value.code, message: value.message };
  if (typeof value === "string" && value.trim() !== "") {
    return { code: "internal", message: value };
  }
  if (value instanceof Error && value.message) {
    return { code: "internal", message: value.message };
  }
  return { code: "internal", message: t("app.unexpected") };
}
