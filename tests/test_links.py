"""config.links: one reverse() per list gives the very URLs reverse() gives per row."""

import pytest
from django.urls import reverse

from config import links


@pytest.mark.parametrize("value", [7, 1234567890123, "B1-K1-W1", "P2-K1-W3 a b", "één?&#%"])
def test_a_filled_url_is_what_reverse_gives(value):
    pattern = links.open_url("portfolios:werkproces", 12)
    assert links.fill(pattern, value) == reverse("portfolios:werkproces", args=[12, value])


@pytest.mark.parametrize("pk", [1, 42, 9999999])
def test_an_open_last_argument_of_an_int_route(pk):
    pattern = links.open_url("portfolios:evidence")
    assert links.fill(pattern, pk) == reverse("portfolios:evidence", args=[pk])
    assert links.fill(links.open_url("portfolios:portfolio"), pk) == reverse(
        "portfolios:portfolio", args=[pk]
    )
