"""Lists a tenant's connections folder by folder with the official UiPath
Python client (uipath-platform), as a script using it would, and prints
{"seconds": s, "connections": n} as JSON. Run by `connassist bench`.
Env: UIPATH_URL, UIPATH_ACCESS_TOKEN, BENCH_FOLDERS (a JSON file of folder paths).
"""
import json
import os
import time

from uipath.platform import UiPath

paths = json.load(open(os.environ["BENCH_FOLDERS"]))
sdk = UiPath()
start = time.perf_counter()
count = sum(len(sdk.connections.list(folder_path=p)) for p in paths)
print(json.dumps({"seconds": time.perf_counter() - start, "connections": count}))
