"""The console in a real browser: Debian's Chromium driven by pip's Playwright.

One server (``gongzhi serve``) runs on the demo district exactly as ``make run`` prepares it
(migrations, tenants/wangcheng.yaml with its demo users, ``gongzhi demo load``), on SQLite in a
temporary folder. The tests log in as the district administrator (``wc-admin``) and as a
community administrator (``lfl-admin``) with the passwords the tenant file's apply printed,
compare the dashboard's figures with ``GET /metrics``, create a volunteer and credit hours
through the forms, switch five-sector off for 雷锋路社区 in the matrix and see its entry leave
that community's navigation. Every main page is saved as a screenshot at desktop and phone width
under ``test-output/console/`` (``GONGZHI_TEST_OUTPUT`` moves it), with Chinese glyphs drawn by
Noto CJK.

Set-up: Chromium (``/usr/bin/chromium``) and ``fonts-noto-cjk`` are installed with apt-get when
missing; the tests are skipped, saying why, only when that install is impossible. Playwright
never downloads a browser here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.slow


def _has_cjk_font() -> bool:
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        return False
    return "Noto Sans CJK" in listed.stdout


def _apt_install(*packages: str) -> str | None:
    """Install Debian packages; None on success, else why it was impossible."""
    if shutil.which("apt-get") is None:
        return "apt-get is not available on this machine"
    sudo: list[str] = []
    if os.geteuid() != 0:
        if shutil.which("sudo") is None:
            return "not root and no sudo to run apt-get"
        sudo = ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", *packages]):
        done = subprocess.run([*sudo, *command], capture_output=True, text=True, env=env)
        if done.returncode != 0:
            return f"{' '.join(command)} failed: {done.stderr.strip()[-300:]}"
    return None


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's Chromium with a CJK font, installed when missing (skip only if impossible)."""
    missing = [
        package
        for package, present in (
            ("chromium", Path(CHROMIUM).exists()),
            ("fonts-noto-cjk", _has_cjk_font()),
        )
        if not present
    ]
    if missing:
        why = _apt_install(*missing)
        if why is not None:
            pytest.skip(f"cannot install {', '.join(missing)} for the browser tests: {why}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[dev]')")
    return CHROMIUM


