"""``~/.aws/config`` and ``~/.aws/credentials`` → one mapping of profile name → settings.

Reads the paths in ``AWS_CONFIG_FILE`` and ``AWS_SHARED_CREDENTIALS_FILE`` (defaults
``~/.aws/config`` and ``~/.aws/credentials``). In the config file profiles are
``[profile NAME]`` (and ``[default]``); in the credentials file ``[NAME]``. For
the same profile the credentials file wins key by key, as in the AWS CLI.
Parsing is pure: the caller hands in the files' text.
"""

from __future__ import annotations

import configparser
import os
from collections.abc import Callable, Mapping

from S3.credentials.errors import InvalidConfiguration

Profiles = dict[str, dict[str, str]]
SOURCE = "profile"


def file_paths(env: Mapping[str, str], home: str) -> tuple[str, str]:
    config = env.get("AWS_CONFIG_FILE") or os.path.join(home, ".aws", "config")
    credentials = env.get("AWS_SHARED_CREDENTIALS_FILE") or os.path.join(home, ".aws", "credentials")
    return os.path.expanduser(config), os.path.expanduser(credentials)


def _parse(text: str, path: str) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False, interpolation=None, default_section="\x00none")
    try:
        parser.read_string(text, source=path)
    except configparser.Error as bad:
        first = str(bad).splitlines()[0]
        raise InvalidConfiguration(SOURCE, f"{path} is malformed: {first}") from None
    return parser


def parse(config_text: str, credentials_text: str, *, config_path: str, credentials_path: str) -> Profiles:
    profiles: Profiles = {}
    config = _parse(config_text, config_path)
    for section in config.sections():
        name = section.strip()
        if name.startswith("profile "):
            name = name[len("profile "):].strip()
        elif name != "default":
            continue  # sso-session, services: not profiles
        profiles.setdefault(name, {}).update({k.strip(): v.strip() for k, v in config.items(section)})
    credentials = _parse(credentials_text, credentials_path)
    for section in credentials.sections():
        profiles.setdefault(section.strip(), {}).update({k.strip(): v.strip() for k, v in credentials.items(section)})
    return profiles


def load(env: Mapping[str, str], home: str, read_text: Callable[[str], str]) -> Profiles:
    config_path, credentials_path = file_paths(env, home)

    def text(path: str) -> str:
        try:
            return read_text(path)
        except FileNotFoundError:
            return ""
        except (OSError, UnicodeDecodeError) as failed:
            raise InvalidConfiguration(SOURCE, f"cannot read {path}: {getattr(failed, 'strerror', None) or failed}") from None

    return parse(text(config_path), text(credentials_path), config_path=config_path, credentials_path=credentials_path)
