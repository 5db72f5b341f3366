"""A new user signs up, uploads a photo and sees its thumbnail appear; another user cannot see it."""

import re

from playwright.sync_api import expect


def test_sign_up_upload_and_see_the_thumbnail(page, sign_up, shared_data, worker_process, live_server, browser):
    sign_up("painter")
    page.get_by_role("link", name="Create your first project").click()
    page.fill("#id_title", "My puppy")
    page.set_input_files("#id_photo", str(shared_data / "content" / "puppy.jpg"))
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_role("heading", name="My puppy")).to_be_visible()
    assert page.get_by_text("Thumbnail", exact=True).count() == 0  # the photo once, no small copy
    project_url = page.url

    # The thumbnail belongs to the list: made by the real worker, shown there without reload.
    page.get_by_role("link", name="My projects", exact=True).click()
    thumbnail = page.locator(".project-card img")
    expect(thumbnail).to_be_visible(timeout=60_000)
    # Visible is not loaded: wait for the picture itself (a broken one ends with width 0).
    loaded_width = "img => img.complete ? img.naturalWidth : new Promise(done => { img.onload = img.onerror = () => done(img.naturalWidth); })"
    assert thumbnail.evaluate(loaded_width) > 0

    # A second user gets 404 for the page and the photo.
    other = browser.new_context(base_url=live_server.url)
    other_page = other.new_page()
    other_page.goto("/accounts/signup/")
    other_page.fill("#id_username", "intruder")
    other_page.fill("#id_email", "intruder@example.com")
    other_page.fill("#id_password1", "sneaky-looking-77")
    other_page.fill("#id_password2", "sneaky-looking-77")
    other_page.get_by_role("button", name="Sign up").click()
    other_page.wait_for_url("**/projects/")
    assert other_page.goto(project_url).status == 404
    assert other_page.goto(project_url + "photo/").status == 404
    other.close()


def test_a_bad_upload_shows_a_clear_error(page, sign_up, tmp_path):
    sign_up("careful")
    fake = tmp_path / "holiday.jpg"
    fake.write_text("<html>this is not a photo</html>")
    page.goto("/projects/new/")
    page.fill("#id_title", "Oops")
    page.set_input_files("#id_photo", str(fake))
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_role("alert")).to_contain_text(re.compile("not an image we can read"))
