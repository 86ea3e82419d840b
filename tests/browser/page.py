#!/usr/bin/env python3
"""The page in a real browser: headless Chromium through WebDriver (Debian's
`chromium` and `chromium-driver`, Python's `selenium`).

    python3 tests/browser/page.py [--kaohe target/release/kaohe] [--shots target/browser]

Starts `kaohe serve` on a free loopback port, then:
1. with JavaScript: uploads the sample through the file input, waits for the
   ranking, sorts it by a heading, opens a unit, goes back, downloads the
   .zip and checks each of its files is byte for byte what `kaohe score`
   writes for the same file;
2. with JavaScript off: uploads through the plain form and waits (the job's
   page refreshes itself) for the same ranking;
3. with last year's workbook (the sample's 2024 results) chosen in its own
   field: the ranking gains 上年总分 … 名次升降, a unit's page says where it
   stood last year, and the .zip is what `kaohe score --previous` writes;
   the PDF choice is enabled exactly when LibreOffice is installed;
and stops the server with Ctrl-C, which must exit 130 and leave no job
folder. Screenshots of every page go to --shots (a test artefact, not
committed). Exits 0 when everything held.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE = os.path.join(ROOT, "samples", "示例台账.xlsx")
PREVIOUS = os.path.join(ROOT, "samples", "2024年度考核得分表.xlsx")


# Debian's browser and driver, named so that Selenium looks nothing up
# (its manager would otherwise go to the network).
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
os.environ["SE_AVOID_STATS"] = "true"


def browser(downloads, javascript):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    options.add_argument("--headless=new")
    options.add_argument("--no-sandbox")
    options.add_argument("--disable-gpu")
    options.add_argument("--window-size=1366,768")
    prefs = {"download.default_directory": downloads, "download.prompt_for_download": False}
    if not javascript:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    options.add_experimental_option("prefs", prefs)
    return webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))


def upload_sample(driver, base, shots, name, previous=None):
    """Opens the page, chooses the sample (and last year's workbook),
    submits, waits for the ranking."""
    driver.get(base)
    driver.find_element(By.ID, "inputs").send_keys(SAMPLE)
    if previous:
        driver.find_element(By.ID, "previous").send_keys(previous)
    driver.save_screenshot(os.path.join(shots, f"{name}-1-upload.png"))
    driver.find_element(By.CSS_SELECTOR, "form.upload button[type=submit]").click()
    WebDriverWait(driver, 120).until(ready.presence_of_element_located((By.CSS_SELECTOR, "table.ranking")))
    driver.save_screenshot(os.path.join(shots, f"{name}-2-results.png"))
    heading = driver.find_element(By.TAG_NAME, "h1").text
    assert heading.startswith("已完成2025年度考核计分：15个单位"), heading
    rows = driver.find_elements(By.CSS_SELECTOR, "table.ranking tbody tr")
    assert len(rows) == 15, len(rows)
    return rows


def ranks(driver):
    return [row.find_element(By.TAG_NAME, "td").text for row in driver.find_elements(By.CSS_SELECTOR, "table.ranking tbody tr")]


def downloaded_zip(driver, downloads):
    """Clicks the .zip link and returns its files by path."""
    driver.find_element(By.CSS_SELECTOR, "ul.downloads li a").click()
    zip_path = os.path.join(downloads, "考核结果.zip")
    for _ in range(300):
        if os.path.exists(zip_path):
            break
        time.sleep(0.1)
    with zipfile.ZipFile(zip_path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def same_files(got, expected):
    assert sorted(got) == sorted(expected), (sorted(got), sorted(expected))
    for path, content in expected.items():
        assert got[path] == content, f"{path} differs from kaohe score's"


def with_javascript(base, shots, downloads, expected):
    driver = browser(downloads, javascript=True)
    try:
        upload_sample(driver, base, shots, "js")
        assert "token=" not in driver.current_url
        # Sorting: the rank heading twice gives descending order.
        rank_heading = driver.find_element(By.CSS_SELECTOR, "table.ranking thead th button")
        rank_heading.click()
        rank_heading.click()
        order = ranks(driver)
        assert order[0] == "15" and order[-1] == "1", order
        driver.save_screenshot(os.path.join(shots, "js-3-sorted.png"))
        rank_heading.click()
        first = driver.find_element(By.CSS_SELECTOR, "table.ranking tbody tr td a")
        name = first.text
        open_unit(driver, first)
        assert name in driver.find_element(By.TAG_NAME, "h1").text
        driver.save_screenshot(os.path.join(shots, "js-4-unit.png"))
        back_to_ranking(driver)
        same_files(downloaded_zip(driver, downloads), expected)
    finally:
        driver.quit()


def open_unit(driver, link):
    """Follows a unit's link in the ranking and waits for its indicators."""
    link.click()
    WebDriverWait(driver, 30).until(ready.presence_of_element_located((By.CSS_SELECTOR, "table.indicators")))


def back_to_ranking(driver):
    """Goes back from a unit's page and waits for the ranking."""
    driver.back()
    WebDriverWait(driver, 30).until(ready.presence_of_element_located((By.CSS_SELECTOR, "table.ranking")))


def without_javascript(base, shots, downloads):
    driver = browser(downloads, javascript=False)
    try:
        upload_sample(driver, base, shots, "nojs")
        assert ranks(driver)[:3] == ["1", "2", "3"]
    finally:
        driver.quit()


def with_previous(base, shots, downloads, expected):
    driver = browser(downloads, javascript=True)
    try:
        driver.get(base)
        pdf = driver.find_element(By.ID, "pdf-bulletin")
        assert pdf.is_enabled() == bool(shutil.which("soffice") or shutil.which("libreoffice")), pdf.is_enabled()
        upload_sample(driver, base, shots, "previous", previous=PREVIOUS)
        headings = [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "table.ranking thead th")]
        assert headings[-4:] == ["上年总分", "上年排名", "上年等次", "名次升降"], headings
        cells = [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "table.ranking tbody tr")[4].find_elements(By.TAG_NAME, "td")]
        assert cells[-4:] == ["93.07", "7", "良好", "2"], cells
        # 名次升降 twice: the one that rose most first.
        moved = driver.find_elements(By.CSS_SELECTOR, "table.ranking thead th button")[-1]
        moved.click()
        moved.click()
        assert ranks(driver)[0] == "5", ranks(driver)
        driver.execute_script("arguments[0].scrollIntoView()", driver.find_element(By.CSS_SELECTOR, "table.ranking"))
        driver.save_screenshot(os.path.join(shots, "previous-3-sorted.png"))
        open_unit(driver, driver.find_elements(By.CSS_SELECTOR, "table.ranking tbody tr td a")[0])
        stood = driver.find_element(By.CSS_SELECTOR, "p.previous").text
        assert stood == "上年（2024）：总分 93.07 · 排名 7 · 等次 良好", stood
        names = [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "table.indicators tbody th")]
        assert "意识形态和舆情综合分析" in names, names
        driver.save_screenshot(os.path.join(shots, "previous-4-unit.png"))
        back_to_ranking(driver)
        same_files(downloaded_zip(driver, downloads), expected)
    finally:
        driver.quit()


