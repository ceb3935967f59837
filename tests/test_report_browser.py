"""The demo market's report in a real browser: headless Chromium (Debian's `chromium` package) loads
report.html from disk, every chart image decodes with a non-zero size, and a full-page screenshot is
not blank. Skipped (with the reason) when /usr/bin/chromium is absent, unless
EMR_JOBS_REQUIRE_BROWSER=1 (set by .ci/run), which makes a missing browser a failure.

The screenshot is kept at $EMR_JOBS_REPORT_SCREENSHOT when that is set (a path), else in the test's
temporary folder; its path is printed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from matplotlib.image import imread

from tests.conftest import run_cli

CHROMIUM = Path("/usr/bin/chromium")
REQUIRE_ENV = "EMR_JOBS_REQUIRE_BROWSER"
CHARTS = 6

# Added to a copy of the report (the report itself holds no script): after load, each image's
# decoded size and laid-out box are written into attributes that --dump-dom prints.
PROBE = """<script>
window.addEventListener("load", () => {
  for (const img of document.images) {
    const box = img.getBoundingClientRect();
    img.setAttribute("data-probe", [img.complete, img.naturalWidth, img.naturalHeight,
                                    Math.round(box.width), Math.round(box.height)].join(":"));
  }
  document.body.setAttribute("data-probed", String(document.images.length));
});
</script>"""


def _chromium() -> str:
    if CHROMIUM.exists():
        return str(CHROMIUM)
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{CHROMIUM} is absent and {REQUIRE_ENV}=1: apt-get install -y chromium")
    pytest.skip(f"{CHROMIUM} is absent (apt-get install -y chromium; {REQUIRE_ENV}=1 makes this a failure)")


def _headless(chromium: str, *args: str, profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
         "--no-first-run", f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory) -> tuple[Path, Path]:
    chromium = _chromium()
    out = tmp_path_factory.mktemp("browser")
    result = run_cli("demo", "--out", str(out), timeout=300)
    assert result.returncode == 0, result.stderr
    report = out / "report" / "report.html"
    assert report.exists()
    return Path(chromium), report


def test_every_chart_renders_in_chromium(demo_report, tmp_path):
    chromium, report = demo_report
    probe = report.with_name("probe.html")
    probe.write_text(report.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    result = _headless(str(chromium), "--virtual-time-budget=10000", "--dump-dom", probe.as_uri(),
                       profile=tmp_path / "profile")
    assert result.returncode == 0, result.stderr[-2000:]
    assert f'data-probed="{CHARTS}"' in result.stdout, "the page did not finish loading"
    probes = re.findall(r'data-probe="([^"]+)"', result.stdout)
    assert len(probes) == CHARTS
    for found in probes:
        complete, natural_w, natural_h, box_w, box_h = found.split(":")
        assert complete == "true" and int(natural_w) > 100 and int(natural_h) > 100, found
        assert int(box_w) > 100 and int(box_h) > 100, found


def test_the_report_screenshot_is_not_blank(demo_report, tmp_path):
    chromium, report = demo_report
    screenshot = Path(os.environ.get("EMR_JOBS_REPORT_SCREENSHOT") or tmp_path / "report.png")
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    screenshot.unlink(missing_ok=True)
    result = _headless(str(chromium), "--window-size=1280,7000", f"--screenshot={screenshot}", report.as_uri(),
                       profile=tmp_path / "profile")
    assert result.returncode == 0, result.stderr[-2000:]
    assert screenshot.exists() and screenshot.stat().st_size > 50_000
    pixels = imread(screenshot)[..., :3]
    assert pixels.shape[0] >= 7000 and pixels.shape[1] >= 1280
    assert float(pixels.std()) > 0.05, "the screenshot is uniform"
    # the charts' bar colour (#3b6ea5) is on the page, in more than a few pixels
    bar = np.all(np.abs(pixels - np.array([0x3B, 0x6E, 0xA5]) / 255) < 0.02, axis=-1)
    assert int(bar.sum()) > 5_000
    # no band of the page's top 5,000 pixels is left white for longer than a screen: something drew
    rows_inked = (pixels[:5000] < 0.9).any(axis=(1, 2))
    longest_blank = max(len(run) for run in "".join("x" if ink else "." for ink in rows_inked).split("x"))
    assert longest_blank < 800
    print(f"report screenshot: {screenshot}")
    shutil.copy(screenshot, report.with_name("report.png"))
