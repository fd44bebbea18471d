#!/usr/bin/env python3
"""The page of `todo serve` in a real headless Chromium (Debian's chromium and chromium-driver),
driven by Selenium: a title holding markup shows as text, a task added in the form gets its AI
fields live from the event stream, an edited tag is stored as the user's, search finds a task by
meaning, Undo brings a deleted task back (and asks before undoing over a change no step
records), due dates show in the browser's time zone. A screenshot
per test is kept under .build/serve-page/ for people to look at.

    Tools/serve-page/page_test.py --todo .build/release/todo
"""
import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHOTS = os.path.join(ROOT, ".build", "serve-page")


def start_server(todo, folder):
    env = dict(os.environ, SMART_TODO_WEIGHTS=os.path.join(ROOT, "Weights"))
    server = subprocess.Popen([todo, "serve", "--port", "0", "--db", os.path.join(folder, "tasks.sqlite")],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    line = server.stdout.readline()
    if not line.startswith("listening on http://"):
        server.kill()
        sys.exit(f"todo serve did not start: {line!r}")
    return server, line.split("listening on ")[1].strip()


def api(base, path, method="GET", body=None):
    request = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def browser():
    options = webdriver.ChromeOptions()
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1100,700"]:
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def wait(driver, condition, what, seconds=30):
    try:
        # A row is drawn again on each of its events: an element found a moment ago may be gone; look again.
        return WebDriverWait(driver, seconds, poll_frequency=0.1, ignored_exceptions=[StaleElementReferenceException]).until(lambda d: condition(d))
    except Exception:
        driver.save_screenshot(os.path.join(SHOTS, "failed.png"))
        raise AssertionError(f"timed out waiting for {what}")


def field(driver, task_id, name):
    return driver.find_element(By.CSS_SELECTOR, f'#task-{task_id} input[aria-label^="{name} of"]')


def test_markup_in_a_title_shows_as_text(driver, base):
    title = "<img src=x onerror=alert(1)>"
    task = api(base, "/api/tasks", "POST", {"title": title})
    driver.get(base + "/")
    span = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, f"#task-{task['id']} .title"), "the task's row")[0]
    assert span.text == title, span.text
    assert driver.find_elements(By.TAG_NAME, "img") == [], "an element was made from the title"
    try:
        driver.switch_to.alert
        raise AssertionError("the title's script ran")
    except NoAlertPresentException:
        pass
    driver.save_screenshot(os.path.join(SHOTS, "script-title.png"))


def test_added_task_gets_its_ai_fields_live(driver, base):
    driver.get(base + "/")
    title = "Transfer the rent to the landlord"
    driver.find_element(By.ID, "title").send_keys(title, Keys.ENTER)  # stored with ?enrich=async: AI fields come by event
    row = wait(driver, lambda d: [li for li in d.find_elements(By.CSS_SELECTOR, "#tasks li") if title in li.text], "the new row")[0]
    task_id = int(row.get_attribute("id").split("-")[1])
    category = wait(driver, lambda d: field(d, task_id, "category").get_attribute("value"), "the category from task.enriched")
    stored = api(base, f"/api/tasks/{task_id}")
    assert category == stored["category"], (category, stored["category"])
    driver.save_screenshot(os.path.join(SHOTS, "live-ai-fields.png"))
    return task_id


def test_edited_tags_are_the_users(driver, base, task_id):
    tags = field(driver, task_id, "tags")
    tags.send_keys(Keys.CONTROL, "a")  # select what the AI put there, and type over it
    tags.send_keys("rent, monthly", Keys.TAB)
    wait(driver, lambda d: api(base, f"/api/tasks/{task_id}")["tags"] == ["rent", "monthly"], "the edited tags stored")
    stored = api(base, f"/api/tasks/{task_id}")
    assert "tags" not in stored["provenance"], "the tags are the user's now"
    driver.save_screenshot(os.path.join(SHOTS, "edited-tags.png"))


