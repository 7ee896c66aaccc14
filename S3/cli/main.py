"""Entry point. ``raw_main`` owns every error → exit code decision; ``program`` is the
happy path. A failure prints one ``ERROR: …`` line and exits with s3cmd's code; a
traceback appears only with ``--debug``.

Everything is written to the ``Runtime``'s streams (``raw_main(argv, runtime=...)``), so the
whole command line can run in-process in tests. The settings are built, and checked, once,
before any command (or ``--dump-config``) runs.
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
import threading
import traceback
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING

from S3 import ExitCodes, PkgInfo, atomic
from S3.cli import parser as cli_parser
from S3.errors import S3cmdError, UsageError
from S3.output import log
from S3.runtime import Runtime
from S3.settings.model import cli_fields

if TYPE_CHECKING:
    from S3.Config import Config


def load_config(options: argparse.Namespace, runtime: Runtime) -> Config:
    env = runtime.env
    # Imported here: --version and --help need no configuration (nor credentials, nor HTTP).
    from S3.Config import Config, default_config_path

    path = options.config or default_config_path(env)
    config = Config(env=env)
    # With no config file at the default path, run on defaults: a pod with IRSA
    # needs no .s3cfg. A file named with -c or $S3CMD_CONFIG must exist.
    # --configure creates the file, so it may not exist yet.
    explicit = bool(options.config or env.get("S3CMD_CONFIG")) and not options.configure
    if explicit or os.path.exists(path):
        config.read_config_file(path)
    for dest, value in cli_parser.config_values(options).items():
        config.update_option(dest, value)
    if options.verbose:
        config.verbosity = "INFO"
    if options.debug:
        config.verbosity = "DEBUG"
    if getattr(options, "progress_meter", None) is None:
        config.progress_meter = runtime.stdout_is_terminal()
    return config


# Command-line options whose Settings field has another name (the .s3cfg key of the same name is the file's).
_CLI_RENAMED = {"access_key": "cli_access_key", "secret_key": "cli_secret_key", "access_token": "cli_access_token"}
# Taken apart by Config.settings (merged with the file's add_headers; the field is remove_headers).
_CLI_HEADERS = ("add_header", "remove_header")


def cli_only(options: argparse.Namespace) -> dict[str, object]:
    """The parsed options that have no ``.s3cfg`` key: every ``Settings`` field marked ``cli``."""
    names = [*cli_fields(), *_CLI_HEADERS]
    given = {name: getattr(options, name) for name in names if getattr(options, name, None) is not None}
    given.update({field: getattr(options, name) for name, field in _CLI_RENAMED.items() if getattr(options, name, None)})
    return given


def print_help(stream: IO[str]) -> None:
    from S3.cli.commands import help_entries

    text = cli_parser.build_parser().format_help()
    stream.write(text.replace("usage: ", "Usage: ", 1).replace("\noptions:\n", "\nOptions:\n", 1))
    stream.write("\nCommands:\n")
    for title, usage in help_entries():
        stream.write(f"  {title}\n      {usage}\n")
    stream.write(_CREDENTIALS_HELP)


_CREDENTIALS_HELP = """
Credentials come from the first of these sources that is configured (a source that is
configured but fails stops the search with an error naming it):
  1. the command line: --access_key, --secret_key (and --access_token)
  2. the config file (-c FILE, $S3CMD_CONFIG or ~/.s3cfg): access_key, secret_key, access_token
  3. the environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN)
  4. a ~/.aws profile (--profile or AWS_PROFILE): keys, role_arn with source_profile or
     credential_source, web_identity_token_file, credential_process
  5. web identity (EKS IRSA): AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE
  6. container credentials (ECS, EKS Pod Identity): AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or
     AWS_CONTAINER_CREDENTIALS_FULL_URI
  7. EC2 instance metadata (IMDSv2), unless AWS_EC2_METADATA_DISABLED=true