@dataclass
class Server:
    url: str
    passwords: dict[str, str]

    def api(self, method: str, path: str, token: str | None = None, body: Any = None) -> Any:
        request = urllib.request.Request(
            self.url + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={
                "content-type": "application/json",
                **({"authorization": f"Bearer {token}"} if token else {}),
            },
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read())

    def token(self, username: str) -> str:
        pair = self.api(
            "POST",
            "/api/v1/auth/login",
            body={"username": username, "password": self.passwords[username]},
        )
        return str(pair["access_token"])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(
    chromium: str, tmp_path_factory: pytest.TempPathFactory, gongzhi_sqlite_template: Path
) -> Iterator[Server]:
    """``make run``'s preparation of the demo district, then ``gongzhi serve``.

    The database starts as the suite's migrated template (what ``gongzhi db upgrade`` makes).
    """
    folder = tmp_path_factory.mktemp("console-browser")
    shutil.copyfile(gongzhi_sqlite_template, folder / "demo.db")
    env = {
        **os.environ,
        "GONGZHI_DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'demo.db'}",
        "GONGZHI_SECRET_KEY": "console-browser-tests-secret-key-0123456789",
        "GONGZHI_ARGON2_TIME_COST": "1",
        "GONGZHI_ARGON2_MEMORY_COST": "8",
        "GONGZHI_ARGON2_PARALLELISM": "1",
        "GONGZHI_LOG_LEVEL": "warning",
    }
    gongzhi = str(BIN / "gongzhi")

    def run(*args: str) -> str:
        done = subprocess.run(
            [gongzhi, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout + done.stderr

    applied = run("tenants", "apply", "tenants/wangcheng.yaml")
    passwords = dict(re.findall(r"create user (\S+) \S+: password: (\S+)", applied))
    assert {"wc-admin", "lfl-admin"} <= set(passwords), applied
    run("demo", "load")
    port = _free_port()
    process = subprocess.Popen(
        [gongzhi, "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url + "/health/live", timeout=1):
                break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("gongzhi serve did not start")
            time.sleep(0.1)
    try:
        yield Server(url, passwords)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def shots() -> Path:
    folder = Path(os.environ.get("GONGZHI_TEST_OUTPUT", ROOT / "test-output")) / "console"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def _log_in(browser: Any, server: Server, username: str) -> Any:
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.goto(server.url + "/console/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(server.passwords[username])
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/console/t/"))
    return page


def _shoot(page: Any, shots: Path, name: str) -> None:
    """The page at desktop width (full page), then at phone width, then back."""
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(shots / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(shots / f"{name}-phone.png"), full_page=False)
    page.set_viewport_size(DESKTOP)


def test_the_district_dashboard_shows_the_apis_figures_in_chinese(
    browser: Any, server: Server, shots: Path
) -> None:
    login = browser.new_page(viewport=DESKTOP)
    login.goto(server.url + "/console/login")
    assert login.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"', '共治')")
    _shoot(login, shots, "login")
    login.close()
    page = _log_in(browser, server, "wc-admin")
    assert page.url.endswith("/console/t/wangcheng")
    page.wait_for_selector(".chart[data-rendered=true]")
    figures = server.api("GET", "/api/v1/tenants/wangcheng/metrics", server.token("wc-admin"))
    expected = {f["name"]: f["total"] for f in figures["figures"]}
    shown = page.eval_on_selector_all(
        "article.figure",
        "nodes => nodes.map(n => [n.dataset.metric,"
        " Number(n.querySelector('[data-total]').dataset.total)])",
    )
    assert dict(shown) == expected
    headline = page.eval_on_selector_all(
        "ul.headline li", "nodes => nodes.map(n => n.dataset.metric)"
    )
    district = yaml.safe_load((ROOT / "tenants" / "wangcheng.yaml").read_text("utf-8"))
    configured = district["tenants"][0]["settings"]["console"]["headline"]
    assert headline == [name for name in configured if name in expected]
    assert "five-sector.pairings" in headline
    assert expected["five-sector.pairings"] == 4
    # Chinese text is drawn with a CJK font (not boxes): the used font family resolves to Noto.
    assert page.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"', '望城区')")
    _shoot(page, shots, "dashboard")
    page.goto(server.url + "/console/t/wangcheng/tree?q=430112001")
    assert page.locator("main table").inner_text().count("高塘岭街道") == 1
    # Typing a name narrows the list in place (htmx), without leaving the page.
    page.get_by_label("按名称、标识或区划代码搜索").fill("雷锋")
    page.wait_for_function(
        "() => document.querySelector('#tree-results table').innerText.includes('雷锋路社区')"
    )
    assert "高塘岭街道" not in page.locator("#tree-results table tbody").inner_text()
    page.goto(server.url + "/console/t/wangcheng/tree")
    unlabelled = page.evaluate(
        "() => [...document.querySelectorAll('main input:not([type=hidden]), main select,"
        " main textarea')].filter(e => e.labels.length === 0).map(e => e.name)"
    )
    assert unlabelled == []
    _shoot(page, shots, "tree")
    page.context.close()


def test_a_community_admin_creates_a_volunteer_and_credits_hours(
    browser: Any, server: Server, shots: Path
) -> None:
    page = _log_in(browser, server, "lfl-admin")
    assert page.url.endswith("/console/t/leifenglu")
    options = page.eval_on_selector_all("#tenant-switch option", "nodes => nodes.map(n => n.value)")
    assert options == ["leifenglu"]
    page.get_by_role("link", name="志愿者").click()
    page.wait_for_url(re.compile(r"/m/five-sector/volunteers$"))
    _shoot(page, shots, "volunteers")
    page.get_by_role("link", name="新建").click()
    page.get_by_label("姓名").fill("周志愿")
    page.get_by_label("志愿者编号").fill("LFL-BROWSER-1")
    page.get_by_label("技能").fill("助老\n环保")
    unlabelled = page.evaluate(
        "() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]"
        ".filter(e => e.labels.length === 0).map(e => e.name)"
    )
    assert unlabelled == []
    _shoot(page, shots, "volunteer-form")
    with page.expect_navigation():
        page.get_by_role("button", name="登记志愿者").click()
    page.wait_for_url(re.compile(r"/volunteers/[0-9a-f-]{36}$"))
    assert page.locator("h1").inner_text() == "周志愿"
    page.get_by_label("服务时长（小时）").fill("1.5")
    page.get_by_label("服务日期").fill("2026-11-01")
    page.get_by_label("服务内容").fill("社区环境整治")
    page.get_by_label("核实人").fill("雷锋路社工")
    with page.expect_navigation():
        page.get_by_role("button", name="记录服务时长").click()
    assert page.locator('[data-field="total_hours"]').inner_text() == "1.5"
    assert "社区环境整治" in page.locator("main").inner_text()
    _shoot(page, shots, "volunteer")
    with page.expect_download() as download:
        page.get_by_role("link", name="志愿服务记录证明（PDF）").click()
    assert download.value.suggested_filename.endswith(".pdf")
    page.context.close()


def test_an_edit_opens_filled_and_a_volunteer_is_picked_by_name(
    browser: Any, server: Server, shots: Path
) -> None:
    page = _log_in(browser, server, "wc-admin")
    base = server.url + "/console/t/gaotangling/m/five-sector"
    page.goto(base + "/organisations/new")
    page.get_by_label("名称").fill("高塘岭书画社")
    page.get_by_label("类型").select_option("community")
    page.get_by_label("领域").fill("文体类")
    page.get_by_label("成员数").fill("12")
    with page.expect_navigation():
        page.get_by_role("button", name="登记社会组织").click()
    edit = page.locator('form[data-form="edit"]')
    assert edit.get_by_label("名称").input_value() == "高塘岭书画社"
    assert edit.get_by_label("成员数").input_value() == "12"
    edit.get_by_label("成员数").fill("15")
    _shoot(page, shots, "organisation-edit")
    with page.expect_navigation():
        edit.get_by_role("button", name="修改").click()
    assert page.locator('[data-field="members_count"]').inner_text() == "15"
    assert page.locator("h1").inner_text() == "高塘岭书画社"
    page.goto(base + "/volunteers/new")
    page.get_by_label("姓名").fill("吴志愿")
    page.get_by_label("志愿者编号").fill("GTL-BROWSER-1")
    with page.expect_navigation():
        page.get_by_role("button", name="登记志愿者").click()
    page.goto(base + "/activities/new")
    page.get_by_label("标题").fill("冬至包饺子")
    page.get_by_label("类别").fill("助老")
    page.get_by_label("地点").fill("高塘岭街道活动中心")
    page.get_by_label("开始时间").fill("2026-12-21T09:00")
    page.get_by_label("结束时间").fill("2026-12-21T11:00")
    with page.expect_navigation():
        page.get_by_role("button", name="发布活动").click()
    sign_up = page.locator('form[data-form="sign-up"]')
    sign_up.get_by_label("身份").select_option("volunteer")
    sign_up.get_by_label("志愿者").select_option(label="吴志愿")
    unlabelled = page.evaluate(
        "() => [...document.querySelectorAll('main input:not([type=hidden]), main select,"
        " main textarea')].filter(e => e.labels.length === 0).map(e => e.name)"
    )
    assert unlabelled == []
    with page.expect_navigation():
        sign_up.get_by_role("button", name="报名").click()
    assert "吴志愿" in page.locator("main").inner_text()
    page.context.close()


def test_a_long_choice_list_is_searched_in_place(browser: Any, server: Server) -> None:
    """More volunteers than a choice list shows at once (the list is by volunteer number, so
    the last one is beyond the first 200): the search box asks the console for the matching
    ones (htmx) and the one found is chosen and signed up."""
    token = server.token("wc-admin")
    base = "/api/v1/tenants/xinkang/five-sector"
    for number in range(201):
        server.api(
            "POST",
            f"{base}/volunteers",
            token,
            {"name": f"批量志愿者{number:03d}", "volunteer_number": f"XK-BULK-{number:03d}"},
        )
    server.api(
        "POST", f"{base}/volunteers", token, {"name": "唯一志愿者", "volunteer_number": "XK-ZZZ-1"}
    )
    activity = server.api(
        "POST",
        f"{base}/activities",
        token,
        {
            "title": "新康社区义剪",
            "category": "助老",
            "place": "新康社区服务站",
            "starts_at": "2026-12-05T01:00:00Z",
            "ends_at": "2026-12-05T03:00:00Z",
        },
    )
    page = _log_in(browser, server, "wc-admin")
    page.goto(f"{server.url}/console/t/xinkang/m/five-sector/activities/{activity['id']}")
    sign_up = page.locator('form[data-form="sign-up"]')
    picker = sign_up.locator('select[name="volunteer_id"]')
    assert picker.locator("option").count() <= 201
    assert picker.locator("option", has_text="唯一志愿者").count() == 0
    sign_up.get_by_label("搜索").fill("唯一")
    picker.locator("option", has_text="唯一志愿者").wait_for(state="attached")
    assert picker.locator("option").all_inner_texts() == ["—", "唯一志愿者"]
    sign_up.get_by_label("身份").select_option("volunteer")
    picker.select_option(label="唯一志愿者")
    with page.expect_navigation():
        sign_up.get_by_role("button", name="报名").click()
    assert "唯一志愿者" in page.locator("main").inner_text()
    page.context.close()


def test_switching_five_sector_off_for_a_community_removes_its_entry(
    browser: Any, server: Server, shots: Path
) -> None:
    community = _log_in(browser, server, "lfl-admin")
    assert community.locator('nav.side [data-module="five-sector"]').count() == 1
    admin = _log_in(browser, server, "wc-admin")
    admin.goto(server.url + "/console/t/wangcheng/modules")
    _shoot(admin, shots, "modules")
    # The district requires five-sector: switching it off below is refused, in Chinese.
    cell = admin.locator('tr[data-tenant="leifenglu"] td[data-module="five-sector"]')
    with admin.expect_navigation():
        cell.get_by_role("button", name="关闭").click()
    assert "上级政策已决定该模块的状态" in admin.locator("#refusal").inner_text()
    # Relax the district's policy, switch five-sector on for the community, then off again.
    policy = admin.locator('tr[data-tenant="wangcheng"] td[data-module="five-sector"]')
    policy.get_by_label(re.compile("政策")).select_option("allowed")
    with admin.expect_navigation():
        policy.get_by_role("button", name="设置政策").click()
    cell = admin.locator('tr[data-tenant="leifenglu"] td[data-module="five-sector"]')
    with admin.expect_navigation():
        cell.get_by_role("button", name="开启").click()
    community.reload()
    assert community.locator('nav.side [data-module="five-sector"]').count() == 1
    with admin.expect_navigation():
        cell.get_by_role("button", name="关闭").click()
    assert "未启用" in cell.locator("strong").inner_text()
    community.reload()
    assert community.locator('nav.side [data-module="five-sector"]').count() == 0
    community.goto(server.url + "/console/t/leifenglu/m/five-sector/volunteers")
    assert "未找到" in community.locator("h1").inner_text()
    admin.context.close()
    community.context.close()


def test_members_password_and_audit_pages_are_labelled_and_shot(
    browser: Any, server: Server, shots: Path
) -> None:
    """The pages of people (issue 17 §6) at both widths; every field has its label."""
    admin = _log_in(browser, server, "wc-admin")
    unlabelled_fields = (
        "() => [...document.querySelectorAll('main input:not([type=hidden]), main select,"
        " main textarea')].filter(e => e.labels.length === 0).map(e => e.name)"
    )
    admin.goto(server.url + "/console/t/leifenglu/members")
    assert admin.locator('tr[data-member="lfl-staff"]').count() == 1
    assert admin.evaluate(unlabelled_fields) == []
    _shoot(admin, shots, "members")
    admin.goto(server.url + "/console/t/wangcheng/audit?action=memberships.*")
    assert admin.locator("table.audit tbody tr[data-action]").count() > 0
    assert admin.evaluate(unlabelled_fields) == []
    _shoot(admin, shots, "audit")
    admin.goto(server.url + "/console/password")
    assert admin.evaluate(unlabelled_fields) == []
    _shoot(admin, shots, "password")
    admin.context.close()
