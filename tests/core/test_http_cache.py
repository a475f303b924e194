"""Anonymous public pages are cacheable and revalidated by ETag; personal ones never reach a shared cache."""


def test_anonymous_page_has_etag_and_public_revalidated_cache(client):
    response = client.get("/about")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, no-cache"
    assert response.headers["ETag"].startswith('"')
    assert {"Accept-Language", "Cookie"} <= set(response.vary)


def test_same_etag_is_answered_not_modified_without_body(client):
    tag = client.get("/about").headers["ETag"]
    again = client.get("/about", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == tag
    changed = client.get("/about", headers={"If-None-Match": '"another"'})
    assert changed.status_code == 200 and changed.data


def test_each_language_has_its_own_etag(client):
    indonesian = client.get("/about", headers={"Accept-Language": "id"})
    english = client.get("/about", headers={"Accept-Language": "en"})
    assert indonesian.headers["ETag"] != english.headers["ETag"]
    # English's tag does not validate the Indonesian page: the body is sent again.
    assert client.get("/about", headers={"Accept-Language": "id",
                                         "If-None-Match": english.headers["ETag"]}).status_code == 200


def test_max_age_setting_lets_caches_reuse_the_page(app, client):
    app.config["STATDESK_PAGE_MAX_AGE"] = 30
    assert client.get("/about").headers["Cache-Control"] == "public, max-age=30"


def test_signed_in_page_is_private_and_not_stored(client, users, login):
    login(users.make())
    response = client.get("/about")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in response.headers
    assert client.get("/about", headers={"If-None-Match": "*"}).status_code == 200


def test_choosing_a_language_by_query_is_not_shared(client):
    response = client.get("/about?lang=en")
    assert response.headers["Cache-Control"] == "private, no-store"


def test_page_with_a_form_token_is_not_shared(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.get("/login")
    assert response.status_code == 200 and b"csrf_token" in response.data
    assert response.headers["Cache-Control"] == "private, no-store"


def test_page_showing_a_flash_message_is_not_shared(app, client):
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Saved for you only")]
    response = client.get("/about")
    assert b"Saved for you only" in response.data
    assert response.headers["Cache-Control"] == "private, no-store"


def test_request_with_authorization_is_not_shared(client):
    response = client.get("/about", headers={"Authorization": "Bearer not-a-token"})
    assert response.headers["Cache-Control"] == "private, no-store"


def test_view_choice_is_kept_and_errors_are_not_made_public(client):
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and "public" not in missing.headers.get("Cache-Control", "")
    assert "ETag" not in missing.headers


def test_signed_in_non_html_answer_is_private(client, users, login):
    login(users.make())
    response = client.get("/healthz")
    assert "public" not in response.headers.get("Cache-Control", "")
    assert "private" in response.headers["Cache-Control"]


def test_a_views_public_choice_is_made_private_for_a_signed_in_person(client, users, login):
    anonymous = client.get("/api/v1/search/suggest?q=pen")
    assert anonymous.headers["Cache-Control"] == "public, max-age=60"
    login(users.make())
    signed_in = client.get("/api/v1/search/suggest?q=pen")
    assert "public" not in signed_in.headers["Cache-Control"] and "private" in signed_in.headers["Cache-Control"]


def test_head_of_a_public_page_carries_the_same_etag(client):
    tag = client.get("/about").headers["ETag"]
    head = client.head("/about")
    assert head.status_code == 200 and head.headers["ETag"] == tag
    assert client.head("/about", headers={"If-None-Match": tag}).status_code == 304
