# syntax=docker/dockerfile:1
#
# Gongzhi container image.
#
# Stage "build" turns the checkout into a wheel and installs it with its dependencies into a
# virtualenv at /opt/venv; stage "runtime" copies only that virtualenv onto the same slim
# Python base, so no compiler, pip cache or source tree reaches the final image.
#
# The runtime runs as the numeric user 10001 and writes nowhere but /tmp and the data
# directory /var/lib/gongzhi, so it runs unchanged with readOnlyRootFilesystem: mount an
# emptyDir at /tmp and a volume at /var/lib/gongzhi (the SQLite file lives there; the working
# directory is that volume, so the default ./var path lands on it too).
#
#   docker build -t gongzhi:0.1.0 .
#   docker run --read-only --tmpfs /tmp -v gongzhi-data:/var/lib/gongzhi -p 8000:8000 \
#     gongzhi:0.1.0

ARG PYTHON_IMAGE=python:3.12-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
WORKDIR /src
# Byte-compiled here because a read-only root filesystem lets Python write no .pyc later.
COPY pyproject.toml ./
COPY core ./core
COPY plugins ./plugins
COPY migrations ./migrations
RUN python -m venv /opt/venv \
 && python -m pip wheel --no-deps --wheel-dir /wheels . \
 && /opt/venv/bin/pip install /wheels/*.whl \
 && /opt/venv/bin/python -m compileall -q /opt/venv/lib

FROM ${PYTHON_IMAGE} AS runtime
ARG APP_UID=10001
LABEL org.opencontainers.image.title="gongzhi" \
      org.opencontainers.image.description="共治 Gongzhi: a multi-tenant platform for grassroots co-governance" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    GONGZHI_ENV=production \
    GONGZHI_LOG_FORMAT=json
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-wqy-microhei fontconfig \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid ${APP_UID} gongzhi \
 && useradd --system --uid ${APP_UID} --gid ${APP_UID} --no-create-home \
      --home-dir /var/lib/gongzhi --shell /usr/sbin/nologin gongzhi \
 && install -d -o ${APP_UID} -g ${APP_UID} -m 0750 /var/lib/gongzhi
COPY --from=build /opt/venv /opt/venv
WORKDIR /var/lib/gongzhi
VOLUME ["/var/lib/gongzhi"]
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health/live', timeout=2).status != 200)"]
ENTRYPOINT ["gongzhi"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "1"]
