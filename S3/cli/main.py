"""Entry point. ``raw_main`` owns every error → exit code decision; ``program`` is the
happy path. A failure prints one ``ERROR: …`` line and exits with s3cmd's code; a
traceback appears only with ``--debug``.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import traceback
from collections.abc import Mapping, Sequence

from S3 import ExitCodes, PkgInfo
from S3.cli import parser as cli_parser
from S3.Config import Config, default_config_path
from S3.errors import S3cmdError, UsageError
from S3.output import log
from S3.runtime import Runtime


def load_config(options: argparse.Namespace, env: Mapping[str, str]) -> Config:
    path = options.config or default_config_path(env)
    config = Config(env=env)
    # With no config file at the default path, run on defaults: a pod with IRSA
    # needs no .s3cfg. A file named with -c or $S3CMD_CONFIG must exist.
    # --configure creates the file, so it may not exist yet.
    explicit = bool(options.config or env.get("S3CMD_CONFIG")) and not options.configure
    if explicit or os.path.exists(path):
        config.read_config_file(path)
    for dest in cli_parser.CONFIG_DESTS:
        value = getattr(options, dest, None)
        if value is not None:
            config.update_option(dest, value)
    if options.verbose:
        config.verbosity = "INFO"
    if options.debug:
        config.verbosity = "DEBUG"
    if getattr(options, "progress_meter", None) is None:
        config.progress_meter = sys.stdout.isatty()
    return config


_CLI_ONLY = ("add_header", "remove_header", "exclude", "exclude_from", "rexclude", "rexclude_from", "include",
             "include_from", "rinclude", "rinclude_from", "files_from", "profile", "quiet")


def cli_only(options: argparse.Namespace) -> dict[str, object]:
    """The parsed options that have no ``.s3cfg`` key (``Settings`` holds them too)."""
    return {name: getattr(options, name) for name in _CLI_ONLY if getattr(options, name, None) is not None}


def print_help(stream) -> None:  # type: ignore[no-untyped-def]
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
    config = load_config(options, runtime.env)
    log.setup(str(config.verbosity))
    log.register_secret(str(config.secret_key), str(config.access_token), str(config.gpg_passphrase))
    if options.configure:
        from S3.cli.configure import run_configure

        return run_configure(config, options, runtime)
    if options.dump_config:
        config.dump_config(sys.stdout, show_secrets=options.show_secrets)
        return ExitCodes.EX_OK
    if not options.args:
        raise UsageError("Missing command. Please run with --help for more information.")
    command, *params = options.args
    from S3.cli.commands import COMMANDS
    from S3.cli.context import Context

    handler = COMMANDS.get(command)
    if handler is None:
        raise UsageError(f"Invalid command: {command}")
    ctx = Context(config=config, runtime=runtime, options=options, settings=config.settings(cli=cli_only(options)))
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
    debug = "-d" in argv or "--debug" in argv
    log.setup("DEBUG" if debug else "WARNING")
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        options = cli_parser.parse(argv)
        if options.help:
            print_help(sys.stdout)
            return ExitCodes.EX_OK
        if options.version:
            sys.stdout.write(f"s3cmd version {PkgInfo.version}\n")
            return ExitCodes.EX_OK
        return program(options, runtime)
    except UsageError as problem:
        sys.stderr.write(f"Usage: {cli_parser.USAGE}\n")
        log.error(f"{problem} (see 's3cmd --help')")
        return problem.exit_code
    except S3cmdError as problem:
        if debug:
            log.error(log.redact(traceback.format_exc()))
        log.error(str(problem))
        return problem.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("\nERROR: Interrupted by the user (Ctrl-C)\n")
        return ExitCodes.EX_BREAK
    except Terminated:
        sys.stderr.write("ERROR: Terminated (SIGTERM); unfinished transfers were cleaned up\n")
        return ExitCodes._EX_SIGNAL + signal.SIGTERM
    except BrokenPipeError:
        # The reader went away (`s3cmd ls | head`): not our failure to report.
        _silence_stdout()
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


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass


def main(argv: Sequence[str] | None = None) -> int:
    return raw_main(sys.argv[1:] if argv is None else argv)


_SIGNAL_EXITS = frozenset({ExitCodes.EX_BREAK, ExitCodes._EX_SIGNAL + signal.SIGTERM})


def console_main() -> None:
    code = main()
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

