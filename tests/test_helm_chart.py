"""The Helm chart in helm/gongzhi renders, lints and validates without a cluster.

Rendering and linting go through Helm's own Go library (``helm-python-sdk``), so template
errors, schema checks and ``fail`` calls behave exactly as ``helm install`` would; every
rendered object is then checked against the Kubernetes OpenAPI schemas bundled offline in
``kubernetes-validate`` (strict: unknown fields are errors).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import helm_python as helm
import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHART_DIR = ROOT / "helm" / "gongzhi"
PRODUCTION_VALUES: dict[str, Any] = yaml.safe_load(
    (Path(__file__).parent / "fixtures" / "helm" / "production-values.yaml").read_text()
)
KUBE_VERSION = "1.31.0"
RELEASE = "gz"
NAMESPACE = "gongzhi"
POSTGRES_VALUES: dict[str, Any] = {
    "replicaCount": 2,
    "database": {
        "engine": "postgresql",
        "url": "postgresql+asyncpg://gongzhi_app:app-pw@db:5432/gongzhi",
        "migrationUrl": "postgresql+asyncpg://gongzhi_owner:owner-pw@db:5432/gongzhi",
    },
    "secretKey": "s" * 40,
}

Manifest = dict[str, Any]


@pytest.fixture(scope="module")
def chart() -> Iterator[helm.Chart]:
    with helm.Chart.load(CHART_DIR) as loaded:
        yield loaded


def render(chart: helm.Chart, values: dict[str, Any] | None = None) -> list[Manifest]:
    """Every object the chart renders for ``values``, hooks included."""
    rendered = chart.render(values, name=RELEASE, namespace=NAMESPACE, is_install=True)
    objects: list[Manifest] = []
    for path, text in sorted(rendered.items()):
        if path.endswith("NOTES.txt"):
            continue
        objects.extend(doc for doc in yaml.safe_load_all(text) if doc)
    return objects


def of_kind(objects: list[Manifest], kind: str) -> list[Manifest]:
    return [o for o in objects if o["kind"] == kind]


def one(objects: list[Manifest], kind: str) -> Manifest:
    found = of_kind(objects, kind)
    assert len(found) == 1, f"expected one {kind}, got {len(found)}"
    return found[0]


def pod_spec(obj: Manifest) -> Manifest:
    spec: Manifest = obj["spec"]["template"]["spec"]
    return spec


def containers(spec: Manifest) -> list[Manifest]:
    return [*spec.get("initContainers", []), *spec["containers"]]


def env_of(container: Manifest) -> dict[str, Manifest]:
    return {e["name"]: e for e in container.get("env", [])}


INSTALLS = {"default": None, "production": PRODUCTION_VALUES, "postgres-values": POSTGRES_VALUES}


@pytest.mark.parametrize("install", list(INSTALLS))
def test_chart_lints_without_warnings(install: str) -> None:
    report = helm.lint(
        CHART_DIR, INSTALLS[install], strict=True, namespace=NAMESPACE, kube_version=KUBE_VERSION
    )
    assert report["errors"] == []
    problems = [m for m in report["messages"] if m["severity"] >= 2]
    assert problems == []


@pytest.mark.parametrize("install", list(INSTALLS))
def test_every_manifest_is_valid_kubernetes(chart: helm.Chart, install: str) -> None:
    objects = render(chart, INSTALLS[install])
    assert objects
    for obj in objects:
        validated = kubernetes_validate.validate(obj, KUBE_VERSION, strict=True)
        assert validated == "1.31", f"{obj['kind']} validated against {validated}"


@pytest.mark.parametrize("install", list(INSTALLS))
def test_every_container_runs_unprivileged_on_a_read_only_root(
    chart: helm.Chart, install: str
) -> None:
    objects = render(chart, INSTALLS[install])
    workloads = of_kind(objects, "Deployment") + of_kind(objects, "Job")
    checked = 0
    for workload in workloads:
        spec = pod_spec(workload)
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["securityContext"]["runAsUser"] == 10001
        assert spec["automountServiceAccountToken"] is False
        tmp_volumes = {v["name"] for v in spec["volumes"] if "emptyDir" in v}
        for container in containers(spec):
            context = container["securityContext"]
            assert context["runAsNonRoot"] is True
            assert context["runAsUser"] == 10001
            assert context["readOnlyRootFilesystem"] is True
            assert context["allowPrivilegeEscalation"] is False
            assert context["capabilities"] == {"drop": ["ALL"]}
            assert context["seccompProfile"] == {"type": "RuntimeDefault"}
            mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
            assert mounts["/tmp"] in tmp_volumes
            checked += 1
    assert checked >= 2


@pytest.mark.parametrize("install", list(INSTALLS))
def test_probes_ask_the_health_endpoints_on_the_served_port(
    chart: helm.Chart, install: str
) -> None:
    objects = render(chart, INSTALLS[install])
    app = pod_spec(one(objects, "Deployment"))["containers"][0]
    assert app["args"][:5] == ["serve", "--host", "0.0.0.0", "--port", "8000"]
    assert app["ports"] == [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]
    assert app["livenessProbe"]["httpGet"] == {"path": "/health/live", "port": "http"}
    assert app["readinessProbe"]["httpGet"] == {"path": "/health/ready", "port": "http"}
    assert app["startupProbe"]["httpGet"] == {"path": "/health/live", "port": "http"}
    service = one(objects, "Service")
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    assert (
        service["spec"]["selector"] == one(objects, "Deployment")["spec"]["selector"]["matchLabels"]
    )


def test_default_install_is_one_sqlite_replica_on_a_persistent_claim(chart: helm.Chart) -> None:
    objects = render(chart)
    deployment = one(objects, "Deployment")
    assert deployment["spec"]["replicas"] == 1
    assert deployment["spec"]["strategy"] == {"type": "Recreate"}
    config = one(objects, "ConfigMap")["data"]
    assert config["GONGZHI_ENV"] == "production"
    assert config["GONGZHI_DATABASE_URL"] == "sqlite+aiosqlite:////var/lib/gongzhi/gongzhi.db"
    claim = one(objects, "PersistentVolumeClaim")
    spec = pod_spec(deployment)
    data = next(v for v in spec["volumes"] if v["name"] == "data")
    assert data["persistentVolumeClaim"]["claimName"] == claim["metadata"]["name"]
    migrate = spec["initContainers"][0]
    assert migrate["args"] == ["db", "upgrade"]
    assert {m["mountPath"] for m in migrate["volumeMounts"]} >= {"/var/lib/gongzhi"}
    for container in containers(spec):
        assert container["workingDir"] == "/var/lib/gongzhi"
    assert of_kind(objects, "Job") == []
    assert of_kind(objects, "HorizontalPodAutoscaler") == []
    assert of_kind(objects, "PodDisruptionBudget") == []
    assert "topologySpreadConstraints" not in spec


def test_generated_secret_key_is_long_enough_for_production(chart: helm.Chart) -> None:
    secret = one(render(chart), "Secret")
    key = base64.b64decode(secret["data"]["GONGZHI_SECRET_KEY"]).decode()
    assert len(key) >= 32


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"replicaCount": 3}, "SQLite mode runs exactly one replica but replicaCount=3"),
        ({"autoscaling": {"enabled": True}}, "SQLite mode cannot enable autoscaling"),
        ({"persistence": {"enabled": False}}, "SQLite mode needs a persistent volume"),
        ({"database": {"engine": "postgresql"}}, "needs database.url or existingSecret"),
    ],
)
def test_impossible_installs_fail_to_render_with_a_clear_message(
    chart: helm.Chart, values: dict[str, Any], message: str
) -> None:
    with pytest.raises(helm.HelmRenderError) as caught:
        chart.render(values, name=RELEASE, namespace=NAMESPACE)
    assert message in str(caught.value)
    assert "错误：" in str(caught.value)


@pytest.mark.parametrize(
    ("values", "complaint"),
    [
        ({"replicaCount": "three"}, "/replicaCount"),
        ({"replicaCount": 0}, "/replicaCount"),
        ({"database": {"engine": "mysql"}}, "/database/engine"),
        ({"database": {"engine": "postgresql", "url": "postgres://db/x"}}, "/database/url"),
        ({"secretKey": "too-short"}, "/secretKey"),
        ({"service": {"type": "ClusterIP", "port": 70000}}, "/service/port"),
        ({"config": {"logLevel": "VERBOSE"}}, "/config/logLevel"),
        ({"config": {"extra": {"PATH": "/bin"}}}, "invalid propertyName 'PATH'"),
        ({"replicas": 2}, "'replicas' not allowed"),
    ],
)
def test_schema_rejects_bad_values_before_rendering(
    chart: helm.Chart, values: dict[str, Any], complaint: str
) -> None:
    with pytest.raises(helm.HelmValuesError) as caught:
        chart.validate_schema(chart.merge_values(values))
    assert complaint in str(caught.value)
    with pytest.raises(helm.HelmValuesError):
        chart.render(values, name=RELEASE, namespace=NAMESPACE)


def test_default_and_production_values_satisfy_the_schema(chart: helm.Chart) -> None:
    chart.validate_schema(chart.values)
    chart.validate_schema(chart.merge_values(PRODUCTION_VALUES))


def test_migration_job_is_a_pre_install_and_pre_upgrade_hook(chart: helm.Chart) -> None:
    objects = render(chart, PRODUCTION_VALUES)
    job = one(objects, "Job")
    annotations = job["metadata"]["annotations"]
    assert annotations["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert annotations["helm.sh/hook-delete-policy"] == "before-hook-creation,hook-succeeded"
    spec = pod_spec(job)
    assert spec["restartPolicy"] == "Never"
    assert "serviceAccountName" not in spec, "the chart's account does not exist pre-install"
    (migrate,) = spec["containers"]
    assert migrate["args"] == ["db", "upgrade"]
    env = env_of(migrate)
    assert env["GONGZHI_ENV"]["value"] == "production"
    owner_url = env["GONGZHI_MIGRATION_DATABASE_URL"]["valueFrom"]["secretKeyRef"]
    assert owner_url["name"] == "gongzhi-production"
    assert owner_url["key"] == "GONGZHI_MIGRATION_DATABASE_URL"


def test_only_the_migration_job_receives_the_owner_role_url(chart: helm.Chart) -> None:
    for values in (PRODUCTION_VALUES, POSTGRES_VALUES):
        objects = render(chart, values)
        app = pod_spec(one(objects, "Deployment"))
        for container in containers(app):
            assert "GONGZHI_MIGRATION_DATABASE_URL" not in env_of(container)
            assert "envFrom" not in container or all(
                "secretRef" not in source for source in container["envFrom"]
            )
        assert "GONGZHI_MIGRATION_DATABASE_URL" in env_of(
            pod_spec(one(objects, "Job"))["containers"][0]
        )


def test_existing_secret_replaces_the_charts_secret(chart: helm.Chart) -> None:
    objects = render(chart, PRODUCTION_VALUES)
    assert of_kind(objects, "Secret") == []
    app = pod_spec(one(objects, "Deployment"))["containers"][0]
    env = env_of(app)
    for name in ("GONGZHI_SECRET_KEY", "GONGZHI_DATABASE_URL", "GONGZHI_REDIS_URL"):
        assert env[name]["valueFrom"]["secretKeyRef"]["name"] == "gongzhi-production"
    assert "GONGZHI_DATABASE_URL" not in one(objects, "ConfigMap")["data"]
    assert (
        "checksum/secret"
        not in one(objects, "Deployment")["spec"]["template"]["metadata"]["annotations"]
    )


def test_chart_managed_secret_keeps_the_owner_url_in_a_hook_secret(chart: helm.Chart) -> None:
    objects = render(chart, POSTGRES_VALUES)
    secrets = {s["metadata"]["name"]: s for s in of_kind(objects, "Secret")}
    app_secret = secrets[f"{RELEASE}-gongzhi"]
    hook_secret = secrets[f"{RELEASE}-gongzhi-migrations"]
    assert set(app_secret["data"]) == {"GONGZHI_SECRET_KEY", "GONGZHI_DATABASE_URL"}
    assert "GONGZHI_MIGRATION_DATABASE_URL" in hook_secret["data"]
    job = one(objects, "Job")
    hook_weight = int(hook_secret["metadata"]["annotations"]["helm.sh/hook-weight"])
    assert hook_weight < int(job["metadata"]["annotations"]["helm.sh/hook-weight"])
    assert hook_secret["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    job_env = env_of(pod_spec(job)["containers"][0])
    assert (
        job_env["GONGZHI_DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"]
        == (hook_secret["metadata"]["name"])
    )


def test_production_install_spreads_several_replicas_and_scales(chart: helm.Chart) -> None:
    objects = render(chart, PRODUCTION_VALUES)
    deployment = one(objects, "Deployment")
    assert "replicas" not in deployment["spec"], "the autoscaler owns the replica count"
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    spec = pod_spec(deployment)
    keys = {c["topologyKey"] for c in spec["topologySpreadConstraints"]}
    assert keys == {"kubernetes.io/hostname", "topology.kubernetes.io/zone"}
    assert of_kind(objects, "PersistentVolumeClaim") == []
    data = next(v for v in spec["volumes"] if v["name"] == "data")
    assert "emptyDir" in data
    hpa = one(objects, "HorizontalPodAutoscaler")
    assert hpa["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (3, 12)
    resources = {m["resource"]["name"] for m in hpa["spec"]["metrics"]}
    assert resources == {"cpu", "memory"}
    pdb = one(objects, "PodDisruptionBudget")
    assert pdb["spec"]["selector"]["matchLabels"] == deployment["spec"]["selector"]["matchLabels"]
    assert pod_spec(deployment)["containers"][0]["args"][-2:] == ["--workers", "2"]


def test_ingress_routes_the_host_to_the_service(chart: helm.Chart) -> None:
    objects = render(chart, PRODUCTION_VALUES)
    ingress = one(objects, "Ingress")
    service = one(objects, "Service")
    assert ingress["spec"]["ingressClassName"] == "nginx"
    assert ingress["spec"]["tls"][0]["hosts"] == ["gongzhi.wangcheng.example.org"]
    (rule,) = ingress["spec"]["rules"]
    backend = rule["http"]["paths"][0]["backend"]["service"]
    assert backend == {
        "name": service["metadata"]["name"],
        "port": {"number": service["spec"]["ports"][0]["port"]},
    }


def test_config_change_rolls_the_pods(chart: helm.Chart) -> None:
    def checksum(values: dict[str, Any]) -> str:
        deployment = one(render(chart, values), "Deployment")
        return str(deployment["spec"]["template"]["metadata"]["annotations"]["checksum/config"])

    base = {**POSTGRES_VALUES, "config": {"logLevel": "INFO"}}
    assert checksum(base) == checksum(base)
    assert checksum(base) != checksum({**POSTGRES_VALUES, "config": {"logLevel": "DEBUG"}})


def test_metrics_scrape_annotations_follow_values(chart: helm.Chart) -> None:
    def annotations(values: dict[str, Any]) -> dict[str, str]:
        deployment = one(render(chart, values), "Deployment")
        found: dict[str, str] = deployment["spec"]["template"]["metadata"]["annotations"]
        return found

    scraped = annotations({"metrics": {"path": "/internal/metrics"}})
    assert scraped["prometheus.io/scrape"] == "true"
    assert scraped["prometheus.io/port"] == "8000"
    assert scraped["prometheus.io/path"] == "/internal/metrics"
    assert "prometheus.io/scrape" not in annotations({"metrics": {"enabled": False}})


def test_settings_reach_the_pods_as_gongzhi_variables(chart: helm.Chart) -> None:
    config = one(render(chart, PRODUCTION_VALUES), "ConfigMap")["data"]
    assert config == {
        "GONGZHI_ENV": "production",
        "GONGZHI_LOG_FORMAT": "json",
        "GONGZHI_LOG_LEVEL": "INFO",
        "GONGZHI_DISABLED_PLUGINS": "demo",
        "GONGZHI_TENANT_LEVELS": "district,town,community",
    }