's3cmd whoami' shows which one was used.
"""


def program(options: argparse.Namespace, runtime: Runtime) -> int:
    config = load_config(options, runtime)
    log.setup(str(config.verbosity), runtime.stderr)
    log.register_secret(str(config.secret_key), str(config.access_token), str(config.gpg_passphrase))
    if options.configure:
        from S3.cli.configure import run_configure

        return run_configure(config, options, runtime)
    # Built (and checked) before anything else: a bad value is refused for every command, as s3cmd does.
    settings = config.settings(cli=cli_only(options))
    log.register_secret(settings.cli_secret_key, settings.cli_access_token)
    if options.dump_config:
        # The .s3cfg view of the run (what a file would hold), which is Config's to render.
        config.dump_config(runtime.stdout, show_secrets=options.show_secrets)
        return ExitCodes.EX_OK
    if not options.args:
        raise UsageError("Missing command. Please run with --help for more information.")
    command, *params = options.args
    from S3.cli.commands import COMMANDS
    from S3.cli.context import Context

    handler = COMMANDS.get(command)
    if handler is None:
        raise UsageError(f"Invalid command: {command}")
    if settings.delay_updates:  # as s3cmd: sync always sends the new files first, the updated ones last
        log.warning("`delay-updates` is obsolete.")
    if settings.encrypt:  # -e: refused before any request; without -e, gpg (and subprocess) stay unloaded
        from S3.transfer.gpg import require_passphrase

        require_passphrase(encrypt=settings.encrypt, passphrase=settings.gpg_passphrase)
    ctx = Context(runtime=runtime, settings=settings)
    if runtime.owns_process:
        # What start-up made (modules, classes, the command's code) lives as long as the process:
        # frozen, the collector does not walk it again at each full collection, nor once more at
        # exit (a no-op sync of 2,000 files 213 -> 202 ms, `ls` 126 -> 118 ms)
        gc.freeze()
    try:
        return handler(ctx, params)
    finally:
        ctx.close()


class Terminated(BaseException):
    """SIGTERM (a pod being stopped, a Job's deadline): unwind like Ctrl-C so that partial
    downloads are removed and multipart uploads aborted before the process ends."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated()


def raw_main(argv: Sequence[str], *, runtime: Runtime | None = None) -> int:
    runtime = runtime or Runtime()
    atomic.accept_writes()
    debug = "-d" in argv or "--debug" in argv
    log.setup("DEBUG" if debug else "WARNING", runtime.stderr)
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return _run(argv, runtime, debug=debug)
    finally:
        if previous is not None:  # in-process callers (tests) get their own handler back
            signal.signal(signal.SIGTERM, previous)


def _run(argv: Sequence[str], runtime: Runtime, *, debug: bool) -> int:
    """``raw_main``'s body: every error → one ``ERROR:`` line on the runtime's stderr and an exit code."""
    stderr = runtime.stderr
    try:
        options = cli_parser.parse(argv)
        if options.help:
            print_help(runtime.stdout)
            return ExitCodes.EX_OK
        if options.version:
            runtime.stdout.write(f"s3cmd version {PkgInfo.version}\n")
            return ExitCodes.EX_OK
        return program(options, runtime)
    except UsageError as problem:
        stderr.write(f"Usage: {cli_parser.USAGE}\n")
        log.error(f"{problem} (see 's3cmd --help')")
        return problem.exit_code
    except S3cmdError as problem:
        if debug:
            log.error(log.redact(traceback.format_exc()))
        log.error(str(problem))
        return problem.exit_code
    except KeyboardInterrupt:
        atomic.remove_unfinished()
        stderr.write("\nERROR: Interrupted by the user (Ctrl-C)\n")
        return ExitCodes.EX_BREAK
    except Terminated:
        atomic.remove_unfinished()
        stderr.write("ERROR: Terminated (SIGTERM); no partial file was left behind\n")
        return ExitCodes._EX_SIGNAL + signal.SIGTERM
    except BrokenPipeError:
        # The reader went away (`s3cmd ls | head`): not our failure to report.
        _silence(runtime.stdout)
        return ExitCodes.EX_OK
    except ImportError as problem:
        log.error(f"Python module '{problem.name}' is missing: install s3cmd's dependencies "
                  f"(pip install s3cmd-modern) for {sys.executable}")
        return ExitCodes.EX_GENERAL
    except MemoryError:
        log.error("Out of memory; lower --parallel or --multipart-chunk-size-mb")
        return ExitCodes.EX_OSERR
    except OSError as problem:
        if debug:
            log.error(log.redact(traceback.format_exc()))
        log.error(f"{problem.strerror or problem}: {problem.filename or ''}".rstrip(": "))
        return ExitCodes.EX_IOERR
    except Exception as problem:  # the last line of defence: no traceback without --debug
        if debug:
            log.error(log.redact(traceback.format_exc()))
        log.error(f"Internal error: {type(problem).__name__}: {log.redact(str(problem))} "
                  "(run with --debug for details and report it)")
        return ExitCodes.EX_SOFTWARE


def _silence(stdout: IO[str]) -> None:
    """Point the closed pipe's descriptor at /dev/null, so that the flush at exit does not fail again."""
    try:
        descriptor = stdout.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, descriptor)
    except (OSError, ValueError):  # an in-memory stream (tests) has no descriptor
        pass


_SIGNAL_EXITS = frozenset({ExitCodes.EX_BREAK, ExitCodes._EX_SIGNAL + signal.SIGTERM})


def console_main() -> None:
    code = raw_main(sys.argv[1:], runtime=Runtime(owns_process=True))
    if code in _SIGNAL_EXITS:
        # Interrupted: the temporary file is already removed and the multipart upload aborted
        # (the main thread unwound). Worker threads may still be blocked reading a range or
        # sending a part; a normal exit would join them, seconds or minutes later. End now.
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)
    sys.exit(code)

