"""Demo accounts for seed_demo: one staff user and a handful of buyers."""

from accounts.models import User

DEMO_PASSWORD = "demo-password-123"
STAFF_EMAIL = "admin@example.com"
BUYER_EMAILS = [f"buyer{n}@example.com" for n in range(1, 6)]


def seed(*, stdout) -> None:
    """Create the staff user and the buyers; existing ones are left as they are."""
    if not User.objects.filter(email=STAFF_EMAIL).exists():
        User.objects.create_superuser(STAFF_EMAIL, DEMO_PASSWORD, name="Staff")
    for number, email in enumerate(BUYER_EMAILS, start=1):
        if not User.objects.filter(email=email).exists():
            User.objects.create_user(email, DEMO_PASSWORD, name=f"Buyer {number}")
    stdout.write(f"Accounts: staff {STAFF_EMAIL}, buyers {', '.join(BUYER_EMAILS)}")
