"""Client-side encryption with GnuPG, compatible with s3cmd's ``-e``/``--encrypt``.

An encrypted object is the output of ``gpg -c`` (symmetric, passphrase ``gpg_passphrase``)
stored with the metadata ``x-amz-meta-s3tools-gpgenc: gpg``; ``get`` decrypts any object
that carries it. The commands run are the ``gpg_encrypt``/``gpg_decrypt`` templates of
``.s3cfg`` (``%(gpg_command)s``, ``%(passphrase_fd)s``, ``%(input_file)s``,
``%(output_file)s``), split into words *before* substitution so that a file name with
spaces stays one argument and is never seen by a shell.

The passphrase travels through a pipe whose read end is the ``%(passphrase_fd)s``
descriptor: never on a command line (``ps`` shows those), never in output. Temporary
files are 0600 inside a 0700 directory and removed whatever happens.

Reads: ``gpg_command`` (empty: ``gpg`` on ``$PATH``), ``gpg_passphrase``, ``gpg_encrypt``,
``gpg_decrypt``; ``$TMPDIR`` for the encrypted temporary copy.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from S3 import ExitCodes
from S3.errors import ConfigError, S3cmdError
from S3.transport.headers import as_headers

ENCRYPTED_HEADER = "x-amz-meta-s3tools-gpgenc"
ENCRYPTED_VALUE = "gpg"
# what gpg may take for one file: a hung gpg (an agent waiting for a pinentry) must not hang a CronJob
GPG_TIMEOUT = 3600.0


class GpgFailed(S3cmdError):
    """gpg ran and failed: wrong passphrase, damaged data, unwritable output."""

    exit_code = ExitCodes.EX_DATAERR


class _GpgSource(Protocol):
    """What ``GpgSettings.from_settings`` reads (``S3.settings.model.Settings`` has it)."""

    gpg_command: str
    gpg_passphrase: str
    gpg_encrypt: str
    gpg_decrypt: str


@dataclass(frozen=True)
class GpgSettings:
    command: str
    passphrase: str
    encrypt_template: str
    decrypt_template: str

    def __repr__(self) -> str:
        return f"GpgSettings(command={self.command!r}, passphrase='** redacted **')"

    @classmethod
    def from_settings(cls, settings: _GpgSource) -> GpgSettings:
        return cls(command=settings.gpg_command, passphrase=settings.gpg_passphrase,
                   encrypt_template=settings.gpg_encrypt, decrypt_template=settings.gpg_decrypt)


def is_encrypted(headers: Mapping[str, str]) -> bool:
    """True when an object's headers say s3cmd encrypted it (any value: upstream only tests presence)."""
    return ENCRYPTED_HEADER in as_headers(headers)


def require_passphrase(*, encrypt: bool, passphrase: str) -> None:
    """``-e`` without ``gpg_passphrase`` is refused before anything is sent (upstream: exit 78)."""
    if encrypt and not passphrase:
        raise ConfigError("Encryption requested but no passphrase set in config file: set gpg_passphrase "
                          "(s3cmd --configure)")


def _gpg_program(command: str) -> str:
    found = shutil.which(command or "gpg")
    if not found:
        raise ConfigError(f"GPG program '{command or 'gpg'}' not found: install gnupg or set gpg_command "
                          "in the config file")
    return found


def command_line(template: str, *, program: str, passphrase_fd: int, input_file: str, output_file: str) -> list[str]:
    """The argv of one gpg run: ``template`` split into words, then each word filled in."""
    values = {"gpg_command": program, "passphrase_fd": str(passphrase_fd), "input_file": input_file,
              "output_file": output_file}
    try:
        return [word % values for word in template.split()]
    except (KeyError, ValueError, TypeError) as bad:
        raise ConfigError(f"gpg command template '{template}' is malformed ({bad}): check gpg_encrypt / "
                          "gpg_decrypt") from None


