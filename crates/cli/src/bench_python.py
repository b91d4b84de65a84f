"""Lists a tenant's connections with the official UiPath Python client
(uipath-platform) at its best: its async `list_async` for every folder, at
most BENCH_CONCURRENCY at a time (the same bound `connassist bench` uses), and
prints {"seconds": s, "connections": n} as JSON. Run by `connassist bench`.
Env: UIPATH_URL, UIPATH_ACCESS_TOKEN (a first-party token, as `uipath auth`
gets one: the SDK looks folders up through FoldersNavigation, which external
applications may not call), BENCH_FOLDERS (a JSON file of folder paths),
BENCH_CONCURRENCY.
"""
import asyncio
import json
import os
import time

from uipath.platform import UiPath

paths = json.load(open(os.environ["BENCH_FOLDERS"]))
bound = int(os.environ.get("BENCH_CONCURRENCY", "8"))
sdk = UiPath()


async def main():
    gate = asyncio.Semaphore(bound)

    async def one(path):
        async with gate:
            return len(await sdk.connections.list_async(folder_path=path))

    start = time.perf_counter()
    counts = await asyncio.gather(*(one(p) for p in paths))
    return time.perf_counter() - start, sum(counts)


seconds, count = asyncio.run(main())
print(json.dumps({"seconds": seconds, "connections": count}))
