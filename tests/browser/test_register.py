"""The public register walked through in Chromium, as a resident would: from the list of
councils to a council, to a service, to its privacy notice and back to its version history;
and the ROPA table, which scrolls inside its own region at 320 CSS px, never the page."""

from __future__ import annotations

import pytest
from browser.browsing import Browse, record

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 320])
def test_from_the_councils_to_a_notice_and_its_history(browse: Browse, width: int) -> None:
    visit = browse.open("/register", width, wait_for="main#main-content")
    page = visit.page
    assert page.title() == "Councils – Register of processing activities"
    page.get_by_role("link", name="London Borough of Camden").click()
    page.wait_for_url("**/register/camden")
    assert page.locator("h1").inner_text() == "London Borough of Camden"
    page.get_by_role("link", name="Early Help Services", exact=True).click()
    page.wait_for_url("**/register/camden/services/camden-early-help")
    assert page.locator("h1").inner_text() == "Early Help Services"
    page.get_by_role("link", name="Read the privacy notice").click()
    page.wait_for_url("**/v1/services/camden-early-help/notice/render?page=full")
    assert page.title() == "Privacy notice: Early Help Services – London Borough of Camden"
    assert page.locator(".govuk-header").inner_text().strip() == "London Borough of Camden"
    assert page.locator(".govuk-service-navigation__service-name").inner_text().strip() == (
        "Early Help Services"
    )
    assert page.locator("main h1").inner_text() == "Early Help Services Privacy Notice"
    # The skip link is the first stop of the keyboard and lands on the notice.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main-content"
    page.get_by_role("link", name="Version history and what changed").click()
    page.wait_for_url("**/register/camden/services/camden-early-help#versions")
    assert page.locator("#versions").is_visible()
    page.get_by_role("link", name="Read version 1 of the privacy notice").click()
    page.wait_for_url("**/notice/render?page=full&version=1")
    assert page.locator("main h1").inner_text() == "Early Help Services Privacy Notice"
    assert not visit.network_problems(), visit.network_problems()


def test_the_ropa_table_scrolls_in_its_region_not_the_page(browse: Browse) -> None:
    visit = browse.open("/register/camden/ropa", 320, wait_for="main#main-content")
    page = visit.page
    region = page.get_by_role("region", name="5 processing activities")
    widths = region.evaluate("(e) => [e.scrollWidth, e.clientWidth]")
    record("register-camden-ropa", region_320=widths)
    assert widths[0] > widths[1], "the table is wider than the region, which scrolls"
    assert visit.scroll_width() == (320, 320)
    # From the keyboard: the region takes focus and the arrow keys scroll it.
    region.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('.ropa-table-scroll').scrollLeft > 0", timeout=5_000
    )
    # The activity's name stays in view while its row scrolls sideways.
    header = page.locator("tbody th[scope=row]").first
    box, frame = header.bounding_box(), region.bounding_box()
    assert box is not None and frame is not None
    assert abs(box["x"] - frame["x"]) < 1
