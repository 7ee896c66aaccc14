"""Package metadata, under the module name s3cmd scripts import."""

package = "s3cmd"
version = "2.4.0+modern.1"
url = "https://github.com/s3cmd-modern/s3cmd"
license = "Apache License 2.0"
short_description = "Command line tool for managing Amazon S3, with a modern AWS credential loader"
long_description = """
s3cmd-compatible command line client for Amazon S3 and S3-compatible storage,
whose credentials come from the whole AWS chain: EKS IRSA web identity, profiles
with role chaining, credential_process, EKS Pod Identity / ECS and EC2 IMDSv2.
"""
