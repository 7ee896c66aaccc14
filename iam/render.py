#!/usr/bin/env python3
"""Fill the placeholders of the IAM documents and manifests with your values.

    python3 iam/render.py --account-id 123456789012 --region eu-west-1 \
        --oidc-id 0123456789ABCDEF0123456789ABCDEF --namespace backup \
        --rw-bucket my-backups --ro-bucket my-reports --out rendered/

Writes a copy of iam/ and k8s/ under --out with every placeholder replaced;
the originals are left untouched. Placeholders:
111122223333 (account A), 444455556666 (account B), eu-west-1, the EXAMPLE OIDC id,
example-backups-rw, example-reports-ro, and the backup namespace.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OIDC_PLACEHOLDER = "EXAMPLED539D4633E53DE1B71EXAMPLE"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--account-id", required=True, help="the cluster's account (account A)")
    parser.add_argument("--bucket-account-id", help="the bucket's account for cross-account (account B)")
    parser.add_argument("--region", required=True)
    parser.add_argument("--oidc-id", required=True, help="the id at the end of the cluster's OIDC issuer URL")
    parser.add_argument("--namespace", default="backup")
    parser.add_argument("--rw-bucket", required=True)
    parser.add_argument("--ro-bucket", default="")
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args(argv)
    for name, value in (("--account-id", args.account_id), ("--bucket-account-id", args.bucket_account_id or "")):
        if value and not re.fullmatch(r"\d{12}", value):
            parser.error(f"{name} must be 12 digits")
    if not re.fullmatch(r"[A-Za-z0-9]{8,64}", args.oidc_id):
        parser.error("--oidc-id must be the alphanumeric id of the OIDC issuer")
    replacements = {
        "111122223333": args.account_id,
        "444455556666": args.bucket_account_id or args.account_id,
        OIDC_PLACEHOLDER: args.oidc_id,
        "eu-west-1": args.region,
        "example-backups-rw": args.rw_bucket,
        "example-reports-ro": args.ro_bucket or args.rw_bucket,
        "system:serviceaccount:backup:": f"system:serviceaccount:{args.namespace}:",
        "namespace: backup": f"namespace: {args.namespace}",
        "--namespace backup": f"--namespace {args.namespace}",
    }
    if args.out.exists():
        shutil.rmtree(args.out)
    count = 0
    for folder in ("iam", "k8s"):
        for source in sorted((ROOT / folder).rglob("*")):
            if source.is_dir() or source.suffix not in (".json", ".yaml"):
                continue
            text = source.read_text()
            for placeholder, value in replacements.items():
                text = text.replace(placeholder, value)
            target = args.out / source.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
            count += 1
    print(f"wrote {count} files under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