def _run(template: str, *, settings: GpgSettings, input_file: str, output_file: str, doing: str,
         hint: str) -> None:
    program = _gpg_program(settings.command)
    read_end, write_end = os.pipe()
    try:
        argv = command_line(template, program=program, passphrase_fd=read_end, input_file=input_file,
                            output_file=output_file)
        try:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, pass_fds=(read_end,))
        except OSError as failed:
            raise ConfigError(f"Could not run GPG program '{program}': {failed.strerror or failed}: "
                              "check gpg_command") from None
        os.close(read_end)
        read_end = -1
        try:
            # gpg reads the passphrase before any data; a passphrase bigger than the pipe still
            # goes through because gpg is already reading the other end.
            os.write(write_end, (settings.passphrase + "\n").encode("utf-8"))
        except BrokenPipeError:
            pass  # gpg exited before reading: its exit status and output say why
        os.close(write_end)
        write_end = -1
        try:
            output, _ = proc.communicate(timeout=GPG_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise GpgFailed(f"gpg took more than {GPG_TIMEOUT:.0f}s {doing}: is it waiting for a "
                            "pinentry or agent?") from None
    finally:
        for fd in (read_end, write_end):
            if fd >= 0:
                os.close(fd)
    if proc.returncode != 0:
        raise GpgFailed(f"gpg failed {doing} (exit {proc.returncode}: {_reason(output)}): {hint}")


def _reason(output: bytes) -> str:
    """gpg's last complaint; gpg prints no passphrase, but the line is cut short all the same."""
    lines = [line.strip() for line in output.decode("utf-8", "replace").splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower() or "failed" in line.lower()]
    chosen = (errors or lines or ["no output"])[-1]
    return chosen[:200]


def _private_file(directory: str, prefix: str) -> str:
    handle, name = tempfile.mkstemp(prefix=prefix, dir=directory)  # mkstemp: O_EXCL, mode 0600
    os.close(handle)
    return name


@contextmanager
def encrypt_to_temp(path: str | Path, *, settings: GpgSettings) -> Iterator[Path]:
    """Yield an encrypted copy of ``path`` (a 0600 file in a fresh 0700 directory under
    ``$TMPDIR``), removed when the block ends, whether it succeeded or not. Upload it with
    ``ENCRYPTED_HEADER: ENCRYPTED_VALUE`` among the object's headers."""
    directory = tempfile.mkdtemp(prefix="s3cmd-gpg-")
    try:
        output = _private_file(directory, "encrypted-")
        _run(settings.encrypt_template, settings=settings, input_file=os.fspath(path), output_file=output,
             doing=f"encrypting '{os.fspath(path)}'", hint="check gpg_command and gpg_encrypt")
        os.chmod(output, 0o600)  # gpg may have re-created it with the umask's mode
        yield Path(output)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def decrypt_file(path: str | Path, *, settings: GpgSettings) -> None:
    """Decrypt ``path`` in place: gpg writes a 0600 temporary beside it, which then replaces
    it atomically with ``path``'s mode. On failure ``path`` is left as it was (still
    encrypted) and the temporary is removed: the caller decides what to do with ``path``."""
    target = os.fspath(path)
    directory, name = os.path.split(os.path.abspath(target))
    output = _private_file(directory, f".{name}.")
    try:
        _run(settings.decrypt_template, settings=settings, input_file=target, output_file=output,
             doing=f"decrypting '{target}'",
             hint="check gpg_passphrase (the object was encrypted with another one?)")
        os.chmod(output, stat.S_IMODE(os.stat(target).st_mode))
        os.replace(output, target)
    except BaseException:
        try:
            os.unlink(output)
        except FileNotFoundError:
            pass
        raise


def decrypt_download(path: str | Path, *, settings: GpgSettings) -> None:
    """``get`` of an object carrying ``ENCRYPTED_HEADER``: decrypt the downloaded file in place;
    if that fails, remove it (ciphertext under the plaintext's name would be a wrong answer)."""
    try:
        decrypt_file(path, settings=settings)
    except BaseException:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        raise


__all__ = ["ENCRYPTED_HEADER", "ENCRYPTED_VALUE", "GpgFailed", "GpgSettings", "command_line", "decrypt_download", "decrypt_file",
           "encrypt_to_temp", "is_encrypted", "require_passphrase"]
