"""What the load-test users did, as they saw it: one JSON object a line, a file per load-generator process.

Each write action is written before it is sent (`begin`) and again when its answer came back (`done`, or
`failed` when the application refused it or answered unexpectedly). An action begun and never answered — a user
killed mid-request — is an unknown: the checker cannot say whether the server did it, so it fails the run.
"""
import itertools
import json
import os
from pathlib import Path


class Ledger:
    def __init__(self, directory):
        Path(directory).mkdir(parents=True, exist_ok=True)
        # line-buffered: every record is on disk when the call returns
        self._file = open(Path(directory) / f"ledger-{os.getpid()}.jsonl", "a", encoding="utf-8", buffering=1)
        self._ids = itertools.count(1)

    def _write(self, record):
        self._file.write(json.dumps(record, ensure_ascii=False) + "\n")

    def begin(self, kind, **fields):
        token = next(self._ids)
        self._write({"op": "begin", "id": token, "kind": kind, **fields})
        return token

    def done(self, token, **fields):
        self._write({"op": "done", "id": token, **fields})

    def failed(self, token, reason):
        self._write({"op": "failed", "id": token, "reason": reason})

    def note(self, kind, **fields):
        """Something read, not written (a download, a refused look): begun and done at once."""
        self.done(self.begin(kind, **fields))

    def close(self):
        self._file.close()


def read(directory):
    """(done, failed, unfinished): the actions of every ledger file in `directory`, each a dict with its kind and
    the fields given at begin and at done."""
    done, failed, unfinished = [], [], []
    for path in sorted(Path(directory).glob("ledger-*.jsonl")):
        begun = {}
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                op, token = record.pop("op"), record.pop("id")
                if op == "begin":
                    begun[token] = record
                elif op == "done":
                    done.append({**begun.pop(token), **record})
                elif op == "failed":
                    failed.append({**begun.pop(token), **record})
        unfinished.extend(begun.values())
    return done, failed, unfinished