def test_search_by_meaning(driver, base):
    driver.find_element(By.ID, "q").send_keys("paying the landlord", Keys.ENTER)
    wait(driver, lambda d: any("Transfer the rent" in li.text for li in d.find_elements(By.CSS_SELECTOR, "#results li")), "the search result")
    driver.save_screenshot(os.path.join(SHOTS, "search.png"))


def test_a_refused_done_is_said_and_the_box_put_back(driver, base):
    """A refused request (here faked: the task gone elsewhere) is said, never drawn as a task."""
    task = api(base, "/api/tasks", "POST", {"title": "Water the plants"})
    driver.get(base + "/")
    box = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, f"#task-{task['id']} input[type=checkbox]"), "the task's box")[0]
    driver.execute_script("""
        const real = window.fetch;
        window.fetch = (path, options) => String(path).endsWith('/done')
            ? Promise.resolve(new Response(JSON.stringify({detail: 'no task 999'}), {status: 404}))
            : real(path, options);""")
    box.click()
    wait(driver, lambda d: d.find_element(By.ID, "note").text == "no task 999", "the refusal in the note")
    assert not box.is_selected(), "the box is put back"
    assert driver.find_elements(By.ID, f"task-{task['id']}"), "the row is still drawn"


def test_newest_first_and_older_on_demand(driver, base):
    """More tasks than a page holds: the newest show first, "Show older tasks" brings the rest."""
    lines = "".join(json.dumps({"title": f"Filed note {i}", "category": "Archive", "priority": "low", "tags": ["old"]}) + "\n" for i in range(210))
    request = urllib.request.Request(base + "/api/import", method="POST", data=lines.encode(), headers={"Content-Type": "application/x-ndjson"})
    with urllib.request.urlopen(request, timeout=60) as response:
        assert json.loads(response.read())["added"] == 210
    newest = api(base, "/api/tasks", "POST", {"title": "The newest task of all", "category": "Archive", "priority": "low", "tags": ["new"]})
    driver.get(base + "/")
    first = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#tasks li"), "the list")[0]
    assert first.get_attribute("id") == f"task-{newest['id']}", first.get_attribute("id")
    older = driver.find_element(By.ID, "older")
    assert older.is_displayed(), "a button for the older tasks"
    oldest = api(base, "/api/tasks?limit=1")["tasks"][0]["id"]
    assert not driver.find_elements(By.ID, f"task-{oldest}"), "the oldest is not on the first page"
    older.click()
    wait(driver, lambda d: d.find_elements(By.ID, f"task-{oldest}"), "the oldest task after Show older")
    ids = [int(li.get_attribute("id").split("-")[1]) for li in driver.find_elements(By.CSS_SELECTOR, "#tasks li")]
    assert ids == sorted(ids, reverse=True) and len(ids) == len(set(ids)), "newest first, each once"
    driver.save_screenshot(os.path.join(SHOTS, "older-tasks.png"))


def test_a_deleted_task_comes_back_with_undo(driver, base):
    """Delete in the page (confirmed), then Undo: the row is drawn again and the note says what was undone."""
    task = api(base, "/api/tasks", "POST", {"title": "Renew the bus pass"})
    driver.get(base + "/")

    def delete(d):
        # The row is drawn again when its AI fields arrive: click the button of the row as it is now.
        buttons = [b for b in d.find_elements(By.CSS_SELECTOR, f"#task-{task['id']} button") if b.text == "Delete"]
        if buttons:
            buttons[0].click()
        return bool(buttons)
    wait(driver, delete, "the task's Delete button")
    driver.switch_to.alert.accept()
    wait(driver, lambda d: not d.find_elements(By.ID, f"task-{task['id']}"), "the row gone after Delete")
    driver.find_element(By.ID, "undo").click()
    wait(driver, lambda d: d.find_elements(By.ID, f"task-{task['id']}"), "the row back after Undo")
    note = driver.find_element(By.ID, "note").text
    assert note == f"Undid: DELETE /api/tasks/{task['id']} (todo serve)", note
    assert api(base, f"/api/tasks/{task['id']}")["status"] == "pending"
    driver.save_screenshot(os.path.join(SHOTS, "undo.png"))


