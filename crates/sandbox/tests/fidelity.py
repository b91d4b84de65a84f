"""Drives the official UiPath Python clients (uipath-platform, and the `uipath`
CLI's own helpers) against the sandbox's documented profile.

Run by tests/fidelity.rs with UIPATH_URL, UIPATH_ACCESS_TOKEN (a token the
sandbox issued to alex through the `uipath` CLI's own client, as `uipath auth`
gets one) and FIDELITY_EXPECT (a JSON file of seeded facts). Every call must
succeed, parse into the SDK's models and return the seeded data with its
fields populated; any mismatch raises.
"""
import asyncio
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


# Jobs: a folder's jobs as the SDK lists them (the documented rate limit
# counts these), fields populated; one job by key (GetByKey).
def dump(model):
    return model.model_dump(by_alias=True)

faulted = sdk.jobs.list(folder_path="Shared", filter="State eq 'Faulted'", orderby="CreationTime desc").items
check("jobs.list(Shared, Faulted) count", len(faulted), expect["shared_faulted_jobs"])
for job in map(dump, faulted):
    for field in ("Key", "FolderKey", "Robot", "Release", "Info", "JobPriority", "CreationTime"):
        if not job.get(field):
            raise AssertionError(f"jobs.list: {field} is empty in {job}")
    if "Error code" not in job["Info"]:
        raise AssertionError(f"a faulted job says why in the platform's format: {job['Info']!r}")
checked.append("jobs.list fields populated")
first = dump(faulted[0])
again = dump(sdk.jobs.retrieve(first["Key"], folder_path="Shared"))
check("jobs.retrieve(key).Id", again["Id"], first["Id"])
attended = [dump(j) for j in sdk.jobs.list(folder_path="Shared", filter="Type eq 'Attended'").items]
overwritten = [json.loads(j["ResourceOverwrites"]) for j in attended if j.get("ResourceOverwrites")]
check("attended jobs carry their connection overwrites", len(overwritten), expect["attended_overwrites"])
if not all(k.startswith("Connection.") for o in overwritten for k in o):
    raise AssertionError(f"overwrites are keyed Connection.<key>: {overwritten}")
checked.append("job overwrites keyed Connection.<binding key>")

# The `uipath` CLI's own helpers: the personal workspace and its feed (the
# misspelt PersonalWorskpaceFeedId), and a release looked up as `uipath
# publish` does.
try:
    from uipath._cli._utils._folders import get_personal_workspace_info_async
    from uipath._cli._utils._processes import get_release_info
except ImportError:
    get_personal_workspace_info_async = None
if get_personal_workspace_info_async is not None:
    feed_id, folder_id = asyncio.run(get_personal_workspace_info_async())
    if not feed_id:
        raise AssertionError("no PersonalWorskpaceFeedId")
    check("uipath CLI: personal workspace folder id", folder_id, expect["workspace_id"])
    release_id, release_key = get_release_info(
        os.environ["UIPATH_URL"], os.environ["UIPATH_ACCESS_TOKEN"],
        expect["dispatcher_process_key"], "1.0.4", expect["shared_id"],
    )
    if not release_id or not release_key:
        raise AssertionError("uipath CLI: release not found")
    checked.append("uipath CLI: release by package and version")

print(json.dumps({"uipath_platform_checks": checked}))
sys.exit(0)
