"""docker-compose.yml, Dockerfile, deploy/nginx.conf and .env.example agree with each other
and with the Compose specification.

No Docker engine is needed: the compose file is validated against the Compose specification's
JSON schema as shipped by the npm package dclint (a devDependency, installed by npm ci), and
the references between services, volumes, files and settings are checked here.
"""

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

from tests.processes import WEB_PROCESS, WORKER_PROCESS

BASE_DIR = Path(__file__).resolve().parent.parent
COMPOSE_FILE = BASE_DIR / "docker-compose.yml"
ENV_EXAMPLE = BASE_DIR / ".env.example"
NGINX_CONF = BASE_DIR / "deploy" / "nginx.conf"
SCHEMA_FILE = BASE_DIR / "node_modules" / "dclint" / "schemas" / "compose.schema.json"

SERVICES = {"db", "redis", "minio", "web", "worker", "beat", "nginx"}
APP_SERVICES = ["web", "worker", "beat"]
REQUIRED_ENV = {
    "DJANGO_SECRET_KEY": None,
    "DJANGO_ALLOWED_HOSTS": None,
    "DJANGO_SECURE": "1",
    "DATABASE_URL": re.compile(r"^postgres(ql)?://[^@/]+@db:5432/\w+$"),
    "DATABASE_MIGRATE_URL": re.compile(r"^postgres(ql)?://[^@/]+@db:5432/\w+$"),
    "CELERY_BROKER_URL": "redis://redis:6379/0",
    "DJANGO_STATIC_ROOT": "/app/var/static",
    "WHITENOISE_USE_FINDERS": "0",
    # Files in the minio service's bucket, the cache in Redis: stateless app containers.
    "AWS_STORAGE_BUCKET_NAME": re.compile(r"^[a-z0-9][a-z0-9.-]{2,62}$"),
    "AWS_S3_ENDPOINT_URL": "http://minio:9000",
    "AWS_ACCESS_KEY_ID": None,
    "AWS_SECRET_ACCESS_KEY": re.compile(r"^.{8,}$"),
    "CACHE_URL": "redis://redis:6379/1",
}
PORT = re.compile(
    r"^(\d{1,3}(\.\d{1,3}){3}:)?\d{1,5}(-\d{1,5})?(:\d{1,5}(-\d{1,5})?)?(/(tcp|udp))?$"
)
DURATION = re.compile(r"^(\d+(\.\d+)?(us|ms|s|m|h))+$")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


@pytest.fixture(scope="module")
def env_example():
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, sep, value = line.partition("=")
            assert sep, f".env.example: not KEY=value: {line!r}"
            assert key not in values, f".env.example sets {key} twice"
            values[key] = value
    return values


def argv(command) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else list(command)


def mounts(service) -> dict[str, str]:
    """Container path -> source (volume name or host path) of a service's volumes."""
    result = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            result[volume["target"]] = volume.get("source", "")
        else:
            parts = volume.split(":")
            assert 2 <= len(parts) <= 3, f"malformed volume {volume!r}"
            if len(parts) == 3:
                assert set(parts[2].split(",")) <= {"ro", "rw", "z", "Z"}, volume
            result[parts[1]] = parts[0]
    return result


def test_compose_file_matches_the_compose_specification(compose):
    if not SCHEMA_FILE.exists():
        pytest.fail(f"{SCHEMA_FILE} is missing: run ./scripts/setup (npm ci) first.")
    import jsonschema

    schema = json.loads(SCHEMA_FILE.read_text())
    assert schema.get("title") == "Compose Specification"
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(compose), key=lambda error: error.json_path)
    assert not errors, "docker-compose.yml breaks the Compose specification:\n" + "\n".join(
        f"- {error.json_path}: {error.message}" for error in errors
    )


def test_services_are_complete_and_well_formed(services):
    assert set(services) == SERVICES
    for name, service in services.items():
        assert "image" in service or "build" in service, f"{name}: neither image nor build"
        if "command" in service:
            assert all(isinstance(arg, str) for arg in argv(service["command"])), name
        for port in service.get("ports", []):
            assert isinstance(port, str) and PORT.match(port), f"{name}: bad port {port!r}"
        mounts(service)
        for target, dependency in (service.get("depends_on") or {}).items():
            assert target in services, f"{name} depends on unknown service {target}"
            if dependency.get("condition") == "service_healthy":
                assert "healthcheck" in services[target], f"{name} waits for {target}'s health"
        health = service.get("healthcheck")
        if health:
            assert health["test"][0] in {"CMD", "CMD-SHELL"}, name
            for key in ("interval", "timeout", "start_period"):
                if key in health:
                    assert DURATION.match(health[key]), f"{name}: {key} {health[key]!r}"
    for name in SERVICES - {"beat"}:
        assert "healthcheck" in services[name], f"{name} has no healthcheck"
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert services["nginx"]["image"].startswith("nginx:1.27")
    # A pinned MinIO release, not whatever "latest" is on the day of an upgrade.
    assert re.match(r"^minio/minio:RELEASE\.\d{4}-", services["minio"]["image"])


def test_named_volumes_are_declared_and_files_exist(compose, services):
    declared = set(compose.get("volumes") or {})
    assert {"pgdata", "static", "miniodata"} <= declared
    used = set()
    for name, service in services.items():
        for target, source in mounts(service).items():
            assert target.startswith("/"), f"{name}: relative container path {target}"
            if source.startswith((".", "/")):
                assert (BASE_DIR / source).resolve().exists(), f"{name}: {source} is missing"
            else:
                assert source in declared, f"{name}: volume {source} is not declared"
                used.add(source)
    assert used == declared, f"declared but unused volumes: {declared - used}"
    assert mounts(services["db"])["/var/lib/postgresql/data"] == "pgdata"
    assert mounts(services["minio"])["/data"] == "miniodata"


