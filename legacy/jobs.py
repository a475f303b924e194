"""The import run by a background job (RQ, ``flask jobs worker``) for the administrator's page.

The page saves the uploaded files in a folder of its own under the instance
folder and enqueues ``run_import``; the job reports its progress (rows done, of
about how many, rows per second) in the job's ``meta``, which the progress page
reads, and writes the report into the same folder.
"""

from __future__ import annotations

import time
from pathlib import Path

from flask import current_app

from accounts.models import User
from core.extensions import db
from legacy import services

UPLOADS = "legacy-uploads"


def folder_of(token: str) -> Path:
    return Path(current_app.instance_path) / UPLOADS / token


def run_import(token: str, dry_run: bool, actor_id: int) -> dict:
    from rq import get_current_job

    job = get_current_job()
    folder = folder_of(token)
    mapped = services.load_mapping(folder / "mapping.toml")
    actor = db.session.get(User, actor_id)
    importer = services.importer(folder / "source", mapped, dry_run=dry_run, actor=actor)
    progress = {"done": 0, "total": importer.estimate(), "rate": 0, "state": "running"}
    started, last = time.monotonic(), 0.0

    def advance(rows: int) -> None:
        nonlocal last
        progress["done"] += rows
        now = time.monotonic()
        if job is not None and now - last >= 0.5:
            progress["rate"] = int(progress["done"] / max(now - started, 1e-6))
            job.meta["progress"] = progress
            job.save_meta()
            last = now

    importer.progress = advance
    try:
        result = services.execute(importer, folder / "report", "source")
    finally:
        db.session.remove()
    summary = {"done": progress["done"], "total": max(progress["total"], progress["done"]), "state": "finished",
               "rejected": result.rejected, "merged": result.merged, "differences": len(result.differences),
               "dry_run": dry_run, "run_id": result.outcome.run_id}
    if job is not None:
        job.meta["progress"] = summary
        job.save_meta()
    return summary
