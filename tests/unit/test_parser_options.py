"""No option accepted and then ignored (issue 10): every option the parser knows is either covered
by a named test that uses it (``COVERED``), or listed as pending work of another helper
(``PENDING``: parsed, not yet honoured) or as honoured but still without a test of its own
(``UNTESTED``). The merge of the other helpers' work empties the last two lists; an option
that is in none of them fails this test, so a new option comes with its test.
"""

from __future__ import annotations

import argparse
import importlib
import inspect

import pytest

from S3.cli.parser import build_parser
from S3.errors import OptionError

_COMMANDS = "tests/e2e/test_commands.py"
_COMPAT = "tests/e2e/test_compat.py"
_SETTINGS = "tests/e2e/test_bucket_settings.py"
_CF = "tests/e2e/test_cloudfront.py"
_SYNC = "tests/e2e/test_sync.py"
_MULTIPART = "tests/e2e/test_multipart_cmds.py"
_OBJECTS = "tests/e2e/test_object_cmds.py"

# option (any of its names) → tests whose source uses it and checks what it changes
COVERED: dict[str, tuple[str, ...]] = {
    "--help": ("tests/cli/test_cli.py::test_help_lists_options_and_commands",),
    "--configure": (f"{_COMMANDS}::test_configure_writes_a_private_file_that_works",),
    "--config": (f"{_COMMANDS}::test_large_file_multipart_roundtrip_bounded_memory",),
    "--dump-config": ("tests/cli/test_cli.py::test_dump_config_masks_secrets",),
    "--show-secrets": ("tests/cli/test_cli.py::test_dump_config_show_secrets_prints_them",),
    "--access_key": (f"{_COMPAT}::test_endpoint_and_keys_on_the_command_line",),
    "--secret_key": (f"{_COMMANDS}::test_wrong_secret_exits_77_without_echoing_it",
                     f"{_COMPAT}::test_endpoint_and_keys_on_the_command_line"),
    "--access_token": ("tests/e2e/test_secrets.py::test_wrong_secret_on_the_command_line",),
    "--dry-run": (f"{_COMMANDS}::test_put_dry_run_prints_and_sends_nothing",),
    "--ssl": (f"{_COMPAT}::test_endpoint_and_keys_on_the_command_line",),
    "--no-ssl": (f"{_COMPAT}::test_endpoint_and_keys_on_the_command_line",),
    "--force": (f"{_COMMANDS}::test_get_force_overwrites",),
    "--continue": (f"{_COMMANDS}::test_get_continue_completes_a_partial_file",),
    "--skip-existing": (f"{_COMMANDS}::test_get_skip_existing_keeps_the_local_file",
                        f"{_COMMANDS}::test_put_skip_existing_leaves_the_remote_object"),
    "--recursive": (f"{_COMMANDS}::test_get_recursive_recreates_the_tree",),
    "--acl-public": (f"{_COMMANDS}::test_upload_options_reach_the_object",),
    "--acl-private": (f"{_COMPAT}::test_upload_options_storage_mime_attrs_acl",),
    "--max-delete": (f"{_COMMANDS}::test_max_delete_refuses_more_and_deletes_none",),
    "--limit": (f"{_COMPAT}::test_ls_limit",),
    "--preserve": (f"{_COMPAT}::test_upload_options_storage_mime_attrs_acl",),
    "--no-preserve": (f"{_COMPAT}::test_upload_options_storage_mime_attrs_acl",),
    "--exclude": (f"{_COMMANDS}::test_put_exclude_skips_matching_files",
                  f"{_COMPAT}::test_filters_from_files_and_regexps"),
    "--exclude-from": (f"{_COMPAT}::test_filters_from_files_and_regexps",),
    "--rexclude": (f"{_COMPAT}::test_filters_from_files_and_regexps",),
    "--include": (f"{_COMPAT}::test_filters_from_files_and_regexps",),
    "--include-from": (f"{_COMPAT}::test_filters_from_files_and_regexps",),
    "--rinclude": (f"{_COMPAT}::test_filters_from_files_and_regexps",),
    "--region": (f"{_COMPAT}::test_mb_refuses_invalid_names_locally_as_upstream",),
    "--host": (f"{_COMPAT}::test_endpoint_and_keys_on_the_command_line",),
    "--host-bucket": (f"{_COMPAT}::test_endpoint_and_keys_on_the_command_line",),
    "--reduced-redundancy": (f"{_COMPAT}::test_upload_options_storage_mime_attrs_acl",),
    "--no-reduced-redundancy": (f"{_COMPAT}::test_upload_options_storage_mime_attrs_acl",),
    "--storage-class": (f"{_COMMANDS}::test_upload_options_reach_the_object",),
    "--default-mime-type": (f"{_COMPAT}::test_upload_options_storage_mime_attrs_acl",),
    "--guess-mime-type": (f"{_COMPAT}::test_upload_options_storage_mime_attrs_acl",),
    "--no-guess-mime-type": (f"{_COMPAT}::test_upload_options_storage_mime_attrs_acl",),
    "--no-mime-magic": (f"{_COMPAT}::test_no_mime_magic",),
    "--mime-type": (f"{_COMMANDS}::test_upload_options_reach_the_object",),
    "--add-header": (f"{_COMMANDS}::test_upload_options_reach_the_object",),
    "--remove-header": (f"{_COMPAT}::test_remove_header_and_disable_multipart",),
    "--server-side-encryption": (f"{_COMMANDS}::test_upload_options_reach_the_object",),
    "--disable-multipart": (f"{_COMPAT}::test_remove_header_and_disable_multipart",),
    "--multipart-chunk-size-mb": (f"{_COMMANDS}::test_large_file_multipart_roundtrip_bounded_memory",),
    "--list-md5": (f"{_COMMANDS}::test_ls_list_md5_adds_md5_only",),
    "--human-readable-sizes": (f"{_COMMANDS}::test_ls_human_readable_sizes",),
    "--long-listing": (f"{_COMMANDS}::test_ls_long_adds_md5_and_storage_class",),
    "--progress": ("tests/e2e/test_progress.py::test_multipart_put_prints_a_block_per_part",),
    "--no-progress": ("tests/e2e/test_progress.py::test_get_meter_knows_the_total_from_the_first_block",),
    "--verbose": (f"{_COMMANDS}::test_verbose_shows_info_lines",),
    "--debug": ("tests/e2e/test_debug.py::test_debug_lines_and_no_secrets",),
    "--version": (f"{_COMMANDS}::test_version_from_the_installed_executable",),
    "--follow-symlinks": (f"{_COMPAT}::test_put_follows_symbolic_links_when_asked",),
    "--quiet": (f"{_COMMANDS}::test_quiet_put_prints_nothing",),
    "--ca-certs": ("tests/e2e/test_tls.py::test_certificate_checks",),
    "--no-check-certificate": ("tests/e2e/test_tls.py::test_certificate_checks",),
    "--no-check-hostname": ("tests/e2e/test_tls.py::test_hostname_check_can_be_turned_off_alone",),
    "--limit-rate": (f"{_COMMANDS}::test_interrupted_get_leaves_no_partial_file",),
    "--max-retries": ("tests/e2e/test_faults.py::test_only_503_exits_15_with_one_error_line",),
    "--parallel": (f"{_COMMANDS}::test_large_file_multipart_roundtrip_bounded_memory",),
    "--profile": ("tests/e2e/test_credentials_e2e.py::test_profile_chain_web_identity_then_second_role",),
    "--no-credentials-cache": ("tests/e2e/test_credentials_e2e.py::test_fifty_runs_ask_sts_once",),
    # bucket settings (setacl, accesslog, ws-create, expire)
    "--acl-grant": (f"{_SETTINGS}::test_setacl_grant_and_revoke", f"{_SETTINGS}::test_setacl_bad_grant_is_refused"),
    "--acl-revoke": (f"{_SETTINGS}::test_setacl_grant_and_revoke",),
    "--access-logging-target-prefix": (f"{_SETTINGS}::test_accesslog", f"{_CF}::test_cfmodify_changes_only_what_is_asked"),
    "--no-access-logging": (f"{_SETTINGS}::test_accesslog", f"{_CF}::test_cfmodify_changes_only_what_is_asked"),
    "--ws-index": (f"{_SETTINGS}::test_website",),
    "--ws-error": (f"{_SETTINGS}::test_website",),
    "--expiry-date": (f"{_SETTINGS}::test_expire",),
    "--expiry-days": (f"{_SETTINGS}::test_expire",),
    "--expiry-prefix": (f"{_SETTINGS}::test_expire",),
    # CloudFront
    "--enable": (f"{_CF}::test_cfmodify_changes_only_what_is_asked",),
    "--disable": (f"{_CF}::test_cfmodify_changes_only_what_is_asked",),
    "--cf-invalidate-default-index": (f"{_CF}::test_cfinval_default_index_of_a_website_bucket",),
    "--cf-no-invalidate-default-index-root": (f"{_CF}::test_cfinval_default_index_of_a_website_bucket",),
    "--cf-add-cname": (f"{_CF}::test_cfmodify_changes_only_what_is_asked",),
    "--cf-remove-cname": (f"{_CF}::test_cfmodify_changes_only_what_is_asked",),
    "--cf-comment": (f"{_CF}::test_cfcreate_creates_the_distribution_and_prints_upstreams_block",
                     f"{_CF}::test_cfmodify_changes_only_what_is_asked"),
    "--cf-default-root-object": (f"{_CF}::test_cfmodify_changes_only_what_is_asked",),
    # sync
    "--delete-removed": (f"{_SYNC}::test_delete_removed_max_delete_and_default_keep",),
    "--delete-after": (f"{_SYNC}::test_delete_after_runs_after_uploads_and_is_withheld_when_one_fails",),
    "--delay-updates": (f"{_SYNC}::test_new_files_go_first_then_the_updated_ones_as_s3cmd_numbers_them",),
    "--delete-after-fetch": (f"{_SYNC}::test_delete_after_fetch",
                             "tests/e2e/test_commands.py::test_get_delete_after_fetch_removes_what_it_fetched"),
    "--keep-dirs": (f"{_SYNC}::test_keep_dirs_sends_directories_as_folder_markers",),
    "--rexclude-from": (f"{_SYNC}::test_directory_excludes_and_pattern_files",),
    "--files-from": (f"{_SYNC}::test_files_from",),
    # multipart, restore, listing and encoding options
    "--continue-put": (f"{_MULTIPART}::test_continue_put_sends_only_the_missing_or_wrong_parts",),
    "--upload-id": (f"{_MULTIPART}::test_upload_id_names_the_upload_to_continue",),
    "--restore-days": (f"{_OBJECTS}::test_restore_glacier_object",),
    "--restore-priority": (f"{_OBJECTS}::test_restore_glacier_object",),
    "--list-allow-unordered": (f"{_OBJECTS}::test_list_allow_unordered_asks_the_server",),
    "--verbatim": (f"{_OBJECTS}::test_verbatim_is_refused_with_the_reason",),
    "--add-encoding-exts": (f"{_OBJECTS}::test_add_encoding_exts_adds_the_charset",),
    "--encoding": (f"{_OBJECTS}::test_encoding_other_than_utf8_is_refused",),
    "--content-disposition": (f"{_OBJECTS}::test_signurl_content_disposition_and_type",),
    "--content-type": (f"{_OBJECTS}::test_signurl_content_disposition_and_type",),
    "--check-md5": ("tests/e2e/test_sync_wiring.py::test_no_check_md5_leaves_md5_out_of_the_attrs",),
    "--no-check-md5": ("tests/e2e/test_sync_wiring.py::test_no_check_md5_leaves_md5_out_of_the_attrs",),
    "--stats": ("tests/e2e/test_sync_wiring.py::test_sync_upload_stats",
                "tests/e2e/test_sync_wiring.py::test_sync_download_stats_count_local_deletes"),
    "--cache-file": ("tests/e2e/test_sync_wiring.py::test_put_cache_file_is_filled_and_used",),
    "--encrypt": ("tests/e2e/test_encrypt_wiring.py::test_put_e_stores_ciphertext_and_get_gives_plaintext",
                  "tests/e2e/test_encrypt_wiring.py::test_sync_with_encrypt_is_refused"),
    "--no-encrypt": ("tests/e2e/test_encrypt_wiring.py::test_sync_with_encrypt_is_refused",),
    "--no-delete-removed": ("tests/e2e/test_option_coverage.py::test_no_delete_removed_overrides_the_config_file",),
    "--rinclude-from": ("tests/e2e/test_option_coverage.py::test_rinclude_from_brings_back_what_a_regexp_excluded",),
    "--server-side-encryption-kms-id": (
        "tests/e2e/test_option_coverage.py::test_kms_key_id_is_sent_and_the_object_reads_back",),
    "--signature-v2": ("tests/e2e/test_object_cmds.py::test_signurl_content_disposition_and_type",),
    "--requester-pays": ("tests/e2e/test_bucket_settings.py::test_payer",),
    "--stop-on-error": ("tests/e2e/test_sync.py::test_stop_on_error_stops_at_the_first_failed_file",),
    "--check-certificate": (
        "tests/e2e/test_tls.py::test_check_options_override_a_config_file_that_turns_checks_off",),
    "--check-hostname": ("tests/e2e/test_tls.py::test_check_options_override_a_config_file_that_turns_checks_off",),
    "--sts-endpoint": ("tests/e2e/test_credentials_e2e.py::test_sts_endpoint_option_points_web_identity_at_sts",),
    "--ssl-cert": ("tests/e2e/test_tls.py::test_client_certificate_is_presented_with_ssl_cert_and_ssl_key",),
    "--ssl-key": ("tests/e2e/test_tls.py::test_client_certificate_is_presented_with_ssl_cert_and_ssl_key",),
    "--no-connection-pooling": (
        "tests/e2e/test_option_coverage.py::test_no_connection_pooling_opens_a_connection_per_request",),
    "--add-destination": ("tests/e2e/test_sync_wiring.py::test_add_destination_syncs_to_every_destination",),
    "--cf-invalidate": ("tests/e2e/test_sync_wiring.py::test_sync_cf_invalidate_invalidates_the_uploaded_keys",),
    "--skip-destination-validation": (
        "tests/e2e/test_wiring_misc.py::test_setnotification_skip_destination_validation_header",),
}

