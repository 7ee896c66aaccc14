"""s3cmd's text lines, reproduced from its observed output (see COMPATIBILITY.md)."""

from __future__ import annotations

from datetime import datetime


def human_size(size: float, *, floating: bool = False) -> tuple[float | int, str]:
    """s3cmd's sizes: divide by 1024 while above 2048; units K, M, G, T."""
    units = ["K", "M", "G", "T"]
    unit = ""
    value: float = float(size)
    while value > 2048 and units:
        value /= 1024
        unit = units.pop(0)
    return (value if floating else int(value)), unit


def size_text(size: int, human: bool) -> str:
    if human:
        value, unit = human_size(size)
        return f"{value}{unit}"
    return str(size)


def listing_time(when: datetime) -> str:
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


# C0 controls but tab, DEL, and the C1 controls: a key may hold any of them, and printed as they are
# they would start a forged output line (LF), overwrite one (CR) or drive the terminal (ESC, CSI).
# The bidirectional overrides too: 'x\u202egpj.exe' would read as 'xexe.jpg'.
_CONTROLS = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F, *range(0x80, 0xA0)) if code != 0x09}
_CONTROLS.update({code: f"\\u{code:04x}" for code in (0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))})
_CONTROLS.update({0x0A: "\\n", 0x0D: "\\r"})
_LINE_CONTROLS = {code: text for code, text in _CONTROLS.items() if code != 0x0A}


def shown(name: str) -> str:
    """A key or a path as an output line shows it: control characters escaped (``\\n``, ``\\x1b``),
    everything else as it is, so that one object is one line and the terminal only prints."""
    return name.translate(_CONTROLS) if not name.isprintable() else name


def shown_lines(text: str) -> str:
    """Lines as written to stdout or stderr: their own line breaks kept, every other control escaped."""
    return text.translate(_LINE_CONTROLS) if not text.isprintable() else text


def bucket_line(created: datetime, bucket: str) -> str:
    return f"{listing_time(created)}  s3://{bucket}"


def object_line(
    *, when: datetime | None, size: int | None, uri: str, human: bool, md5: str | None, storage: str | None
) -> str:
    """One ``ls`` line; ``size=None`` is a DIR (common prefix) line."""
    width = 5 if human else 12
    if size is None:
        size_field = "DIR".rjust(width + (1 if human else 0))
    elif human:
        value, unit = human_size(size)
        size_field = f"{value:>5d}{unit:1s}"
    else:
        size_field = f"{size:>12d}"
    stamp = listing_time(when) if when else ""
    line = f"{stamp:>16s} {size_field}  "
    if md5 is not None:
        line += f"{md5:<35s}  "
    if storage is not None:
        line += f"{storage:<11s}  "
    return line + shown(uri)


def du_line(size: int, count: int, uri: str, *, human: bool) -> str:
    text = size_text(size, human).rjust(5 if human else 12)
    return f"{text} {count:>7d} objects {shown(uri)}"


def speed_text(size: int, seconds: float) -> str:
    if seconds <= 0:
        return f"({size} bytes in 0.0 seconds, -1.00 B/s)"
    value, unit = human_size(size / seconds, floating=True)
    return f"({size} bytes in {seconds:0.1f} seconds, {value:0.2f} {unit}B/s)"


def transfer_line(verb: str, source: str, dest: str, *, size: int, seconds: float, counter: str = "") -> str:
    line = f"{verb}: '{shown(source)}' -> '{shown(dest)}' {speed_text(size, seconds)}"
    return f"{line} {counter}" if counter else line