def test_undo_after_an_unrecorded_change_asks_first(driver, base, database):
    """A change no step records (written to the file directly) since the last command: Undo asks;
    Cancel undoes nothing and says why, OK undoes the command anyway."""
    task = api(base, "/api/tasks", "POST", {"title": "Book the piano tuner"})
    api(base, f"/api/tasks/{task['id']}", "PATCH", {"title": "Book the piano tuner for March"})
    # The AI's fields first (their own step, if they change anything), so the direct write comes last.
    wait(driver, lambda d: api(base, "/readyz")["queue_depth"] == 0, "an empty queue")
    with sqlite3.connect(database) as db:
        db.execute("UPDATE task SET description = 'the upright in the hall', updated = updated + 5 WHERE id = ?", (task["id"],))
    driver.get(base + "/")
    wait(driver, lambda d: d.find_elements(By.ID, f"task-{task['id']}"), "the task's row")

    def question(d):
        try:
            return d.switch_to.alert
        except NoAlertPresentException:
            return False
    driver.find_element(By.ID, "undo").click()
    alert = wait(driver, question, "the question before a forced undo")
    assert f"task {task['id']} was changed after" in alert.text and alert.text.endswith("Undo it anyway?"), alert.text
    alert.dismiss()
    wait(driver, lambda d: "was changed after" in d.find_element(By.ID, "note").text, "the refusal said")
    assert api(base, f"/api/tasks/{task['id']}")["description"] == "the upright in the hall", "nothing undone"
    driver.find_element(By.ID, "undo").click()
    wait(driver, question, "the question again").accept()
    wait(driver, lambda d: d.find_element(By.ID, "note").text.startswith("Undid: "), "the forced undo said")
    assert api(base, f"/api/tasks/{task['id']}")["description"] == "", "undone anyway, the direct write with it"


def test_a_due_date_shows_in_the_browsers_time_zone(driver, base):
    """The page reads "friday 5pm" in the browser's zone (its Time-Zone header), and shows due dates in it too."""
    task = api(base, "/api/tasks", "POST", {"title": "Post the visa form", "due": "2031-05-01T14:30:00Z"})
    driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Asia/Tokyo"})
    try:
        driver.get(base + "/")
        wait(driver, lambda d: "due 2031-05-01 23:30" in d.find_element(By.ID, f"task-{task['id']}").text, "the due date in Tokyo's time")
        driver.find_element(By.ID, "due").send_keys("2031-05-02 9am")
        driver.find_element(By.ID, "title").send_keys("Call the embassy", Keys.ENTER)
        stored = wait(driver, lambda d: [t for t in api(base, "/api/tasks?limit=500&order=newest")["tasks"] if t["title"] == "Call the embassy"], "the new task")[0]
        assert stored["due"].startswith("2031-05-02T00:00:00"), stored["due"]  # 9:00 in Tokyo is 00:00 UTC
        wait(driver, lambda d: "due 2031-05-02 09:00" in d.find_element(By.ID, f"task-{stored['id']}").text, "the typed time shown as typed")
    finally:
        driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": ""})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--todo", default=os.path.join(ROOT, ".build", "release", "todo"))
    todo = parser.parse_args().todo
    os.makedirs(SHOTS, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        server, base = start_server(todo, folder)
        driver = browser()
        try:
            test_markup_in_a_title_shows_as_text(driver, base)
            task_id = test_added_task_gets_its_ai_fields_live(driver, base)
            test_edited_tags_are_the_users(driver, base, task_id)
            test_search_by_meaning(driver, base)
            test_a_refused_done_is_said_and_the_box_put_back(driver, base)
            test_newest_first_and_older_on_demand(driver, base)
            test_a_deleted_task_comes_back_with_undo(driver, base)
            test_undo_after_an_unrecorded_change_asks_first(driver, base, os.path.join(folder, "tasks.sqlite"))
            test_a_due_date_shows_in_the_browsers_time_zone(driver, base)
        finally:
            driver.quit()
            server.terminate()
            server.wait(timeout=30)
    print(f"page tests passed; screenshots in {SHOTS}")


if __name__ == "__main__":
    main()
