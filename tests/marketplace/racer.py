"""Child-process side of the cross-process idempotency race.

Kept free of Django imports at module level: a spawned child imports this
module before Django is set up.
"""

import os


def post_raced_key(barrier, results, index: int) -> None:
    """Set Django up in this fresh process, wait for the other, then POST."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "marketplace.settings.test"
    import django

    django.setup()
    from django.test import override_settings
    from rest_framework.test import APIClient

    with override_settings(ROOT_URLCONF="tests.marketplace.urls"):
        client = APIClient()
        barrier.wait(timeout=30)
        response = client.post(
            "/test/counting",
            {"sleep": 0.5},
            format="json",
            HTTP_IDEMPOTENCY_KEY="raced",
        )
        results.put((index, response.status_code, response.json()))
