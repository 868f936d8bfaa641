#!/usr/bin/env python3
"""Drives the history browser in headless Chromium (Debian's chromium and chromium-driver, through
Selenium) against a running `annals serve`, and asserts on the rendered DOM.

Usage: history_browser.py BASE_URL TOKEN SCREENSHOT_DIR

Steps: load the page, give the token, search without diacritics, open the aid record, check its
timeline (versions, who, why, old → new), view it as of its first version, draw the aggregates and
the change between two dates. A screenshot of each step goes to SCREENSHOT_DIR. Exit 0 when every
check passed; otherwise the first failure is printed and the exit is 1.
"""
import os
import sys
import unicodedata

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def main():
    base, token, shots = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(shots, exist_ok=True)
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000",
                 "--lang=vi"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    wait = WebDriverWait(driver, 15)
    step = [0]

    def shot(name):
        step[0] += 1
        driver.save_screenshot(os.path.join(shots, f"{step[0]:02d}-{name}.png"))

    def check(condition, message):
        if not condition:
            shot("failure")
            raise AssertionError(message)

    try:
        driver.get(base + "/")
        check(driver.title.startswith("Annals"), f"title is {driver.title!r}")
        shot("loaded")
        driver.find_element(By.ID, "token").send_keys(token)
        driver.find_element(By.CSS_SELECTOR, "#login button").click()
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#chart .bar")) > 0)

        # Search without diacritics finds the Vietnamese titles.
        driver.find_element(By.ID, "q").send_keys("vien tro phi chinh phu")
        driver.find_element(By.CSS_SELECTOR, "#search button").click()
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#results a")) > 0)
        titles = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#results a")]
        check(any("Viện trợ phi chính phủ" in t for t in titles), f"search results: {titles}")
        # Vietnamese text arrives as written (NFC), not mangled.
        check(all(unicodedata.is_normalized("NFC", t) for t in titles), "titles are not NFC")
        shot("searched")

        # Open the 2021 NGO aid record: its timeline shows each version with who, why, old → new.
        link = next(a for a in driver.find_elements(By.CSS_SELECTOR, "#results a")
                    if a.get_attribute("data-id") == "event/lang-son-2021-ngo-aid")
        link.click()
        wait.until(EC.visibility_of_element_located((By.ID, "record-panel")))
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#timeline li")) >= 3)
        items = driver.find_elements(By.CSS_SELECTOR, "#timeline li")
        texts = [i.text for i in items]
        check(texts[0].startswith("v1 create"), f"first version: {texts[0]!r}")
        correction = next((t for t in texts if " correct" in t.split("\n")[0]), "")
        check("by lan" in correction and "Báo cáo quyết toán" in correction, f"correction: {correction!r}")
        check("1108742" in correction and "1108745" in correction, f"old → new: {correction!r}")
        olds = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#timeline .old")]
        news = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#timeline .new")]
        check("1108742" in olds and "1108745" in news, f"diff cells: {olds} → {news}")
        check("1108745" in driver.find_element(By.ID, "record-body").text, "the current record shows 1108745")
        check("Viện trợ phi chính phủ nước ngoài" in driver.find_element(By.ID, "record-title").text, "title")
        shot("record")

        # Click through the history: as of version 1, the old figure.
        driver.find_element(By.CSS_SELECTOR, "#version-bar button[data-version='1']").click()
        wait.until(lambda d: "version 1" in d.find_element(By.ID, "record-meta").text)
        body = driver.find_element(By.ID, "record-body").text
        check("1108742" in body and "1108745" not in body, f"as of version 1: {body[:200]!r}")
        current = driver.find_element(By.CSS_SELECTOR, "#version-bar button.current").text
        check(current == "v1", f"the current version button is {current!r}")
        shot("as-of-version-1")

        # Aggregates: the quantity family as bars, and the cells that changed between two dates.
        driver.find_element(By.CSS_SELECTOR, "#family option[value='quantity']").click()
        driver.find_element(By.ID, "metric").send_keys("ngo-aid")
        driver.execute_script("document.getElementById('from').value = '2020-01-01';"
                              "document.getElementById('to').value = '2099-12-31';")
        driver.find_element(By.CSS_SELECTOR, "#aggregates button").click()
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#changes tbody tr td")) > 0)
        years = sorted(b.get_attribute("data-year") for b in driver.find_elements(By.CSS_SELECTOR, "#chart .bar"))
        check(years == ["2020", "2021"], f"bars for years {years}")
        bars = {b.get_attribute("data-year"): b.find_element(By.TAG_NAME, "b").text
                for b in driver.find_elements(By.CSS_SELECTOR, "#chart .bar")}
        check(bars == {"2020": "115913", "2021": "1108745"}, f"ngo-aid per year: {bars}")
        rows = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#changes tbody tr")]
        check(any("ngo-aid" in r and "1108745" in r for r in rows), f"changed cells: {rows}")
        check(driver.find_element(By.ID, "error").text == "", driver.find_element(By.ID, "error").text)
        shot("aggregates")
        print(f"browser checks passed; {step[0]} screenshots in {shots}")
    finally:
        driver.quit()


if __name__ == "__main__":
    try:
        main()
    except AssertionError as failure:
        print(f"browser check failed: {failure}")
        sys.exit(1)
