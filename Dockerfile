# s3cmd with a modern AWS credential loader: a small, non-root image.
#   docker build -t s3cmd-modern .
#   docker run --rm s3cmd-modern --version
# Nothing secret is baked in: credentials come from IRSA / Pod Identity / the environment at run time.

# ---- build: a wheel of this project and of everything it needs ----
FROM python:3.12.8-alpine3.21 AS build
WORKDIR /src
COPY setup.py pyproject.toml README.md ./
COPY S3 ./S3
RUN pip wheel --no-cache-dir --wheel-dir /wheels '.[magic]'

# ---- runtime ----
FROM python:3.12.8-alpine3.21
ARG VERSION=2.4.0+modern.1
LABEL org.opencontainers.image.title="s3cmd-modern" \
      org.opencontainers.image.description="s3cmd-compatible S3 client with IRSA, Pod Identity, profiles and IMDSv2 credentials" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/s3cmd-modern/s3cmd"
# libmagic for MIME detection; gnupg for -e/--encrypt (client-side encryption);
# tar and gzip come with busybox for backup pipelines
RUN apk add --no-cache libmagic gnupg \
 && addgroup -S -g 10001 s3cmd \
 && adduser -S -D -u 10001 -G s3cmd -h /home/s3cmd s3cmd
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels s3cmd-modern python-magic \
 && rm -rf /wheels
# HOME holds ~/.s3cfg, ~/.aws and the credential cache; with readOnlyRootFilesystem mount an emptyDir here.
ENV HOME=/home/s3cmd \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
WORKDIR /home/s3cmd
USER 10001:10001
ENTRYPOINT ["s3cmd"]
CMD ["--help"]
