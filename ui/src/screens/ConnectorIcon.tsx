// A recognisable mark per connector, drawn here: the tenant's connector
// images need a signed-in request the page cannot make. Used by the list and
// the new-connection catalogue.
const CONNECTOR_MARKS: Record<string, [string, string]> = {
  "uipath-microsoft-outlook365": ["Ol", "#0a64c8"],
  "uipath-microsoft-onedrive": ["OD", "#0f78d4"],
  "uipath-microsoft-teams": ["Te", "#5b5fc7"],
  "uipath-microsoft-azureactivedirectory": ["En", "#0067b8"],
  "uipath-google-gmail": ["Gm", "#d93025"],
  "uipath-google-drive": ["GD", "#188038"],
  "uipath-salesforce-sfdc": ["Sf", "#00a1e0"],
  "uipath-salesforce-slack": ["Sl", "#611f69"],
};

export function ConnectorIcon({ connectorKey, name }: { connectorKey: string; name: string }) {
  const [text, color] = CONNECTOR_MARKS[connectorKey] ?? [
    name.replace(/[^A-Za-z0-9 ]/g, "").split(" ").filter(Boolean).slice(-1)[0]?.slice(0, 2) ?? "?",
    "#59636e",
  ];
  return (
    <span className="connector-icon" style={{ background: color }} aria-hidden="true">
      {text}
    </span>
  );
}