# Parsed but not yet honoured everywhere: the `wiring` helper is connecting them to the commands
# (--stats outside del -r, --check-md5 outside sync, --cache-file, client-side encryption with
# -e on put/get/sync, --cf-invalidate after put/sync/del).
PENDING: set[str] = set()

# Honoured (the setting is read where it matters) but no test of its own uses the option yet.
UNTESTED: set[str] = set()


def _options() -> list[argparse.Action]:
    return [action for action in build_parser()._actions if action.option_strings]


def _entry(action: argparse.Action, table: dict[str, tuple[str, ...]] | set[str]) -> str | None:
    return next((name for name in action.option_strings if name in table), None)


@pytest.mark.parametrize("action", _options(), ids=lambda action: "/".join(action.option_strings))
def test_every_option_is_covered_pending_or_listed_untested(action: argparse.Action) -> None:
    homes = [name for name, table in (("COVERED", COVERED), ("PENDING", PENDING), ("UNTESTED", UNTESTED))
             if _entry(action, table)]
    assert len(homes) == 1, f"{'/'.join(action.option_strings)} must be in exactly one list, not {homes}"


@pytest.mark.parametrize(("option", "test_id"), [(o, t) for o, tests in COVERED.items() for t in tests])
def test_covering_tests_exist_and_use_the_option(option: str, test_id: str) -> None:
    path, name = test_id.split("::")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    test = getattr(module, name, None)
    assert callable(test), f"{test_id} (covering {option}) does not exist"
    action = next(a for a in _options() if option in a.option_strings)
    source = inspect.getsource(test)
    assert any(f'"{n}' in source or f"'{n}" in source for n in action.option_strings), \
        f"{test_id} does not use {option}"


def test_lists_name_only_options_the_parser_knows() -> None:
    known = {name for action in _options() for name in action.option_strings}
    assert not (set(COVERED) | PENDING | UNTESTED) - known


@pytest.mark.parametrize("argv", [["--no-such-option", "ls"], ["ls", "--limit=many"], ["ls", "--limit"]])
def test_option_errors_are_refused_with_exit_2(argv: list[str]) -> None:
    from S3.cli.parser import parse

    with pytest.raises(OptionError) as refused:
        parse(argv)
    assert refused.value.exit_code == 2
    assert "--" in str(refused.value)  # names the option