def test_app_services_share_the_image_and_environment(services, env_example):
    for name in APP_SERVICES:
        service = services[name]
        build = service["build"]
        context = BASE_DIR / (build["context"] if isinstance(build, dict) else build)
        dockerfile = (
            build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else "Dockerfile"
        )
        assert (context / dockerfile).exists(), f"{name}: no {dockerfile}"
        env_files = service["env_file"]
        env_files = [env_files] if isinstance(env_files, str) else env_files
        assert ".env" in env_files, f"{name} does not read .env"
    assert services["web"]["image"] == services["worker"]["image"] == services["beat"]["image"]

    for key, expected in REQUIRED_ENV.items():
        assert key in env_example, f".env.example lacks {key}"
        value = env_example[key]
        if isinstance(expected, re.Pattern):
            assert expected.match(value), f".env.example: {key}={value}"
        elif expected is not None:
            assert value == expected, f".env.example: {key}={value}, expected {expected}"
    # Migrations run as the db service's owner; the app connects as another role, one that
    # owns nothing (config.db_roles), on the same database.
    password = env_example["POSTGRES_PASSWORD"]
    owner = env_example["DATABASE_MIGRATE_URL"]
    app = env_example["DATABASE_URL"]
    assert owner.startswith(f"postgres://{services['db']['environment']['POSTGRES_USER']}:")
    assert f":{password}@db:" in owner
    assert app.split("@", 1)[0].split("//")[1].split(":")[0] != owner.split("//")[1].split(":")[0]
    assert app.rsplit("/", 1)[1] == owner.rsplit("/", 1)[1] == "bekwaam"
    assert "${POSTGRES_PASSWORD" in services["db"]["environment"]["POSTGRES_PASSWORD"]


def test_static_paths_line_up_and_no_app_container_keeps_files(services, env_example):
    web, nginx = mounts(services["web"]), mounts(services["nginx"])
    static_root = env_example["DJANGO_STATIC_ROOT"]
    assert web[static_root] == "static"
    nginx_conf = NGINX_CONF.read_text()
    static_alias = re.search(r"location /static/ \{[^}]*alias ([^;]+);", nginx_conf)
    assert static_alias
    assert nginx[static_alias.group(1).rstrip("/")] == "static"
    assert "client_max_body_size 110m;" in nginx_conf
    assert nginx["/etc/nginx/nginx.conf"] == "./deploy/nginx.conf"
    # Uploads and reports live in the bucket: no app container mounts a media directory,
    # so web and worker can be scaled to more replicas (tests/maintenance/test_two_nodes.py).
    for name in APP_SERVICES:
        assert not any("media" in target for target in mounts(services[name])), name
    assert "DJANGO_MEDIA_ROOT" not in env_example
    assert env_example.get("BEKWAAM_X_ACCEL_REDIRECT", "0") == "0"
    # X-Accel-Redirect stays available for local-disk deployments: internal only.
    media = re.search(r"location /protected-media/ \{([^}]*)\}", nginx_conf)
    assert media and re.search(r"^\s*internal;", media.group(1), re.M)


def test_minio_is_the_apps_bucket_and_stays_internal(services, env_example):
    minio = services["minio"]
    assert "ports" not in minio, "MinIO must not be published: downloads go through Bekwaam"
    assert "9000" in [str(port) for port in minio.get("expose", [])]
    environment = minio["environment"]
    assert "${AWS_ACCESS_KEY_ID" in environment["MINIO_ROOT_USER"]
    assert "${AWS_SECRET_ACCESS_KEY" in environment["MINIO_ROOT_PASSWORD"]
    assert argv(minio["command"])[:2] == ["server", "/data"]
    assert minio["healthcheck"]["test"] == ["CMD", "mc", "ready", "local"]
    for name in ("web", "worker"):
        depends = services[name]["depends_on"]
        assert depends["minio"]["condition"] == "service_healthy", name
    host = re.match(r"^http://([^:/]+):9000$", env_example["AWS_S3_ENDPOINT_URL"]).group(1)
    assert host in services
    assert env_example["CACHE_URL"].startswith("redis://redis:")
    assert env_example["CACHE_URL"] != env_example["CELERY_BROKER_URL"]


def test_processes_are_the_ones_the_smoke_test_starts(services):
    web = argv(services["web"]["command"])
    assert web == [*WEB_PROCESS, "--bind", "0.0.0.0:8000", "--workers", "3"]
    assert argv(services["worker"]["command"])[: len(WORKER_PROCESS)] == WORKER_PROCESS
    beat = [*WORKER_PROCESS[:-1], "beat"]
    assert argv(services["beat"]["command"])[: len(beat)] == beat

    # The image's default command is the web process too, and nginx proxies to its port.
    cmd = re.search(r"^CMD (\[.*\])$", (BASE_DIR / "Dockerfile").read_text(), re.M)
    assert cmd and json.loads(cmd.group(1)) == web
    assert "server web:8000;" in NGINX_CONF.read_text()
    assert "8000" in [str(port) for port in services["web"].get("expose", [])]


def test_entrypoint_migrates_and_collects_static_for_web():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    entry = re.search(r"^ENTRYPOINT (\[.*\])$", dockerfile, re.M)
    assert entry
    script = BASE_DIR / json.loads(entry.group(1))[0].removeprefix("/app/")
    text = script.read_text()
    assert "manage.py migrate --noinput" in text
    assert "manage.py collectstatic --noinput" in text
    assert "manage.py ensure_bucket" in text
    assert 'exec "$@"' in text
