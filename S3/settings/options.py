"""Every ``.s3cfg`` option with s3cmd's default value; the default's type is the option's type.

The list and defaults match what ``s3cmd --dump-config`` prints in s3cmd 2.4.0, so a
file written by either tool reads the same in the other. Options we add are
marked as ours.
"""

from __future__ import annotations

from S3.settings.model import s3cfg_defaults

# Declared once, with types, in S3.settings.model.Settings.
DEFAULTS: dict[str, bool | int | str] = s3cfg_defaults()

# Options whose values are secrets: masked by --dump-config and in debug output.
SECRET_OPTIONS = frozenset({"secret_key", "access_token", "gpg_passphrase"})

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def coerce(name: str, raw: str) -> bool | int | str:
    """Turn a textual value into the option's type; ``ValueError`` says what was expected."""
    default = DEFAULTS.get(name, "")
    value = raw.strip()
    if isinstance(default, bool):
        low = value.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ValueError(f"{name} must be True or False, not {value!r}")
    if isinstance(default, int):
        if name == "limitrate":
            return parse_rate(value)
        try:
            return int(value)
        except ValueError:
            raise ValueError(f"{name} must be a whole number, not {value!r}") from None
    if name == "verbosity":
        return _verbosity(value)
    return value


def parse_rate(value: str) -> int:
    """``100k`` / ``2m`` / ``512`` → bytes per second."""
    shift = {"k": 10, "m": 20}.get(value[-1:].lower(), 0)
    digits = value[:-1] if shift else value
    try:
        return int(digits) << shift
    except ValueError:
        raise ValueError(f"limitrate must be a number with an optional k or m suffix, not {value!r}") from None


_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


def _verbosity(value: str) -> str:
    if value.upper() in _LEVELS:
        return value.upper()
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"verbosity must be one of {', '.join(_LEVELS)}, not {value!r}") from None
    return {50: "CRITICAL", 40: "ERROR", 30: "WARNING", 20: "INFO", 10: "DEBUG"}.get(number, "WARNING")


def render(value: bool | int | str) -> str:
    return str(value)
