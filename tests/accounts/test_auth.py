import pytest
from django.contrib.auth.hashers import identify_hasher

from accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

STRONG = "a long enough password"


def signup(api_client, **fields):
    body = {"email": "Ana@Example.com", "password": STRONG, "name": "Ana"} | fields
    return api_client.post("/auth/signup", body, format="json")


def test_u01_u04_signup_is_public_and_answers_tokens(api_client):
    response = signup(api_client)

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"user_id", "access_token", "refresh_token"}
    me = api_client.get(
        "/users/me", HTTP_AUTHORIZATION=f"Bearer {body['access_token']}"
    )
    assert me.json()["id"] == body["user_id"]


def test_u02_email_is_stored_lowercase_and_unique_ignoring_case(api_client):
    signup(api_client)

    again = signup(api_client, email="ANA@example.COM")

    assert User.objects.get().email == "ana@example.com"
    assert again.status_code == 409
    assert again.json()["code"] == "EMAIL_TAKEN"


def test_u02_database_refuses_an_uppercase_email(db):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        User.objects.create(email="Upper@Example.com")


def test_u03_short_password_is_refused(api_client):
    response = signup(api_client, password="short")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "VALIDATION_ERROR"
    assert "password" in body["details"]


def test_u03_password_is_stored_with_bcrypt(api_client):
    signup(api_client)

    stored = User.objects.get().password
    assert identify_hasher(stored).algorithm == "bcrypt_sha256"
    assert STRONG not in stored


