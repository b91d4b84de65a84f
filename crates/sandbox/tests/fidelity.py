"""Drives the official UiPath Python client (uipath-platform) against the sandbox.

Run by tests/fidelity.rs with UIPATH_URL, UIPATH_ACCESS_TOKEN (a token the
sandbox issued to alex) and FIDELITY_EXPECT (a JSON file of seeded facts).
Every call must succeed and return the seeded data; any mismatch raises.
"""
import json
import os
import sys

from uipath.platform import UiPath
from uipath.platform.errors import FolderNotFoundException

expect = json.load(open(os.environ["FIDELITY_EXPECT"]))
sdk = UiPath()
checked = []


def check(label, got, want):
    if got != want:
        raise AssertionError(f"{label}: got {got!r}, want {want!r}")
    checked.append(label)


# Folders: path -> key, a folder the user may not see, the personal workspace.
check("folders.retrieve_key(Shared)", sdk.folders.retrieve_key(folder_path="Shared"), expect["shared_key"])
try:
    sdk.folders.retrieve_folder_key("Finance")
    raise AssertionError("Finance must not be visible to alex")
except FolderNotFoundException:
    checked.append("folders.retrieve_folder_key(Finance) is not found")
ws = sdk.folders.get_personal_workspace()
check("folders.get_personal_workspace()", ws.fully_qualified_name if hasattr(ws, "fully_qualified_name") else ws["FullyQualifiedName"], expect["workspace"])

# Connections in a folder, filtered, one by id, and across folders.
shared = sdk.connections.list(folder_path="Shared")
check("connections.list(Shared)", sorted(c.name for c in shared), sorted(expect["shared_connections"]))
robots = sdk.connections.list(folder_path="Shared", name="robot", connector_key="uipath-microsoft-outlook365")
check("connections.list(Shared, name, connector_key)", sorted(c.name for c in robots), sorted(expect["robot_connections"]))
one = sdk.connections.retrieve(expect["expired_id"])
check("connections.retrieve(id).state", one.state, "Expired")
check("connections.retrieve(id).connectionIdentity", one.connection_identity, "robot-prod-02@contoso.example")
check("connections.retrieve(id).folder.key", one.folder["key"], expect["shared_key"])
everything = sdk.connections._parse_and_validate_list_response(
    sdk.connections.request("GET", "/connections_/api/v1/Connections", params={"$expand": "connector,folder"})
)
check("Connections (all folders)", sorted(c.name for c in everything), sorted(expect["all_connections"]))

# Processes, as the uipath CLI and raw OData callers list them.
releases = sdk.api_client.request(
    "GET", "/orchestrator_/odata/Releases", params={"$top": 25}, headers={"x-uipath-folderpath": "Shared"}
).json()
check("odata/Releases (Shared)", sorted(r["Name"] for r in releases["value"]), sorted(expect["shared_processes"]))
listed = sdk.api_client.request(
    "GET",
    "/orchestrator_/odata/Releases/UiPath.Server.Configuration.OData.ListReleases",
    params={"$select": "Id,Key,ProcessVersion", "$top": 25, "$filter": f"ProcessKey eq '{expect['dispatcher_process_key']}'"},
    headers={"x-uipath-organizationunitid": str(expect["shared_id"])},
).json()
check("ListReleases by ProcessKey", [r["ProcessVersion"] for r in listed["value"]], ["1.0.4"])

print(json.dumps({"uipath_platform_checks": checked}))
sys.exit(0)
