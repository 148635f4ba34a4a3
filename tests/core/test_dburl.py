"""Connection values survive the trip to a `postgres://` URL and back: sockets, odd passwords, odd names."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from teknokyla.core.dburl import database_settings, database_url

# Anything a person may put in a password or a folder name, but NUL (which libpq refuses anyway).
text = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=30)


def test_a_socket_directory_is_the_host_not_part_of_the_path():
    url = database_url({"USER": "postgres", "HOST": "/work/main/var/test/postgres", "PORT": 5432, "NAME": "teknokyla"})
    assert url == "postgres://postgres@%2Fwork%2Fmain%2Fvar%2Ftest%2Fpostgres:5432/teknokyla"
    values = database_settings(url)
    assert (values["HOST"], values["PORT"], values["NAME"]) == ("/work/main/var/test/postgres", 5432, "teknokyla")


def test_another_database_on_the_same_server():
    values = database_settings("postgres://postgres@127.0.0.1:5432/teknokyla")
    assert database_url(values, "test_teknokyla_restore") == "postgres://postgres@127.0.0.1:5432/test_teknokyla_restore"


@settings(max_examples=200, derandomize=True)
@given(
    user=text,
    password=text,
    host=st.one_of(
        st.sampled_from(["", "127.0.0.1", "::1", "db.example.fi"]), text.map(lambda folder: "/var/" + folder)
    ),
    port=st.one_of(st.just(""), st.integers(1, 65535)),
    name=text.filter(bool),
)
def test_every_value_comes_back_unchanged(user, password, host, port, name):
    values = {"USER": user, "PASSWORD": password, "HOST": host, "PORT": port, "NAME": name}
    back = database_settings(database_url(values))
    assert {key: back[key] for key in values} == values
    assert back["ENGINE"] == "django.db.backends.postgresql"


def test_only_postgresql_urls_are_read():
    with pytest.raises(ValueError, match="Not a PostgreSQL URL"):
        database_settings("mysql://root@127.0.0.1/teknokyla")


def test_options_from_the_query_string():
    assert database_settings("postgres://u@db.example.fi/t?sslmode=require")["OPTIONS"] == {"sslmode": "require"}
