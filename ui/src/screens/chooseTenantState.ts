// State of the "Choose a tenant" form, as a pure reducer so its rules are
// tested without a browser: a validation message appears only once the user
// has left the field or submitted (no nagging mid-typing), answers to an
// older input are ignored, and a submit error clears when the input changes.
import type { ApiError, TenantUrl } from "../backend";

export type Check =
  | { status: "idle" }
  | { status: "checking"; input: string }
  | { status: "valid"; input: string; tenant: TenantUrl }
  | { status: "invalid"; input: string; error: ApiError };

export type Pending = "none" | "signIn" | "sandbox";

export interface State {
  input: string;
  touched: boolean;
  check: Check;
  pending: Pending;
  /** The last sign-in or sandbox failure, shown as a banner. */
  failure: ApiError | null;
}

export type Action =
  | { type: "edited"; input: string }
  | { type: "left" }
  | { type: "checkStarted"; input: string }
  | { type: "checked"; input: string; result: { ok: true; tenant: TenantUrl } | { ok: false; error: ApiError } }
  | { type: "submitted"; pending: Exclude<Pending, "none"> }
  | { type: "failed"; error: ApiError }
  | { type: "finished" };

export const initialState: State = {
  input: "",
  touched: false,
  check: { status: "idle" },
  pending: "none",
  failure: null,
};

export function reduce(state: State, action: Action): State {
  switch (action.type) {
    case "edited":
      if (action.input === state.input) return state;
      return { ...state, input: action.input, failure: null, check: { status: "idle" } };
    case "left":
      return state.input.trim() === "" ? state : { ...state, touched: true };
    case "checkStarted":
      if (action.input !== state.input) return state;
      return { ...state, check: { status: "checking", input: action.input } };
    case "checked":
      if (action.input !== state.input) return state; // an answer to an older input
      return {
        ...state,
        check: action.result.ok
          ? { status: "valid", input: action.input, tenant: action.result.tenant }
          : { status: "invalid", input: action.input, error: action.result.error },
      };
    case "submitted":
      return { ...state, touched: true, pending: action.pending, failure: null };
    case "failed":
      return { ...state, pending: "none", failure: action.error };
    case "finished":
      return { ...state, pending: "none" };
  }
}

/** The message under the field, if any. */
export function fieldMessage(state: State): string | null {
  if (!state.touched || state.check.status !== "invalid") return null;
  return state.check.error.message;
}

/** The normalized address shown as a hint once the URL is valid. */
export function normalizedHint(state: State): string | null {
  return state.check.status === "valid" ? state.check.tenant.url : null;
}
