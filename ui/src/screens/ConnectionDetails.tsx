// The connection's details pane: what it is and what it was made with (the
// shared mailbox it reads, the permissions it was granted, how it
// authenticates in the same words as the list), reconnecting it, its secret's
// expiry, and, for the user's own connection, the attended processes it could
// run with ("Your attended processes"), chosen right here.
import { useTranslation } from "react-i18next";
import type { Backend, ConnectionRow, Selections } from "../backend";
import { dateTime } from "../i18n/format";
import type { CheckedStatus } from "../signedInState";
import { bindingsFor, chosen, type AttendedBinding } from "./attendedState";
import { Reconnect } from "./Reconnect";
import { SecretExpiry } from "./SecretExpiry";

/** What the details need to offer the attended choice. */
export interface AttendedChoice {
  bindings: AttendedBinding[];
  selections: Selections | null;
  own: ConnectionRow[];
  onChoose: (releaseKey: string, bindingKey: string, connectionId: string | null) => void;
}

/** The authentication's display name, from the typed kind Rust decided. */
export function authName(t: (key: string) => string, row: ConnectionRow): string {
  return row.authKind ? t(`auth.${row.authKind}`) : row.authLabel || t("details.permissionsNotReported");
}

function AttendedHere({ row, choice }: { row: ConnectionRow; choice: AttendedChoice }) {
  const { t } = useTranslation();
  const here = bindingsFor(choice.bindings, row);
  if (here.length === 0) return null;
  return (
    <section className="attended-here" id="attended-here" aria-labelledby="attended-here-title">
      <h3 id="attended-here-title">{t("attended.inDetailsTitle")}</h3>
      <ul>
        {here.map((b) => {
          const current = chosen(choice.selections, b);
          const other = choice.own.find((r) => r.id === current);
          return (
            <li key={`${b.releaseKey}/${b.bindingKey}`} data-process={b.process}>
              <b>{t("attended.processIn", { name: b.process, folder: b.folderPath })}</b>{" "}
              {current === row.id ? (
                <span className="attended-state">{t("attended.usesThis")}</span>
              ) : (
                <>
                  <span className="attended-state">{other ? t("attended.usesOther", { name: other.name }) : t("attended.asksAtRunTime")}</span>{" "}
                  <button type="button" className="secondary narrow attended-use" onClick={() => choice.onChoose(b.releaseKey, b.bindingKey, row.id)}>
                    {t("attended.useThis")}
                  </button>
                </>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function ConnectionDetails({
  row,
  chosenFor,
  backend,
  onChanged,
  attended,
  checked,
  paneRef,
  width,
  onBack,
}: {
  row: ConnectionRow;
  /** Its latest check in Health, if any. */
  checked?: CheckedStatus;
  chosenFor: string[];
  backend: Backend;
  onChanged: () => void;
  attended?: AttendedChoice;
  /** The pane itself, for focus (Enter on a row moves focus here). */
  paneRef?: React.Ref<HTMLElement>;
  /** Its width in pixels, as the separator beside it sets it. */
  width?: number;
  /** Escape: keyboard focus goes back to the row. */
  onBack?: () => void;
}) {
  const { t } = useTranslation();
  const fields: [string, string, string][] = [
    ["state", t("details.state"), t("details.stateReported", { state: t(`state.${row.state}`) })],
    ["connector", t("details.connector"), `${row.connectorName} (${row.connectorKey})`],
    ["acts-as", t("details.actsAs"), row.identity || t("details.nobody")],
    ["owner", t("details.owner"), row.ownerLabel],
    ["folder", t("details.folder"), row.folder.personal ? t("details.personalWorkspace", { path: row.folder.path }) : row.folder.path],
    ["default", t("details.isDefault"), row.isDefault ? t("details.yes") : t("details.no")],
    ["authentication", t("details.authentication"), authName(t, row)],
    ["permissions", t("details.permissions"), row.scopes === null ? t("details.permissionsNotReported") : row.scopes.join(", ") || t("details.nobody")],
    ["last-used", t("details.lastUsed"), dateTime(row.lastUsed)],
    ["updated", t("details.updated"), dateTime(row.updated)],
    ["id", t("details.id"), row.id],
  ];
  if (checked) {
    const value = t("details.lastCheckValue", { status: t(`status.${checked.status}`), cause: checked.cause, when: dateTime(checked.checkedAt) });
    fields.splice(1, 0, ["last-check", t("details.lastCheck"), value]);
  }
  // The mailbox it reads instead of the account's own, where it was set.
  if (row.sharedMailbox) {
    const after = fields.findIndex(([id]) => id === "authentication") + 1;
    fields.splice(after, 0, ["shared-mailbox", t("details.sharedMailbox"), row.sharedMailbox]);
  }
  if (chosenFor.length > 0) fields.splice(2, 0, ["chosen-for", t("details.chosenFor"), chosenFor.join(", ")]);
  return (
    <aside
      className="detail"
      id="detail"
      aria-label={t("details.label", { name: row.name })}
      ref={paneRef}
      tabIndex={-1}
      style={width === undefined ? undefined : { flexBasis: width, width }}
      onKeyDown={(e) => {
        if (!onBack || e.key !== "Escape" || e.defaultPrevented) return;
        e.preventDefault();
        onBack();
      }}
    >
      <h2>{row.name}</h2>
      <Reconnect key={row.id} backend={backend} row={row} onChanged={onChanged} />
      <SecretExpiry key={`expiry-${row.id}`} backend={backend} row={row} />
      {attended && <AttendedHere row={row} choice={attended} />}
      <dl>
        {fields.map(([id, k, v]) => (
          <div key={id} data-field={id}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </aside>
  );
}