def score_files(kaohe, scratch, name="cli", previous=None):
    """What `kaohe score` writes for the sample (against `previous`, named
    by its file name as the page names it), by path."""
    out = os.path.join(scratch, name)
    args = [kaohe, "score", SAMPLE, "-o", out]
    if previous:
        args += ["--previous", os.path.basename(previous)]
    subprocess.run(args, check=True, stderr=subprocess.DEVNULL, cwd=os.path.dirname(PREVIOUS))
    files = {}
    for folder, _, names in os.walk(out):
        for name in names:
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, out).replace(os.sep, "/")
            if relative != ".kaohe-outputs":
                with open(path, "rb") as handle:
                    files[relative] = handle.read()
    return files


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kaohe", default=os.path.join(ROOT, "target", "release", "kaohe"))
    parser.add_argument("--shots", default=os.path.join(ROOT, "target", "browser"))
    args = parser.parse_args()
    os.makedirs(args.shots, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="kaohe-browser-")
    env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    expected = score_files(args.kaohe, scratch)
    compared = score_files(args.kaohe, scratch, "cli-previous", PREVIOUS)
    server = subprocess.Popen(
        [args.kaohe, "serve", "--listen", "127.0.0.1:0"],
        stdout=subprocess.PIPE,
        env=dict(env, TMPDIR=scratch),
        text=True,
    )
    try:
        base = re.search(r"(http://127\.0\.0\.1:\d+/)", server.stdout.readline()).group(1)
        with_javascript(base, args.shots, os.path.join(scratch, "js"), expected)
        without_javascript(base, args.shots, os.path.join(scratch, "nojs"))
        with_previous(base, args.shots, os.path.join(scratch, "previous"), compared)
    finally:
        server.send_signal(signal.SIGINT)
        code = server.wait(timeout=30)
    left = [name for name in os.listdir(scratch) if name.startswith("kaohe-serve-")]
    assert code == 130, code
    assert not left, left
    print(f"browser: the page passed with and without JavaScript and with last year's workbook; screenshots in {args.shots}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