def test_u05_login_answers_a_token_pair(api_client):
    UserFactory(email="bo@example.com")

    response = api_client.post(
        "/auth/login", {"email": "BO@example.com", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
    assert set(response.json()) == {"access_token", "refresh_token"}


@pytest.mark.parametrize(
    "email, password",
    [
        ("bo@example.com", "wrong password!!"),
        ("nobody@example.com", PASSWORD),
    ],
)
def test_u05_login_with_bad_credentials_is_401(api_client, email, password):
    UserFactory(email="bo@example.com")

    response = api_client.post(
        "/auth/login", {"email": email, "password": password}, format="json"
    )

    assert response.status_code == 401
    assert response.json()["code"] == "INVALID_CREDENTIALS"


def test_u05_inactive_user_cannot_log_in(api_client):
    UserFactory(email="bo@example.com", is_active=False)

    response = api_client.post(
        "/auth/login", {"email": "bo@example.com", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 401


def login(api_client, user):
    response = api_client.post(
        "/auth/login", {"email": user.email, "password": PASSWORD}, format="json"
    )
    return response.json()


def test_u06_refresh_rotates_and_revokes_the_old_token(api_client, user):
    pair = login(api_client, user)

    first = api_client.post(
        "/auth/refresh", {"refresh_token": pair["refresh_token"]}, format="json"
    )
    reuse = api_client.post(
        "/auth/refresh", {"refresh_token": pair["refresh_token"]}, format="json"
    )

    assert first.status_code == 200
    assert set(first.json()) == {"access_token", "refresh_token"}
    assert first.json()["refresh_token"] != pair["refresh_token"]
    assert reuse.status_code == 401
    assert reuse.json()["code"] == "TOKEN_INVALID"


def test_u06_an_access_token_is_not_a_refresh_token(api_client, user):
    pair = login(api_client, user)

    response = api_client.post(
        "/auth/refresh", {"refresh_token": pair["access_token"]}, format="json"
    )

    assert response.status_code == 401
    assert response.json()["code"] == "TOKEN_INVALID"


def test_u07_patch_me_changes_name_and_photo(user_client):
    response = user_client.patch(
        "/users/me",
        {"name": "New Name", "photo_url": "https://img.example.com/me.png"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["name"] == "New Name"
    assert response.json()["photo_url"] == "https://img.example.com/me.png"


def test_u07_email_is_immutable(user_client, user):
    response = user_client.patch(
        "/users/me", {"email": "other@example.com"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "VALIDATION_ERROR"
    assert "email" in response.json()["details"]
    user.refresh_from_db()
    assert user.email != "other@example.com"


def test_users_me_shape(user_client, user):
    body = user_client.get("/users/me").json()

    assert set(body) == {"id", "email", "name", "photo_url", "is_active", "created_at"}
    assert body["created_at"].endswith("Z")


def test_u08_delete_me_deactivates_and_revokes_every_token(api_client, user):
    first = login(api_client, user)
    second = login(api_client, user)
    client = client_for(user)

    response = client.delete("/users/me")

    assert response.status_code == 204
    user.refresh_from_db()
    assert user.is_active is False
    for pair in (first, second):
        me = api_client.get(
            "/users/me", HTTP_AUTHORIZATION=f"Bearer {pair['access_token']}"
        )
        assert me.status_code == 401
        assert me.json()["code"] == "TOKEN_INVALID"
        refreshed = api_client.post(
            "/auth/refresh", {"refresh_token": pair["refresh_token"]}, format="json"
        )
        assert refreshed.status_code == 401


def test_logout_revokes_the_access_token_and_the_refresh_token(api_client, user):
    pair = login(api_client, user)
    other = login(api_client, user)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {pair['access_token']}"}

    response = api_client.post(
        "/auth/logout",
        {"refresh_token": pair["refresh_token"]},
        format="json",
        **headers,
    )

    assert response.status_code == 204
    assert api_client.get("/users/me", **headers).status_code == 401
    refreshed = api_client.post(
        "/auth/refresh", {"refresh_token": pair["refresh_token"]}, format="json"
    )
    assert refreshed.status_code == 401
    # Only the presented tokens die; another session of the user lives on.
    still = api_client.get(
        "/users/me", HTTP_AUTHORIZATION=f"Bearer {other['access_token']}"
    )
    assert still.status_code == 200


def test_requests_without_a_token_are_401(api_client):
    response = api_client.get("/users/me")

    assert response.status_code == 401
    assert response.json() == {
        "detail": response.json()["detail"],
        "code": "NOT_AUTHENTICATED",
        "details": {},
    }


def test_u08_owner_of_an_active_organization_must_transfer_first(db):
    from tests.orgs.factories import OrganizationFactory

    organization = OrganizationFactory()

    response = client_for(organization.owner).delete("/users/me")

    assert response.status_code == 409
    assert response.json()["code"] == "OWNER_MUST_TRANSFER"
    organization.owner.refresh_from_db()
    assert organization.owner.is_active is True


def forged(user, **claims) -> str:
    import jwt
    from django.conf import settings

    payload = {
        "token_type": "access",
        "user_id": str(user.pk),
        "jti": "j",
        "ver": 0,
        "exp": 4_000_000_000,
    } | claims
    return jwt.encode(payload, settings.SIMPLE_JWT["SIGNING_KEY"], algorithm="HS256")


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda user: forged(user, exp=1_000_000_000), id="expired"),
        pytest.param(lambda user: forged(user)[:-3] + "abc", id="tampered"),
        pytest.param(
            lambda user: __import__("jwt").encode(
                {"token_type": "access", "user_id": str(user.pk), "jti": "j", "ver": 0},
                key=None,
                algorithm="none",
            ),
            id="alg-none",
        ),
        pytest.param(lambda user: forged(user, ver=1), id="old-version"),
        pytest.param(
            lambda user: forged(user, token_type="refresh"), id="refresh-as-access"
        ),
    ],
)
def test_forged_expired_and_stale_tokens_are_refused(api_client, user, make_token):
    response = api_client.get(
        "/users/me", HTTP_AUTHORIZATION=f"Bearer {make_token(user)}"
    )

    assert response.status_code == 401
    assert response.json()["code"] == "TOKEN_INVALID"


def test_a_well_formed_forged_token_with_the_right_key_is_accepted(api_client, user):
    # The control for the test above: only the broken part makes it fail.
    response = api_client.get("/users/me", HTTP_AUTHORIZATION=f"Bearer {forged(user)}")

    assert response.status_code == 200
