"""The dispatch table: command name → function(ctx, args) → exit code."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from S3.cli.context import Context

Command = Callable[["Context", list[str]], int]

# name → (module under S3.cli.commands, function). A run imports only the module of the command
# it runs: importing all of them (libmagic, STS, copy) cost ~60 ms of start-up for any command.
_TABLE: dict[str, tuple[str, str]] = {
    "mb": ("buckets", "make_bucket"),
    "rb": ("buckets", "remove_bucket"),
    "ls": ("listing", "ls"),
    "la": ("listing", "la"),
    "du": ("listing", "du"),
    "put": ("put", "put"),
    "get": ("get", "get"),
    "del": ("remove", "delete"),
    "rm": ("remove", "delete"),
    "cp": ("copy", "cp"),
    "mv": ("copy", "mv"),
    "modify": ("copy", "modify"),
    "info": ("info", "info"),
    "signurl": ("signurl", "signurl"),
    "whoami": ("whoami", "whoami"),
}


class _LazyCommands(Mapping[str, Command]):
    """The dispatch table; a command's module is imported when the command is looked up."""

    def __init__(self, table: Mapping[str, tuple[str, str]]) -> None:
        self._table = table

    def __getitem__(self, name: str) -> Command:
        module, function = self._table[name]
        command: Command = getattr(importlib.import_module(f"{__name__}.{module}"), function)
        return command

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)


COMMANDS: Mapping[str, Command] = _LazyCommands(_TABLE)

HELP: list[tuple[str, str]] = [
    ("Make bucket", "s3cmd mb s3://BUCKET"),
    ("Remove bucket", "s3cmd rb s3://BUCKET"),
    ("List objects or buckets", "s3cmd ls [s3://BUCKET[/PREFIX]]"),
    ("List all object in all buckets", "s3cmd la "),
    ("Put file into bucket", "s3cmd put FILE [FILE...] s3://BUCKET[/PREFIX]"),
    ("Get file from bucket", "s3cmd get s3://BUCKET/OBJECT LOCAL_FILE"),
    ("Delete file from bucket", "s3cmd del s3://BUCKET/OBJECT"),
    ("Delete file from bucket (alias for del)", "s3cmd rm s3://BUCKET/OBJECT"),
    ("Disk usage by buckets", "s3cmd du [s3://BUCKET[/PREFIX]]"),
    ("Get various information about Buckets or Files", "s3cmd info s3://BUCKET[/OBJECT]"),
    ("Copy object", "s3cmd cp s3://BUCKET1/OBJECT1 s3://BUCKET2[/OBJECT2]"),
    ("Modify object metadata", "s3cmd modify s3://BUCKET1/OBJECT"),
    ("Move object", "s3cmd mv s3://BUCKET1/OBJECT1 s3://BUCKET2[/OBJECT2]"),
    ("Sign an S3 URL to provide limited public access with expiry",
     "s3cmd signurl s3://BUCKET/OBJECT <expiry_epoch|+expiry_offset>"),
    ("Show who the credentials belong to, where they came from and when they expire", "s3cmd whoami"),
]
